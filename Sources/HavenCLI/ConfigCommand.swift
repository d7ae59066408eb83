import ArgumentParser
import HavenVault

struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config", abstract: "Vault settings (admin).",
    subcommands: [BreakGlass.self, ShellIdle.self, OutcomeScaleSetting.self, Show.self])

  struct BreakGlass: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "break-glass", abstract: "Set which roles may break glass (worker, admin; empty to allow none).",
      discussion:
        "Users of these roles are given every team's key, so their access outside their teams is limited by policy and the flagged audit trail, not by cryptography. See SECURITY.md."
    )
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Comma-separated roles, or an empty string.") var roles: String

    func run() throws {
      let parsed = try roles.split(separator: ",").map { text -> Role in
        guard let role = Role(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
          throw ValidationError("unknown role '\(text)'")
        }
        return role
      }
      try SessionOpener.open(global).setBreakGlassRoles(parsed)
      Presenter.done(
        global, action: "config.break-glass",
        parsed.isEmpty
          ? "No role may break glass." : "Roles that may break glass: \(parsed.map(\.rawValue).joined(separator: ", ")).")
    }
  }

  struct ShellIdle: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "shell-idle", abstract: "Set after how many idle minutes 'haven shell' locks itself (1-480, default 10).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Minutes.") var minutes: Int

    func run() throws {
      try SessionOpener.open(global).setShellIdleMinutes(minutes)
      Presenter.done(global, action: "config.shell-idle", "haven shell locks after \(minutes) idle minutes.")
    }
  }

  struct OutcomeScaleSetting: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "outcome-scale",
      abstract: "Declare the scale outcome ratings are given on: LOW-HIGH, from 0 or 1 to 4-10 (default 1-10).",
      discussion: "Higher is better on every scale. Once ratings are recorded the scale can only widen (e.g. 1-10 to 0-10).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "e.g. 0-10") var scale: String

    func run() throws {
      let parsed = try OutcomeScale(parsing: scale)
      try SessionOpener.open(global).setOutcomeScale(parsed)
      Presenter.done(
        global, action: "config.outcome-scale", "Outcomes are rated from \(parsed.lowest) (worst) to \(parsed.highest) (best).")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show vault settings.")
    @OptionGroup var global: GlobalOptions

    struct Settings: Encodable {
      let breakGlassRoles: [String]
      let shellIdleMinutes: Int
      let outcomeScale: String
    }

    func run() throws {
      let session = try SessionOpener.open(global)
      let settings = Settings(
        breakGlassRoles: try session.breakGlassRoles().map(\.rawValue), shellIdleMinutes: try session.shellIdleMinutes(),
        outcomeScale: try session.outcomeScale().description)
      if global.json { return Console.json(settings) }
      Console.out(
        "break-glass roles: \(settings.breakGlassRoles.isEmpty ? "none" : settings.breakGlassRoles.joined(separator: ", "))")
      Console.out("shell idle lock:   \(settings.shellIdleMinutes) minutes")
      Console.out("outcome scale:     \(settings.outcomeScale) (higher is better)")
    }
  }
}
