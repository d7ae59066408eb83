import Foundation
import HavenVault

/// Redacts third parties from free text in a subject-access export (docs/export.md,
/// "Redaction"). A survivor is entitled to their own information, not other people's: names of
/// related people and of staff, and UK identifiers that are not the survivor's own (phone
/// numbers, emails, NHS numbers with a valid check digit, National Insurance numbers,
/// postcodes) are replaced with a bracketed label saying what was withheld.
public struct Redactor: Sendable {
  /// One replacement made: what kind of thing, and the text it replaced (for measuring the
  /// rules against a corpus; never written to an export).
  public struct Redaction: Sendable, Equatable {
    public let kind: String
    public let original: String
  }

  /// The survivor's own identifiers, which stay: their name and aliases too, so a relative who
  /// shares a first name or a surname never costs the survivor their own name in their file.
  public struct OwnIdentifiers: Sendable {
    public var phone: String?
    public var email: String?
    public var postcode: String?
    public var nhsNumber: String?
    public var names: [String]

    public init(
      phone: String? = nil, email: String? = nil, postcode: String? = nil, nhsNumber: String? = nil, names: [String] = []
    ) {
      self.phone = phone
      self.email = email
      self.postcode = postcode
      self.nhsNumber = nhsNumber
      self.names = names
    }
  }

  let own: OwnIdentifiers
  /// Lowercased parts of the survivor's own names and aliases.
  let ownParts: Set<String>
  /// Third-party names and what replaces them, longest first so "Mark Smith" goes before "Mark".
  /// `exactCase`: two-letter name parts ("Jo") match only as written, capitalised.
  let names: [(name: String, label: String, exactCase: Bool)]

  /// `thirdParties`: full names of related people; `staff`: user names and their roles.
  public init(own: OwnIdentifiers, thirdParties: [String], staff: [String: Role]) {
    self.own = own
    // Every part of the survivor's own name and aliases: never redacted alone.
    let ownParts = Set(own.names.flatMap { $0.split(whereSeparator: \.isWhitespace) }.map { $0.lowercased() })
    self.ownParts = ownParts
    var names: [(String, String, Bool)] = []
    for person in thirdParties {
      // A relative's full name always goes, even where it shares a part with the survivor's.
      names.append((person, "[third party]", false))
      // Parts of a name are used alone in notes ("Mark said...", "Jo rang"). A two-letter part
      // matches only capitalised, as a name is written; one letter is too ambiguous to use. A
      // part the survivor's own name shares ("Oisin", "Kelly") is theirs when it stands alone.
      for part in person.split(whereSeparator: \.isWhitespace)
      where part.count >= 2 && !ownParts.contains(part.lowercased()) {
        names.append((String(part), "[third party]", part.count == 2))
      }
    }
    for (user, role) in staff { names.append((user, "[\(Self.roleLabel(role))]", false)) }
    self.names = names.sorted { $0.0.count > $1.0.count }
  }

  public static func roleLabel(_ role: Role?) -> String {
    switch role {
    case .worker: "support worker"
    case .admin: "administrator"
    case .auditor: "auditor"
    case .reporting: "performance officer"
    case nil: "staff member"
    }
  }

