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
      "Columns are documented in docs/import.md. Every row is checked first, against the file's other rows and against "
      + "what is already in the vault; every problem is reported (the first by row and column, then all of them by "
      + "column and reason; --problems-out writes the whole list), and then nothing is imported. A row already in the "
      + "vault is left alone when it is the same, and is a problem when it differs unless --update. Running the same "
      + "file again changes nothing and says so. Survivors are counted in reports only once their consent is recorded "
      + "(--kind consents)."
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The CSV file (UTF-8, with a header row).") var file: String
  @Option(name: .long, help: "What the file holds: survivors, referrals, sessions, outcomes or consents.") var kind: ImportKind
  @Flag(name: .long, help: "Rows that differ from the record already in the vault update it (where it may change).")
  var update = false
  @Flag(name: .customLong("dry-run"), help: "Check and compare everything, say what would be done, write nothing.")
  var dryRun = false
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
    guard FileManager.default.isReadableFile(atPath: file) else {
      throw CommandLineFailure(message: "cannot read \(file)", hint: nil, exitCode: HavenExitCode.notFound)
    }
    // The vault's own spellings and outcome scale are needed to read the cells.
    let session = try SessionOpener.open(global)
    let vocabulary = try session.vocabulary()
    let parsed: (batch: ImportBatch, fingerprint: String)
    do {
      parsed = try ImportFileParser.parseFile(path: file, kind: kind, vocabulary: vocabulary)
    } catch .cannotRead(let path) {
      throw CommandLineFailure(message: "cannot read \(path)", hint: nil, exitCode: HavenExitCode.notFound)
    } catch .rejected(let problems) {
      throw VaultError.importRejected(problems)
    }
    let bar = ProgressBar(label: dryRun ? "checking \(kind.rawValue)" : "importing \(kind.rawValue)")
    let summary: ImportSummary
    do {
      summary = try session.importRecords(
        parsed.batch, options: ImportOptions(update: update, dryRun: dryRun, fingerprint: parsed.fingerprint),
        progress: bar.update)
    } catch {
      bar.finish()
      throw error
    }
    bar.finish()
    if kind == .survivors && summary.created > 0 && !dryRun {
      Console.note(
        "haven: note: the \(summary.created) new survivors have no consent recorded yet, so no report counts them "
          + "until it is (haven import FILE --kind consents, or haven consent record)")
    }
    if global.json { return Console.json(ImportView(kind: kind.rawValue, summary)) }
    Console.out(ImportText.summary(summary, kind: kind.rawValue))
  }
}

/// What an import did (or would do), as a person reads it.
enum ImportText {
  static func summary(_ summary: ImportSummary, kind: String) -> String {
    var lines: [String] = []
    if let first = summary.earlierRuns.first {
      let times = summary.earlierRuns.count == 1 ? "once" : "\(summary.earlierRuns.count) times"
      lines.append("This file was imported before (\(times); first on \(first.importedAt) by \(first.importedBy)).")
    }
    let counts = "\(summary.created) new, \(summary.updated) updated, \(summary.unchanged) already in the vault unchanged"
    if summary.dryRun {
      lines.append("Dry run, nothing written: the import would make \(counts) (\(kind)).")
    } else if summary.created + summary.updated == 0 {
      lines.append("Nothing changed: all \(summary.unchanged) \(kind) rows are already in the vault as they are.")
    } else {
      lines.append("Imported \(kind): \(counts).")
    }
    if let first = summary.references.first, let last = summary.references.last {
      lines.append("New references, in file order: \(first) ... \(last)")
    }
    return lines.joined(separator: "\n")
  }
}

struct ImportView: Encodable {
  let kind: String
  let dryRun: Bool
  let created: Int
  let updated: Int
  let unchanged: Int
  /// Kept for scripts written against the first format: records written.
  let imported: Int
  let importedBefore: Int
  let refs: [String]

  init(kind: String, _ summary: ImportSummary) {
    self.kind = kind
    dryRun = summary.dryRun
    created = summary.created
    updated = summary.updated
    unchanged = summary.unchanged
    imported = summary.recordsWritten
    importedBefore = summary.earlierRuns.count
    refs = summary.references.map(\.description)
  }
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
