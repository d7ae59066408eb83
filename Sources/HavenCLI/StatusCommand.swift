import ArgumentParser
import HavenVault

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show the vault's format, KDF level, users, teams and counts.")

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let status = try SessionOpener.open(global).status()
    if global.json { return Console.json(StatusView(status)) }
    var lines = [
      "Vault:          \(status.name) (\(status.vaultID))",
      "Format version: \(status.formatVersion)",
      "KDF level:      \(status.kdfLevel.rawValue) (Argon2id)",
      "Created:        \(status.createdAt)",
      "Root:           \(status.root ?? "none yet")",
      "You:            \(status.you) (\(status.yourRole.rawValue))",
      "Counts:         \(status.users.count) users, \(status.teams.count) teams, \(status.auditEntryCount) audit entries",
      "",
      "Users:",
    ]
    lines += status.users.map { "  \($0.name) (\($0.role.rawValue))" }
    lines += ["", "Teams:"]
    lines += status.teams.map { team in
      let key = team.currentKeyVersion == 0 ? "no key yet" : "key v\(team.currentKeyVersion)"
      let rotation = team.rotationDue ? ", rotation due" : ""
      return "  \(team.name): \(team.members.count) member(s), \(key)\(rotation)"
    }
    if let reason = status.pendingErasureReason {
      lines += ["", "Erasures:       \(status.pendingErasures) committed but not yet complete: \(ErasureText.nextStep(reason))"]
    }
    Console.out(lines.joined(separator: "\n"))
  }
}
