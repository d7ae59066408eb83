import HavenCrypto

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

/// How an import treats rows already in the vault, and whether it writes at all.
public struct ImportOptions: Sendable {
  /// Rows matching a record already in the vault but different from it update it (where the
  /// record may change: a survivor's details, a referral's later steps, a session's notes, an
  /// outcome's ratings); without it they are problems.
  public var update: Bool
  /// Check and compare everything, say what would happen, write nothing (but the audit entry).
  public var dryRun: Bool
  /// SHA-256 of the file, hex: a second import of the same file is recognised by it.
  public var fingerprint: String?

  public init(update: Bool = false, dryRun: Bool = false, fingerprint: String? = nil) {
    self.update = update
    self.dryRun = dryRun
    self.fingerprint = fingerprint
  }
}

/// An earlier import of the same file.
public struct ImportRun: Sendable, Equatable {
  public let kind: String
  public let importedBy: String
  public let importedAt: String
  public let created: Int
  public let updated: Int
  public let unchanged: Int

  /// A file's fingerprint as `import_runs` keeps it: SHA-256, lowercase hex.
  public static func fingerprint(of bytes: [UInt8]) -> String { Hex.encode(SHA256.hash(bytes)) }
}

/// What an import wrote, or with `dryRun` would write.
public struct ImportSummary: Sendable {
  public let created: Int
  public let updated: Int
  public let unchanged: Int
  public let dryRun: Bool
  /// For a survivors file: each created survivor's new reference, in file order.
  public let references: [SurvivorReference]
  /// Earlier imports of the same file (by its hash), oldest first.
  public let earlierRuns: [ImportRun]

  public var recordsWritten: Int { dryRun ? 0 : created + updated }
}
