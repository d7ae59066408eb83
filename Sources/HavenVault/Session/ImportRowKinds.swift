import Foundation
import HavenStore

/// How an imported row compares with the record already in the vault that it names.
enum ImportComparison {
  case same
  /// `what` differs ("other notes"); `updatable`: whether `--update` may change the record.
  case differs(String, updatable: Bool)
}

/// What an import of one kind of survivor-linked row needs to know: which survivor a row names,
/// what makes two rows the same record (the identity, docs/import.md "Running an import
/// again"), how to read the survivor's existing records and compare, and how to write.
protocol ImportRowKind {
  associatedtype Value
  associatedtype Existing
  static var table: String { get }
  static var readAction: AuditAction { get }
  var session: VaultSession { get }
  /// Says what two rows with one identity share ("the same survivor, date, kind, ...").
  var sameness: String { get }
  /// What to do instead when a difference may not be imported as an update.
  var howToChange: String { get }
  func locator(_ value: Value) -> SurvivorLocator
  func identity(_ value: Value) -> String
  func check(_ db: StoreDatabase, _ value: Value) throws
  /// The survivor's existing records by identity (a record may be listed under several).
  func existing(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [String: Existing]
  func compare(_ value: Value, with existing: Existing) -> ImportComparison
  func recordName(_ existing: Existing) -> String
  func write(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: Value) throws
  func update(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: Value, _ existing: Existing) throws
}

extension ImportRowKind {
  var howToChange: String { "an import does not change it" }

  func update(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: Value, _ existing: Existing) throws {}
}

/// Referrals: the same referral is the one with the row's `external_id`, else the one with its
/// date, service and pathway. A file may add later steps to its history (`--update`), never
/// rewrite the steps recorded.
struct ReferralRows: ImportRowKind {
  static let table = "referrals"
  static let readAction = AuditAction.referralRead
  let session: VaultSession
  var sameness: String { "the same survivor and external_id, or referral date, service and pathway" }
  var howToChange: String { "its recorded fields and steps are not rewritten by an import" }

  func locator(_ value: ImportedReferral) -> SurvivorLocator { value.survivor }

  func identity(_ value: ImportedReferral) -> String {
    value.referral.externalID.map { "x" + BlindIndexKind.externalID.normalize($0) }
      ?? Self.natural(value.referral.date, value.referral.service, value.referral.pathway)
  }

  private static func natural(_ date: CalendarDate, _ service: String, _ pathway: Pathway) -> String {
    "d\(date)\u{1F}\(service)\u{1F}\(pathway.rawValue)"
  }

  /// Its services exist and its history follows the status order with dates that never go backwards.
  func check(_ db: StoreDatabase, _ value: ImportedReferral) throws {
    try value.referral.checkText()
    try session.requireService(db, value.referral.service)
    var status = ReferralStatus.referred
    var date = value.referral.date
    for change in value.changes {
      guard status.mayMove(to: change.status) else {
        throw VaultError.invalidArgument("status \(change.status.rawValue) cannot follow \(status.rawValue)")
      }
      guard change.date >= date else {
        throw VaultError.invalidArgument("the \(change.status.rawValue) date is before the previous step")
      }
      if let service = change.service { try session.requireService(db, service) }
      status = change.status
      date = change.date
    }
  }

