import ArgumentParser
import Foundation
import HavenVault

/// Where a command's notes come from. Notes are case content, so never from argv (other users
/// of the machine can read it): standard input (`--notes -`), the worker's editor on a
/// memory-backed file (`--edit`), or a file the worker already has (`--notes-file`).
struct NotesInput: ParsableArguments {
  static let byteLimit = FieldText.Kind.longText.byteLimit

  /// The help of the commands whose point is the notes (`session edit`, `survivor notes`).
  static let editorDiscussion =
    "With no option, opens $VISUAL or $EDITOR (else nano, else vi) on the current notes in a private, memory-backed "
    + "directory that is wiped when the editor exits. An editor that fails, or notes left empty, change nothing."

  @Option(
    name: .long,
    help: ArgumentHelp("'-': read the notes from standard input (type them, then Ctrl-D).", valueName: "-"))
  var notes: String?

  @Flag(name: .long, help: "Write the notes in your editor ($VISUAL, $EDITOR, nano or vi) on a file kept in memory.")
  var edit = false

  @Option(name: .customLong("notes-file"), help: ArgumentHelp("Read the notes from this file.", valueName: "file"))
  var notesFile: String?

  @Flag(name: .customLong("allow-disk-temp"), help: "With --edit: accept a file on disk when no memory-backed directory exists.")
  var allowDiskTemp = false

  func validate() throws {
    if let notes, notes != "-" {
      throw ValidationError(
        "notes never come from the command line (other users of this machine can see it): give --notes - to read "
          + "standard input, or --edit")
    }
    if [notes != nil, edit, notesFile != nil].filter({ $0 }).count > 1 {
      throw ValidationError("give one of --notes -, --edit and --notes-file")
    }
    if allowDiskTemp && (notes != nil || notesFile != nil) { throw ValidationError("--allow-disk-temp goes with --edit") }
  }

  var isGiven: Bool { notes != nil || edit || notesFile != nil }

  /// The notes, or nil if none was asked for. `current` is what the editor opens on;
  /// `editorByDefault` opens it when no source was given (a command whose point is the notes).
  func read(current: String? = nil, what: String = "notes", editorByDefault: Bool = false) throws -> String? {
    if edit || (editorByDefault && !isGiven) {
      return try NoteEditor.edit(current ?? "", what: what, allowDiskTemp: allowDiskTemp)
    }
    if notes != nil { return try Self.standardInput(what: what) }
    return try CaseInput.text(fromFile: notesFile)
  }

  /// Reads standard input to its end, refusing more than the notes limit before holding it all.
  static func standardInput(what: String) throws -> String {
    if isatty(STDIN_FILENO) == 1 { Console.note("Type the \(what), then Ctrl-D on a line of its own:") }
    let text = try Self.text(FileHandle.standardInput.readData(ofLength: byteLimit + 1), what: what, source: "on standard input")
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw CommandLineFailure(
        message: "no \(what) on standard input; nothing was recorded", hint: nil, exitCode: HavenExitCode.dataError)
    }
    return text.trimmingCharacters(in: .newlines)
  }

  /// Notes read from `source` (at most one byte over the limit was read): refused over the limit
  /// or when not UTF-8, before anything is recorded.
  static func text(_ data: Data, what: String, source: String) throws -> String {
    guard data.count <= byteLimit else {
      throw CommandLineFailure(
        message: "the \(what) \(source) are over the limit of \(byteLimit) bytes; nothing was recorded", hint: nil,
        exitCode: HavenExitCode.dataError)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CommandLineFailure(
        message: "the \(what) \(source) are not UTF-8 text; nothing was recorded", hint: "save them as UTF-8",
        exitCode: HavenExitCode.dataError)
    }
    return text
  }
}
