import ArgumentParser
import Foundation
import HavenVault

/// `haven`: the command-line front end. It parses arguments, asks the vault to act, and presents
/// the result; it holds no cryptography and no SQL.
@main
struct HavenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "haven",
    abstract: "A secure, offline record vault for survivor-support services.",
    discussion:
      "Exit codes: 0 ok, 64 usage, 65 data error or tampering, 66 no such vault or record, 70 internal, 73 cannot create, 74 disk full or I/O error, 75 busy (retry), 77 permission denied or wrong passphrase. See docs/cli.md.",
    version: "0.1.0",
    subcommands: [
      InitCommand.self, StatusCommand.self, CaseloadCommand.self, SurvivorCommand.self, ReferralCommand.self,
      SupportSessionCommand.self,
      OutcomeCommand.self, ContactCommand.self, RelatedCommand.self, ConsentCommand.self, HoldCommand.self, RetentionCommand.self,
      ImportCommand.self, ExportCommand.self, KeygenCommand.self, BackupCommand.self, RestoreCommand.self, AuditCommand.self,
      ServiceCommand.self, DistrictCommand.self, AgencyCommand.self, VocabularyCommand.self, ShellCommand.self,
      ConfigCommand.self,
      UserCommand.self,
      TeamCommand.self,
      RecoveryCommand.self,
      StoreCommand.self,
    ]
  )

  static func main() {
    ProcessHardening.apply()
    NoteEditor.removeStale()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      Foundation.exit(report(error))
    }
  }

  /// Prints a failure in the `haven: error:` form (help and usage as ArgumentParser does) and
  /// returns its documented exit code. `haven shell` prints the code instead of exiting.
  static func report(_ error: Error) -> Int32 {
    switch error {
    case let failure as VaultError:
      Console.error(failure.message, hint: failure.hint)
      return HavenExitCode.code(for: failure.category)
    case let failure as CommandLineFailure:
      Console.error(failure.message, hint: failure.hint)
      return failure.exitCode
    default:
      let code = exitCode(for: error).rawValue
      let message = fullMessage(for: error)
      if !message.isEmpty {
        if code == 0 { Console.out(message) } else { Console.note(message) }
      }
      return code
    }
  }
}
