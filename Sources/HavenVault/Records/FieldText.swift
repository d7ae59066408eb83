/// Limits and allowed characters for the free text people type into case records
/// (docs/records.md, "Text fields"). Checked before anything is encrypted or written:
/// - control characters are refused everywhere but tabs and line breaks in text that may span
///   lines, so a record cannot carry terminal escape sequences (a crafted name could otherwise
///   repaint a reader's screen and hide the safe-contact warning), and neither can bidirectional
///   overrides that make displayed text differ from what is stored;
/// - sizes are bounded: a single-line field to 1 KiB, longer text (notes, reasons) to 1 MiB.
public enum FieldText {
  public enum Kind: Sendable {
    /// A name, a phone number, an identifier: one line, at most 1 KiB.
    case singleLine
    /// An address or contact times: line breaks allowed, at most 1 KiB.
    case shortText
    /// Notes and reasons: line breaks allowed, at most 1 MiB.
    case longText

    public var byteLimit: Int {
      switch self {
      case .singleLine, .shortText: 1024
      case .longText: 1 << 20
      }
    }
  }

  /// Checks one value; the error names the field and what is wrong, never the value.
  public static func check(_ value: String?, field: String, _ kind: Kind) throws(VaultError) {
    guard let value else { return }
    let size = value.utf8.count
    guard size <= kind.byteLimit else {
      throw .invalidField(field: field, reason: "it is \(size) bytes, over the limit of \(kind.byteLimit) bytes")
    }
    for scalar in value.unicodeScalars where !allowed(scalar, kind) {
      let code = String(scalar.value, radix: 16, uppercase: true)
      throw .invalidField(
        field: field,
        reason: "it contains the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code); "
          + (kind == .singleLine ? "only printable text is allowed" : "only printable text, tabs and line breaks are allowed"))
    }
  }

  static func allowed(_ scalar: Unicode.Scalar, _ kind: Kind) -> Bool {
    switch scalar.value {
    case 0x09: return true
    case 0x0A, 0x0D: return kind != .singleLine
    case 0x00...0x1F, 0x7F, 0x80...0x9F: return false
    // Bidirectional embeddings, overrides and isolates; line and paragraph separators.
    case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return false
    default: return true
    }
  }
}

extension SurvivorDetails {
  /// Every free-text field of a survivor, checked (FieldText): part of `validate()`.
  public func checkText() throws(VaultError) {
    try FieldText.check(name, field: "name", .singleLine)
    for alias in aliases { try FieldText.check(alias, field: "aliases", .singleLine) }
    try FieldText.check(address, field: "address", .shortText)
    try FieldText.check(postcode, field: "postcode", .singleLine)
    try FieldText.check(district, field: "district", .singleLine)
    try FieldText.check(phone, field: "phone", .singleLine)
    try FieldText.check(email, field: "email", .singleLine)
    try FieldText.check(nhsNumber, field: "nhs_number", .singleLine)
    try FieldText.check(externalID, field: "external_id", .singleLine)
    try FieldText.check(healthNotes, field: "health_notes", .longText)
    try FieldText.check(notes, field: "notes", .longText)
  }
}

extension RelatedPerson {
  public func checkText() throws(VaultError) {
    try FieldText.check(name, field: "name", .singleLine)
    try FieldText.check(phone, field: "phone", .singleLine)
    try FieldText.check(email, field: "email", .singleLine)
    try FieldText.check(address, field: "address", .shortText)
    try FieldText.check(notes, field: "notes", .longText)
  }
}

extension SafeContact {
  public func checkText() throws(VaultError) {
    try FieldText.check(times, field: "times", .shortText)
    try FieldText.check(note, field: "note", .longText)
  }
}

extension NewSupportSession {
  public func checkText() throws(VaultError) {
    try FieldText.check(worker, field: "worker", .singleLine)
    try FieldText.check(notes, field: "notes", .longText)
  }
}

extension NewReferral {
  public func checkText() throws(VaultError) {
    try FieldText.check(referrerRole, field: "referrer_role", .singleLine)
    try FieldText.check(service, field: "service", .singleLine)
  }
}