  func existing(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [String: Referral] {
    var byIdentity: [String: Referral] = [:]
    for referral in try session.decodeReferrals(db, row, keys) {
      byIdentity[Self.natural(referral.date, referral.service, referral.pathway)] = referral
      if let external = referral.externalID { byIdentity["x" + BlindIndexKind.externalID.normalize(external)] = referral }
    }
    return byIdentity
  }

  func compare(_ value: ImportedReferral, with existing: Referral) -> ImportComparison {
    let fields: [(String, Bool)] = [
      ("referral_date", existing.date == value.referral.date),
      ("referrer_type", existing.referrerType == value.referral.referrerType),
      ("pathway", existing.pathway == value.referral.pathway), ("service", existing.service == value.referral.service),
    ]
    let differing = fields.filter { !$0.1 }.map(\.0)
    guard differing.isEmpty else { return .differs("a different \(differing.joined(separator: ", "))", updatable: false) }
    let recorded = existing.events.dropFirst().map(Step.init)
    let given = value.changes.map(Step.init)
    if recorded == given { return .same }
    if given.count > recorded.count, Array(given.prefix(recorded.count)) == recorded {
      return .differs(
        "fewer steps (\(given[recorded.count...].map(\.status.rawValue).joined(separator: ", ")) to add)", updatable: true)
    }
    return .differs("a different status history", updatable: false)
  }

  func recordName(_ existing: Referral) -> String { "referral \(existing.id)" }

  func write(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedReferral) throws {
    let id = try session.insertReferral(db, row, keys, value.referral)
    for (index, change) in value.changes.enumerated() {
      try session.insertReferralEvent(db, keys, referralID: id, sequence: index + 2, change: change)
    }
  }

  /// Adds the steps the file has beyond those recorded.
  func update(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedReferral, _ existing: Referral
  )
    throws
  {
    let recorded = existing.events.count
    for (offset, change) in value.changes.dropFirst(recorded - 1).enumerated() {
      try session.insertReferralEvent(db, keys, referralID: existing.id, sequence: recorded + offset + 1, change: change)
    }
    try session.record(
      db, action: .referralStatus, target: "referral:\(existing.id)", subject: try session.subject(db, row, keys),
      detail: "import: \(value.changes.count - (recorded - 1)) step(s) added")
  }

  /// A step as compared: status, date, service and reason.
  private struct Step: Equatable {
    let status: ReferralStatus
    let date: CalendarDate
    let service: String?
    let reason: String?
    init(_ event: ReferralEvent) { (status, date, service, reason) = (event.status, event.date, event.service, event.reason) }
    init(_ change: ReferralStatusChange) {
      (status, date, service, reason) = (change.status, change.date, change.service, change.reason)
    }
  }
}

/// Sessions: the same session has the survivor, date, kind, minutes and attendance. Only its
/// notes may change (`--update`); a row without notes leaves recorded notes alone.
struct SessionRows: ImportRowKind {
  static let table = "support_sessions"
  static let readAction = AuditAction.sessionRead
  let session: VaultSession
  var sameness: String { "the same survivor, date, kind, minutes and attendance" }

  func locator(_ value: ImportedSession) -> SurvivorLocator { value.survivor }

  func identity(_ value: ImportedSession) -> String {
    let row = value.session
    return Self.identity(row.date, row.kind, row.minutes, row.attendance)
  }

  private static func identity(_ date: CalendarDate, _ kind: SessionKind, _ minutes: Int, _ attendance: Attendance) -> String {
    "\(date)\u{1F}\(kind.rawValue)\u{1F}\(minutes)\u{1F}\(attendance.rawValue)"
  }

  func check(_ db: StoreDatabase, _ value: ImportedSession) throws { try value.session.checkText() }

  func existing(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [String: SupportSession] {
    var byIdentity: [String: SupportSession] = [:]
    for stored in try session.decodeSessions(db, row, keys) {
      byIdentity[Self.identity(stored.date, stored.kind, stored.minutes, stored.attendance)] = stored
    }
    return byIdentity
  }

  func compare(_ value: ImportedSession, with existing: SupportSession) -> ImportComparison {
    guard let notes = value.session.notes, notes != existing.notes else { return .same }
    return .differs("other notes", updatable: true)
  }

  func recordName(_ existing: SupportSession) -> String { "session \(existing.id)" }

  func write(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedSession) throws {
    _ = try session.insertSession(db, row, keys, value.session)
  }

  func update(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedSession, _ existing: SupportSession
  ) throws {
    try db.execute(
      sql: "UPDATE support_sessions SET notes = ? WHERE id = ?",
      arguments: [
        keys.column(value.session.notes, table: "support_session", id: existing.id, field: "notes", .team), existing.id,
      ])
    try session.record(
      db, action: .sessionUpdate, target: "support_session:\(existing.id)", subject: try session.subject(db, row, keys),
      detail: "notes, import")
  }
}

/// Outcomes: the same assessment has the survivor, stage and date; its ratings may change (`--update`).
struct OutcomeRows: ImportRowKind {
  static let table = "outcome_assessments"
  static let readAction = AuditAction.outcomeRead
  let session: VaultSession
  /// The vault's outcome scale, read once for the import.
  let scale: OutcomeScale
  var sameness: String { "the same survivor, stage and date" }

