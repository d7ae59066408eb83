/// Makes text safe to print: anything that is not printable (control characters other than a
/// line break or a tab, DEL, C1 controls, bidirectional overrides and isolates, line and paragraph
/// separators) is shown as a visible escape (`\x1B`, `\u{202E}`), so a record cannot repaint the
/// reader's screen or hide a line (for example the safe-contact warning), whatever was stored
/// before input was checked.
enum TerminalText {
  static func escape(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var output = ""
    output.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        output += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
      } else {
        output.unicodeScalars.append(scalar)
      }
    }
    return output
  }

  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A: false
    case 0x00...0x1F, 0x7F, 0x80...0x9F: true
    case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
    default: false
    }
  }
}
