/// The closed lists the partnership reports on. Raw values are what the CLI accepts, what CSV
/// imports contain and what is encrypted; never rename one (docs/records.md lists them).
public protocol CaseTerm: RawRepresentable, CaseIterable, Sendable, Hashable, Codable where RawValue == String {
  /// Common spellings real spreadsheets use for a term, normalised as `CaseTerm.normalize` does
  /// ("self" for self-referral). An admin adds more per vault (`haven vocabulary alias`).
  static var builtInAliases: [String: Self] { get }
}

extension CaseTerm {
  public static var builtInAliases: [String: Self] { [:] }

  /// The list's name in commands and configuration: the type's name in kebab case
  /// (`ReferrerType` -> `referrer-type`).
  public static var listName: String {
    var name = ""
    for character in String(describing: Self.self) {
      if character.isUppercase, !name.isEmpty { name.append("-") }
      name.append(character.lowercased())
    }
    return name
  }

  /// Lowercased, trimmed, with runs of spaces and underscores as one hyphen: "Self Referral",
  /// "self_referral" and "self-referral" are one spelling.
  public static func normalize(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespaces).lowercased()
      .split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "\t" }).joined(separator: "-")
  }

  /// Parses a term, or explains what is accepted. `aliases` are a vault's configured spellings
  /// (normalised alias -> term), tried after the term itself and the built-in aliases.
  public static func parse(_ text: String, field: String, aliases: [String: String] = [:]) throws(VaultError) -> Self {
    if let exact = Self(rawValue: text) { return exact }  // stored values are already canonical
    let normalized = normalize(text)
    if let value = Self(rawValue: normalized) ?? builtInAliases[normalized] ?? aliases[normalized].flatMap(Self.init) {
      return value
    }
    throw .invalidArgument("\(field) '\(text)' is not one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
  }
}

/// Who the person is to the investigation: the pathway supports families of suspects too.
public enum Cohort: String, CaseTerm {
  case victimSurvivor = "victim-survivor"
  case familyOfVictim = "family-of-victim"
  case familyOfSuspect = "family-of-suspect"
}

public enum Gender: String, CaseTerm {
  case female, male
  case nonBinary = "non-binary"
  case other
  case notStated = "not-stated"
}

/// Age at referral, in the bands commissioners report (children's and adults' services differ).
public enum AgeBand: String, CaseTerm {
  case under11 = "0-10"
  case from11To15 = "11-15"
  case from16To17 = "16-17"
  case from18To24 = "18-24"
  case from25To34 = "25-34"
  case from35To44 = "35-44"
  case from45To54 = "45-54"
  case from55 = "55+"
  case unknown

  /// The band for someone born on `birth` who is referred on `referral` (both `YYYY-MM-DD`).
  public static func at(referral: CalendarDate, birth: CalendarDate?) -> AgeBand {
    guard let birth, let age = birth.age(on: referral), age >= 0 else { return .unknown }
    switch age {
    case ..<11: return .under11
    case 11...15: return .from11To15
    case 16...17: return .from16To17
    case 18...24: return .from18To24
    case 25...34: return .from25To34
    case 35...44: return .from35To44
    case 45...54: return .from45To54
    default: return .from55
    }
  }
}

public enum ReferrerType: String, CaseTerm {
  case police
  case nca
  case gp
  case health
  case school
  case selfReferral = "self-referral"
  case childrensSocialCare = "childrens-social-care"
  case adultSocialCare = "adult-social-care"
  case voluntarySector = "voluntary-sector"
  case other
  /// The partnership's trauma service itself, referring on to a specialist service.
  case traumaService = "trauma-service"

  public static let builtInAliases: [String: ReferrerType] = [
    "self": .selfReferral, "self-referred": .selfReferral, "selfreferral": .selfReferral, "self-ref": .selfReferral,
    "trs": .traumaService, "internal": .traumaService, "internal-referral": .traumaService,
    "the-trauma-service": .traumaService, "csc": .childrensSocialCare, "children's-social-care": .childrensSocialCare,
    "childrens-services": .childrensSocialCare, "asc": .adultSocialCare, "adult's-social-care": .adultSocialCare,
    "national-crime-agency": .nca, "vcs": .voluntarySector, "voluntary": .voluntarySector, "charity": .voluntarySector,
    "college": .school, "education": .school,
  ]
}

