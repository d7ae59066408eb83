import Foundation

/// Writes to standard output and standard error. Errors follow `haven: error: ...` and
/// `haven: hint: ...`, like other careful command-line tools, and never contain a secret or case
/// content (the vault's error messages are written that way).
enum Console {
  /// Every line of ordinary output goes through `TerminalText.escape`: case text can hold
  /// characters a terminal would act on.
  static func out(_ text: String) {
    FileHandle.standardOutput.write(Data((TerminalText.escape(text) + "\n").utf8))
  }

  static func error(_ message: String, hint: String? = nil) {
    var text = "haven: error: \(TerminalText.escape(message))\n"
    if let hint { text += "haven: hint: \(TerminalText.escape(hint))\n" }
    FileHandle.standardError.write(Data(text.utf8))
  }

  static func warn(_ text: String) {
    FileHandle.standardError.write(Data("haven: warning: \(TerminalText.escape(text))\n".utf8))
  }

  static func note(_ text: String) {
    FileHandle.standardError.write(Data((TerminalText.escape(text) + "\n").utf8))
  }

  /// Prints one JSON document (sorted keys, so output is stable for scripts and tests).
  static func json<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
  }
}
