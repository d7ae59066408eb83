import ArgumentParser
import Foundation
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

struct RecoveryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recovery", abstract: "Use the recovery key.", subcommands: [Deliver.self])

  struct Deliver: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Generate and deliver every pending key with the recovery key (admin only; audited).",
      discussion: "Use after 'haven user reset', or to give the first reporting user the statistics key.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: ArgumentHelp("The file holding the recovery key text.", valueName: "file"))
    var recoveryKeyFile: String

    func run() throws {
      let session = try SessionOpener.open(global)
      let count = try InputFile.withDescriptor(recoveryKeyFile, purpose: "recovery key file") { descriptor in
        try session.deliverWithRecoveryKey(RecoveryKey.read(fromFileDescriptor: descriptor))
      }
      Presenter.done(global, action: "recovery.deliver", "Recovery key used: \(count) key(s) generated or delivered.")
    }
  }
}
