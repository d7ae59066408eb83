/// The closed lists the partnership reports on. Raw values are what the CLI accepts, what CSV
/// imports contain and what is encrypted; never rename one (docs/records.md lists them).
public protocol CaseTerm: RawRepresentable, CaseIterable, Sendable, Hashable, Codable where RawValue == String {}

extension CaseTerm {
  /// Parses a term, or explains what is accepted.
  public static func parse(_ text: String, field: String) throws(VaultError) -> Self {
    if let exact = Self(rawValue: text) { return exact }  // stored values are already canonical
    let normalized = text.trimmingCharacters(in: .whitespaces).lowercased()
    guard let value = Self(rawValue: normalized) else {
      throw .invalidArgument("\(field) '\(text)' is not one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
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
}

public enum Pathway: String, CaseTerm {
  /// Commissioned post-CSE support.
  case postCSE = "post-cse"
  /// The investigation's victim-support pathway.
  case stovewood
  /// A consultative referral to the trauma service.
  case trsConsultation = "trs-consultation"
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

/// Ratings run from 1 (worst) to 10 (best) in every domain, so "maintained or improved" is end >= start.
public enum OutcomeScale {
  public static let range = 1...10
}

public enum Relationship: String, CaseTerm {
  case parent, carer, sibling, partner, child
  case otherFamily = "other-family"
  case friend, professional
  case allegedPerpetrator = "alleged-perpetrator"
  case other
}