  static let patterns: [(kind: String, label: String, regex: NSRegularExpression)] = [
    ("email", "[email withheld]", #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#),
    ("nhs-number", "[NHS number withheld]", #"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)"#),
    ("phone", "[phone number withheld]", #"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"#),
    (
      "ni-number", "[National Insurance number withheld]",
      #"\b(?:QQ|(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"#
    ),
    ("postcode", "[postcode withheld]", #"\b(?:[A-Z]{1,2}\d[A-Z\d]?|[A-Z]{1,2}\d{2}) ?\d[ABD-HJLNP-UW-Z]{2}\b"#),
  ].map { kind, label, pattern in
    (kind, label, compiled(pattern, caseInsensitive: ["email", "postcode"].contains(kind)))
  }

  /// The patterns above are constants: one that does not compile is a programming error.
  private static func compiled(_ pattern: String, caseInsensitive: Bool) -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    } catch {
      preconditionFailure("built-in redaction pattern does not compile: \(pattern)")
    }
  }

  /// The redacted text and every replacement made.
  public func redact(_ text: String) -> (text: String, redactions: [Redaction]) {
    var output = text
    var redactions: [Redaction] = []
    for pattern in Self.patterns {
      output = replace(in: output, regex: pattern.regex) { match in
        if pattern.kind == "nhs-number" && !Self.isValidNHSNumber(match) { return nil }
        if pattern.kind == "phone" && !Self.isUKPhoneNumber(match) { return nil }
        if isOwn(match, kind: pattern.kind) { return nil }
        redactions.append(Redaction(kind: pattern.kind, original: match))
        return pattern.label
      }
    }
    for (name, label, exactCase) in names {
      let escaped = NSRegularExpression.escapedPattern(for: name)
      guard
        let regex = try? NSRegularExpression(
          pattern: "(?<![\\p{L}\\d])\(escaped)(?![\\p{L}\\d])", options: exactCase ? [] : [.caseInsensitive])
      else { continue }
      output = replace(in: output, regex: regex) { match in
        redactions.append(Redaction(kind: label == "[third party]" ? "third-party-name" : "staff-name", original: match))
        return label
      }
    }
    // A name the record does not know, named by its relationship ("her uncle Dave", "Sam's
    // sister Kayleigh Example"): the capitalised words right after a kinship word, unless they
    // are the survivor's own name or a day or month.
    output = replace(in: output, regex: Self.kinship, group: 1) { match in
      let first = match.split(whereSeparator: \.isWhitespace).first.map { $0.lowercased() } ?? ""
      guard !ownParts.contains(first), !Self.notNames.contains(first) else { return nil }
      redactions.append(Redaction(kind: "third-party-by-relationship", original: match))
      return "[third party]"
    }
    return (output, redactions)
  }

  static let kinship = compiled(
    #"(?<![\p{L}])(?i:mum|mother|dad|father|step-?dad|step-?mum|step-?father|step-?mother|brother|sister|half-brother|half-sister|uncle|aunt|auntie|nan|nana|nanna|gran|grandma|grandad|grandmother|grandfather|cousin|boyfriend|girlfriend|partner|husband|wife|friend|neighbour|son|daughter|niece|nephew)\s+([A-Z][\p{Ll}'’-]+(?:\s+[A-Z][\p{Ll}'’-]+)?)"#,
    caseInsensitive: false)

  /// Capitalised words that follow a kinship word without being a name.
  static let notNames: Set<String> = [
    "i", "the", "he", "she", "they", "we", "it", "and", "but", "on", "in", "at", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
  ]

  /// Replaces each match (or only its capture `group`) with what `label` returns; nil keeps it.
  private func replace(
    in text: String, regex: NSRegularExpression, group: Int = 0, _ label: (String) -> String?
  ) -> String {
    let source = text as NSString
    var output = ""
    var last = 0
    for match in regex.matches(in: text, range: NSRange(location: 0, length: source.length)) {
      let range = match.range(at: group)
      guard range.location != NSNotFound else { continue }
      let found = source.substring(with: range)
      guard let replacement = label(found) else { continue }
      output += source.substring(with: NSRange(location: last, length: range.location - last)) + replacement
      last = range.location + range.length
    }
    return output + source.substring(from: last)
  }

  private func isOwn(_ match: String, kind: String) -> Bool {
    func digits(_ text: String?) -> String? { text.map { $0.filter(\.isNumber) } }
    func compact(_ text: String?) -> String? { text.map { $0.filter { !$0.isWhitespace }.uppercased() } }
    switch kind {
    case "email": return own.email.map { $0.lowercased() == match.lowercased() } ?? false
    case "phone":
      guard let mine = digits(own.phone), !mine.isEmpty else { return false }
      let theirs = match.filter(\.isNumber)
      return Self.nationalDigits(theirs) == Self.nationalDigits(mine)
    case "nhs-number": return digits(own.nhsNumber) == match.filter(\.isNumber)
    case "postcode": return compact(own.postcode) == compact(match)
    default: return false
    }
  }

  /// `+44 7700 900123` and `07700 900123` are one number.
  static func nationalDigits(_ digits: String) -> String {
    var national = digits
    if national.hasPrefix("44") { national = "0" + national.dropFirst(2) }
    if national.hasPrefix("00") { national = String(national.dropFirst()) }
    return national
  }

  /// A number to withhold: one the UK numbering plan could have given (Ofcom's National
  /// Telephone Numbering Plan) with its length: 01 geographic (10 or 11 digits), 02 geographic,
  /// 03 non-geographic, 07 mobile and personal, 084/087 special services (11 digits). Freephone
  /// (0800, 0808) numbers are organisations' and helplines' (Childline, Rape Crisis), never a
  /// person's, and stay for the survivor to see. Ten- or eleven-digit runs with other prefixes
  /// (04, 05, 06, 09: booking codes, case numbers) are not phone numbers and stay.
  static func isUKPhoneNumber(_ text: String) -> Bool {
    let national = nationalDigits(text.filter(\.isNumber))
    let length = national.count
    if national.hasPrefix("0800") || national.hasPrefix("0808") { return false }
    switch national.prefix(2) {
    case "01": return length == 10 || length == 11
    case "02", "03", "07": return length == 11
    case "08": return length == 11 && (national.hasPrefix("084") || national.hasPrefix("087"))
    default: return false
    }
  }

  /// Modulus 11 check of the NHS Data Dictionary; a 10-digit run that fails is not masked.
  static func isValidNHSNumber(_ text: String) -> Bool {
    let digits = text.compactMap(\.wholeNumberValue)
    guard digits.count == 10 else { return false }
    let sum = (0..<9).reduce(0) { $0 + digits[$1] * (10 - $1) }
    let check = (11 - sum % 11) % 11
    return check != 10 && check == digits[9]
  }
}