  func locator(_ value: ImportedOutcome) -> SurvivorLocator { value.survivor }
  func identity(_ value: ImportedOutcome) -> String { "\(value.assessment.stage.rawValue)\u{1F}\(value.assessment.date)" }
  func check(_ db: StoreDatabase, _ value: ImportedOutcome) throws {
    try VaultSession.checkRatings(value.assessment.ratings, on: scale)
  }

  func existing(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [String: OutcomeAssessment] {
    Dictionary(
      try session.decodeOutcomes(db, row, keys).map { ("\($0.stage.rawValue)\u{1F}\($0.date)", $0) },
      uniquingKeysWith: { first, _ in first })
  }

  func compare(_ value: ImportedOutcome, with existing: OutcomeAssessment) -> ImportComparison {
    value.assessment.ratings == existing.ratings ? .same : .differs("other ratings", updatable: true)
  }

  func recordName(_ existing: OutcomeAssessment) -> String { "outcome \(existing.id)" }

  func write(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedOutcome) throws {
    _ = try session.insertOutcome(db, row, keys, value.assessment, scale: scale)
  }

  func update(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedOutcome, _ existing: OutcomeAssessment
  ) throws {
    func sealed(_ domain: OutcomeDomain) -> Data? {
      keys.column(
        String(value.assessment.ratings[domain]!), table: "outcome_assessment", id: existing.id, field: domain.rawValue,
        .statistics)
    }
    try db.execute(
      sql: "UPDATE outcome_assessments SET wellbeing = ?, self = ?, trauma = ?, relationships = ? WHERE id = ?",
      arguments: [sealed(.wellbeing), sealed(.selfRegard), sealed(.trauma), sealed(.relationships), existing.id])
    try session.record(
      db, action: .outcomeUpdate, target: "outcome_assessment:\(existing.id)", subject: try session.subject(db, row, keys),
      detail: "ratings, import")
  }
}

/// Consents: the same decision has the survivor, purpose, decision and date. Consent history is
/// never rewritten, so a difference is always a problem: record a new decision instead.
struct ConsentRows: ImportRowKind {
  static let table = "consent_events"
  static let readAction = AuditAction.consentRead
  let session: VaultSession
  var sameness: String { "the same survivor, purpose, decision and date" }
  var howToChange: String { "consent history is never rewritten: record a new decision instead" }

  func locator(_ value: ImportedConsent) -> SurvivorLocator { value.survivor }

  func identity(_ value: ImportedConsent) -> String {
    Self.identity(value.consent.purpose, value.consent.decision, value.consent.date)
  }

  private static func identity(_ purpose: ConsentPurpose, _ decision: ConsentDecision, _ date: CalendarDate) -> String {
    "\(purpose)\u{1F}\(decision.rawValue)\u{1F}\(date)"
  }

  func check(_ db: StoreDatabase, _ value: ImportedConsent) throws {}

  func existing(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [String: ConsentEvent] {
    Dictionary(
      try session.consentHistory(db, row, keys).map { (Self.identity($0.purpose, $0.decision, $0.date), $0) },
      uniquingKeysWith: { first, _ in first })
  }

  func compare(_ value: ImportedConsent, with existing: ConsentEvent) -> ImportComparison {
    value.consent.method == existing.method && value.consent.expires == existing.expires
      ? .same : .differs("a different method or expiry", updatable: false)
  }

  func recordName(_ existing: ConsentEvent) -> String { "consent decision \(existing.id)" }

  func write(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedConsent) throws {
    try session.insertImportedConsent(db, row, keys, value.consent)
  }
}
