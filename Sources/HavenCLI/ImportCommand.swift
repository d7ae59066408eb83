import ArgumentParser
import Foundation
import HavenImport
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

extension ImportKind: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import survivors, referrals, sessions, outcomes or consents from a CSV file (all or nothing).",
    discussion:
      "Columns are documented in docs/import.md. Every row is checked first; every problem is reported (the first by row "
      + "and column, then all of them by column and reason; --problems-out writes the whole list), and then nothing is "
      + "imported. Survivors are counted in reports only once their consent is recorded (--kind consents)."
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The CSV file (UTF-8, with a header row).") var file: String
  @Option(name: .long, help: "What the file holds.") var kind: ImportKind
  @Option(
    name: .customLong("problems-out"),
    help: ArgumentHelp("If the file is refused, write every problem here as CSV (row, column, reason).", valueName: "file"))
  var problemsOut: String?

  func run() throws {
    do {
      try importFile()
    } catch VaultError.importRejected(let problems) {
      throw try ImportProblemReport.present(problems, file: file, problemsOut: problemsOut)
    }
  }

  private func importFile() throws {
    let batch: ImportBatch
    do {
      batch = try ImportFileParser.parse(path: file, kind: kind)
    } catch .cannotRead(let path) {
      throw CommandLineFailure(message: "cannot read \(path)", hint: nil, exitCode: HavenExitCode.notFound)
    } catch .rejected(let problems) {
      throw VaultError.importRejected(problems)
    }
    let session = try SessionOpener.open(global)
    let bar = ProgressBar(label: "importing \(kind.rawValue)")
    let summary: ImportSummary
    do {
      summary = try session.importRecords(batch, progress: bar.update)
    } catch {
      bar.finish()
      throw error
    }
    bar.finish()
    if kind == .survivors && summary.recordsWritten > 0 {
      Console.note(
        "haven: note: the \(summary.recordsWritten) survivors have no consent recorded yet, so no report counts them "
          + "until it is (haven import FILE --kind consents, or haven consent record)")
    }
    if global.json {
      return Console.json(
        ImportView(kind: kind.rawValue, imported: summary.recordsWritten, refs: summary.references.map(\.description)))
    }
    Console.out("Imported \(summary.recordsWritten) \(kind.rawValue).")
    if !summary.references.isEmpty {
      Console.out("References, in file order: \(summary.references.first!) ... \(summary.references.last!)")
    }
  }
}

struct ImportView: Encodable {
  let kind: String
  let imported: Int
  let refs: [String]
}

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (never into a log file or a pipe).
final class ProgressBar {
  private let label: String
  private let enabled = isatty(STDERR_FILENO) == 1
  private var lastDrawn = -1

  init(label: String) { self.label = label }

  func update(done: Int, total: Int) {
    guard enabled, total > 0 else { return }
    let percent = done * 100 / total
    guard percent != lastDrawn else { return }
    lastDrawn = percent
    let width = 30
    let filled = width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
    FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% (\(done)/\(total))".utf8))
  }

  func finish() {
    if enabled && lastDrawn >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
