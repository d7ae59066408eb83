/// How an imported row names its survivor: a Haven reference, or the service's previous id.
public enum SurvivorLocator: Sendable, Hashable {
  case reference(SurvivorReference)
  case externalID(String)

  /// A value that parses as a reference is one; anything else is an external id.
  public init(_ text: String) {
    if let reference = try? SurvivorReference(parsing: text) { self = .reference(reference) } else { self = .externalID(text) }
  }
}

/// One parsed row of an import file, with its row number for messages.
public struct ImportedRow<Value: Sendable>: Sendable {
  public let row: Int
  public let value: Value
  public init(row: Int, value: Value) {
    self.row = row
    self.value = value
  }
}

public struct ImportedSurvivor: Sendable {
  public let team: String
  public let details: SurvivorDetails
  public init(team: String, details: SurvivorDetails) {
    self.team = team
    self.details = details
  }
}

public struct ImportedReferral: Sendable {
  public let survivor: SurvivorLocator
  public let referral: NewReferral
  /// Later steps of the status history, in order (e.g. triaged, allocated, closed).
  public let changes: [ReferralStatusChange]
  public init(survivor: SurvivorLocator, referral: NewReferral, changes: [ReferralStatusChange]) {
    self.survivor = survivor
    self.referral = referral
    self.changes = changes
  }
}

public struct ImportedSession: Sendable {
  public let survivor: SurvivorLocator
  public let session: NewSupportSession
  public init(survivor: SurvivorLocator, session: NewSupportSession) {
    self.survivor = survivor
    self.session = session
  }
}

public struct ImportedOutcome: Sendable {
  public let survivor: SurvivorLocator
  public let assessment: NewOutcomeAssessment
  public init(survivor: SurvivorLocator, assessment: NewOutcomeAssessment) {
    self.survivor = survivor
    self.assessment = assessment
  }
}

public struct ImportedConsent: Sendable {
  public let survivor: SurvivorLocator
  public let consent: NewConsent
  public init(survivor: SurvivorLocator, consent: NewConsent) {
    self.survivor = survivor
    self.consent = consent
  }
}

/// A whole import file, parsed. It is written all at once or not at all.
public enum ImportBatch: Sendable {
  case survivors([ImportedRow<ImportedSurvivor>])
  case referrals([ImportedRow<ImportedReferral>])
  case sessions([ImportedRow<ImportedSession>])
  case outcomes([ImportedRow<ImportedOutcome>])
  case consents([ImportedRow<ImportedConsent>])

  public var count: Int {
    switch self {
    case .survivors(let rows): rows.count
    case .referrals(let rows): rows.count
    case .sessions(let rows): rows.count
    case .outcomes(let rows): rows.count
    case .consents(let rows): rows.count
    }
  }
}

/// What an import wrote.
public struct ImportSummary: Sendable {
  public let recordsWritten: Int
  /// For a survivors file: each row's new reference, in file order.
  public let references: [SurvivorReference]
}
