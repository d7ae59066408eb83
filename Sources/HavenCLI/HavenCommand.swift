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
      InitCommand.self, StatusCommand.self, SurvivorCommand.self, ReferralCommand.self, SupportSessionCommand.self,
      OutcomeCommand.self, ContactCommand.self, RelatedCommand.self, ConsentCommand.self, HoldCommand.self, RetentionCommand.self,
      ImportCommand.self, ExportCommand.self, KeygenCommand.self, BackupCommand.self, RestoreCommand.self, AuditCommand.self,
      ServiceCommand.self, DistrictCommand.self, AgencyCommand.self,
      ConfigCommand.self,
      UserCommand.self,
      TeamCommand.self,
      RecoveryCommand.self,
    ]
  )

  /// Maps every failure to its documented exit code and the `haven: error:` form.
  static func main() {
    ProcessHardening.apply()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let failure as VaultError {
      Console.error(failure.message, hint: failure.hint)
      if case .importRejected(let problems) = failure {
        for problem in problems.prefix(200) { Console.note("haven: \(problem)") }
        if problems.count > 200 { Console.note("haven: ... and \(problems.count - 200) more") }
      }
      Foundation.exit(HavenExitCode.code(for: failure.category))
    } catch let failure as CommandLineFailure {
      Console.error(failure.message, hint: failure.hint)
      Foundation.exit(failure.exitCode)
    } catch {
      exit(withError: error)
    }
  }
}