public enum Pathway: String, CaseTerm {
  /// Commissioned post-CSE support.
  case postCSE = "post-cse"
  /// The investigation's victim-support pathway.
  case stovewood
  /// A consultative referral to the trauma service.
  case trsConsultation = "trs-consultation"

  public static let builtInAliases: [String: Pathway] = [
    "postcse": .postCSE, "post-cse-support": .postCSE, "operation-stovewood": .stovewood, "op-stovewood": .stovewood,
    "consultation": .trsConsultation, "trs-consult": .trsConsultation,
  ]
}

/// referred -> triaged -> allocated -> engaged -> closed; closed may follow any open status.
public enum ReferralStatus: String, CaseTerm {
  case referred, triaged, allocated, engaged, closed

  var order: Int { Self.allCases.firstIndex(of: self)! }

  public func mayMove(to next: ReferralStatus) -> Bool {
    guard self != .closed else { return false }
    return next == .closed || next.order == order + 1
  }
}

public enum AllocationReason: String, CaseTerm {
  case need, capacity, specialism
}

public enum ClosureReason: String, CaseTerm {
  case plannedEnding = "planned-ending"
  case disengaged
  case movedAway = "moved-away"
  case transferred
  case declined
}

public enum SessionKind: String, CaseTerm {
  case oneToOne = "one-to-one"
  case group, phone, advocacy
  case courtISVA = "court-isva"
}

public enum Attendance: String, CaseTerm {
  case attended
  case didNotAttend = "dna"
  case cancelled
}

public enum OutcomeStage: String, CaseTerm {
  case start, end
}

/// The four domains commissioners report, each rated on `OutcomeScale`.
public enum OutcomeDomain: String, CaseTerm {
  case wellbeing
  case selfRegard = "self"
  case trauma
  case relationships

  public var title: String {
    switch self {
    case .wellbeing: "Mental health and wellbeing"
    case .selfRegard: "Feelings and thoughts about themselves"
    case .trauma: "Effect of the trauma"
    case .relationships: "Relationship with family and social network"
    }
  }
}

/// The scale the four domains are rated on, declared per vault (`haven config outcome-scale`):
/// from `lowest` (worst) to `highest` (best), 1-10 unless set; some services' scales start at 0.
/// Higher is better on every scale Haven accepts, so "maintained or improved" is end >= start.
public struct OutcomeScale: Sendable, Equatable, CustomStringConvertible {
  public let lowest: Int
  public let highest: Int

  public static let standard = OutcomeScale(checkedLowest: 1, highest: 10)
  /// Every rating any accepted scale allows: what a rating is checked against before the
  /// vault's own scale is known.
  public static let widest = 0...10

  public init(lowest: Int, highest: Int) throws(VaultError) {
    guard (0...1).contains(lowest), (4...10).contains(highest) else {
      throw .invalidArgument("an outcome scale runs from 0 or 1 to a highest rating from 4 to 10 (e.g. 0-10, 1-10, 1-5)")
    }
    self.init(checkedLowest: lowest, highest: highest)
  }

  private init(checkedLowest lowest: Int, highest: Int) {
    self.lowest = lowest
    self.highest = highest
  }

  /// `LOW-HIGH`, e.g. `0-10`.
  public init(parsing text: String) throws(VaultError) {
    let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let lowest = parts[0], let highest = parts[1] else {
      throw .invalidArgument("an outcome scale is written LOW-HIGH, e.g. 0-10")
    }
    try self.init(lowest: lowest, highest: highest)
  }

  public var range: ClosedRange<Int> { lowest...highest }
  public var description: String { "\(lowest)-\(highest)" }

  /// Whether a domain's end rating kept or bettered its start rating on this scale.
  public func maintainedOrImproved(start: Int, end: Int) -> Bool { end >= start }

  /// Whether `other` accepts every rating this scale does.
  public func fits(within other: OutcomeScale) -> Bool { other.lowest <= lowest && highest <= other.highest }
}

public enum Relationship: String, CaseTerm {
  case parent, carer, sibling, partner, child
  case otherFamily = "other-family"
  case friend, professional
  case allegedPerpetrator = "alleged-perpetrator"
  case other
}
