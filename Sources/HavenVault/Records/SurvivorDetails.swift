import Foundation

/// What a worker records about a survivor. Identifying and special-category fields are team
/// fields; gender, district and cohort are statistical fields (`SurvivorField`).
public struct SurvivorDetails: Sendable, Equatable {
  public var name: String
  public var aliases: [String]
  public var dateOfBirth: CalendarDate?
  public var gender: Gender?
  public var address: String?
  public var postcode: String?
  /// Local-authority district, for reports (e.g. "Rotherham").
  public var district: String?
  public var phone: String?
  public var email: String?
  public var nhsNumber: String?
  public var cohort: Cohort?
  public var healthNotes: String?
  public var notes: String?
  /// The service's own identifier from before Haven (spreadsheets), for imports to link rows.
  public var externalID: String?

  public init(
    name: String, aliases: [String] = [], dateOfBirth: CalendarDate? = nil, gender: Gender? = nil, address: String? = nil,
    postcode: String? = nil, district: String? = nil, phone: String? = nil, email: String? = nil, nhsNumber: String? = nil,
    cohort: Cohort? = nil, healthNotes: String? = nil, notes: String? = nil, externalID: String? = nil
  ) {
    self.name = name
    self.aliases = aliases
    self.dateOfBirth = dateOfBirth
    self.gender = gender
    self.address = address
    self.postcode = postcode
    self.district = district
    self.phone = phone
    self.email = email
    self.nhsNumber = nhsNumber
    self.cohort = cohort
    self.healthNotes = healthNotes
    self.notes = notes
    self.externalID = externalID
  }

  /// Checks what can be checked without judging a person: a name is present, an NHS number has
  /// ten digits and a valid check digit, an email has an @, a postcode looks like a UK postcode.
  public func validate() throws(VaultError) {
    try checkText()
    guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalidArgument("name must not be empty") }
    if let nhsNumber { try NHSNumber.validate(nhsNumber) }
    if let email, !email.contains("@") { throw .invalidArgument("email has no '@'") }
    if let postcode {
      let compact = postcode.replacingOccurrences(of: " ", with: "")
      guard (5...7).contains(compact.count), compact.allSatisfy({ $0.isLetter || $0.isNumber }) else {
        throw .invalidArgument("postcode is not a UK postcode (like S60 1AA)")
      }
    }
    if let phone, !phone.allSatisfy({ $0.isNumber || " +()-".contains($0) }) {
      throw .invalidArgument("phone may hold digits, spaces, +, ( ) and - only")
    }
  }
}

/// NHS numbers: ten digits, the last a modulus-11 check digit (NHS Data Dictionary).
enum NHSNumber {
  static func validate(_ text: String) throws(VaultError) {
    let digits = text.filter { $0 != " " }.compactMap { $0.wholeNumberValue }
    guard digits.count == 10, text.filter({ $0 != " " }).count == 10 else {
      throw .invalidArgument("NHS number must have 10 digits")
    }
    let sum = (0..<9).reduce(0) { $0 + digits[$1] * (10 - $1) }
    let check = 11 - sum % 11
    let expected = check == 11 ? 0 : check
    guard check != 10, expected == digits[9] else { throw .invalidArgument("NHS number fails its check digit") }
  }
}

/// Which ways of contacting a survivor are safe. Workers see this before contacting anyone.
public struct SafeContact: Sendable, Equatable, Codable {
  public enum Method: String, CaseTerm {
    case call, voicemail, text, letter, email
  }
  /// Per method: true = safe, false = never; a method not listed is unknown (ask first).
  public var methods: [Method: Bool]
  /// When contact is safe, in the survivor's words (e.g. "weekdays 10-2, not when partner home").
  public var times: String?
  public var note: String?

  public init(methods: [Method: Bool] = [:], times: String? = nil, note: String? = nil) {
    self.methods = methods
    self.times = times
    self.note = note
  }
}

/// A family member, carer, contact or alleged perpetrator linked to a survivor: safeguarding
/// context, and the third parties a subject-access export must redact.
public struct RelatedPerson: Sendable, Equatable {
  public let id: Int64
  public var relationship: Relationship
  public var name: String
  public var phone: String?
  public var email: String?
  public var address: String?
  public var notes: String?

  public init(
    id: Int64 = 0, relationship: Relationship, name: String, phone: String? = nil, email: String? = nil, address: String? = nil,
    notes: String? = nil
  ) {
    self.id = id
    self.relationship = relationship
    self.name = name
    self.phone = phone
    self.email = email
    self.address = address
    self.notes = notes
  }
}
