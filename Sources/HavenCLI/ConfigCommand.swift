import ArgumentParser
import HavenVault

struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config", abstract: "Vault settings (admin).", subcommands: [BreakGlass.self, Show.self])

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

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show vault settings.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let roles = try SessionOpener.open(global).breakGlassRoles().map(\.rawValue)
      if global.json { return Console.json(["breakGlassRoles": roles]) }
      Console.out("break-glass roles: \(roles.isEmpty ? "none" : roles.joined(separator: ", "))")
    }
  }
}
