import Foundation
import HavenStore

/// A survivor's consent: the state of each purpose today, and the whole history.
public struct SurvivorConsent: Sendable {
  public let current: [ConsentState]
  public let history: [ConsentEvent]
}

/// A consent to review: expired, or expiring within the asked window.
public struct ConsentReview: Sendable, Equatable {
  public let reference: SurvivorReference
  public let purpose: ConsentPurpose
  public let expires: CalendarDate
  public let expired: Bool
}

extension VaultSession {
  /// Adds a partner agency (configuration; admin). Sharing with it is its own consent purpose.
  public func addAgency(_ name: String) throws(VaultError) {
    try authorize(.manageTeams, action: .agencyAdd, target: "agency:\(name)")
    try Names.validate(name, kind: "agency")
    try transaction { db in
      let exists =
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM partner_agencies WHERE name = ?)", arguments: [name]) ?? false
      guard !exists else { throw VaultError.alreadyExists(kind: "agency", name: name) }
      try db.cachedStatement(sql: "INSERT INTO partner_agencies (name, created_at) VALUES (?, ?)").execute(arguments: [
        name, Timestamp.now(),
      ])
      try record(db, action: .agencyAdd, target: "agency:\(name)")
    }
  }

  public func listAgencies() throws(VaultError) -> [String] {
    try transaction { db in
      try record(db, action: .serviceList, target: "agencies")
      return try String.fetchAll(db, sql: "SELECT name FROM partner_agencies ORDER BY name")
    }
  }

  /// Appends a consent decision. Refuses a date in the future, an unknown agency, an expiry not
  /// after the decision, and a withdrawal of a consent not in force on that date.
  public func recordConsent(
    _ reference: SurvivorReference, purpose: ConsentPurpose, decision: ConsentDecision, date: CalendarDate, method: ConsentMethod,
    expires: CalendarDate? = nil
  ) throws(VaultError) -> Int64 {
    let consent = try NewConsent(purpose: purpose, decision: decision, date: date, method: method, expires: expires)
    return try withCaseFile(reference, action: .consentRecord, detail: "\(purpose) \(decision.rawValue)") { db, row, keys in
      try insertConsent(
        db, row, keys, purpose: consent.purpose, decision: consent.decision, date: consent.date, method: consent.method,
        expires: consent.expires)
    }
  }

  /// An imported decision: written and audited as if recorded by hand.
  func insertImportedConsent(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ consent: NewConsent) throws {
    let id = try insertConsent(
      db, row, keys, purpose: consent.purpose, decision: consent.decision, date: consent.date, method: consent.method,
      expires: consent.expires)
    try record(
      db, action: .consentRecord, target: "consent_event:\(id)", subject: try subject(db, row, keys),
      detail: "\(consent.purpose) \(consent.decision.rawValue), imported")
  }

  private func insertConsent(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, purpose: ConsentPurpose, decision: ConsentDecision,
    date: CalendarDate, method: ConsentMethod, expires: CalendarDate?
  ) throws -> Int64 {
    if case .share(let agency) = purpose {
      let known =
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM partner_agencies WHERE name = ?)", arguments: [agency]) ?? false
      guard known else {
        throw VaultError.invalidArgument("no partner agency named '\(agency)' (an admin adds them with 'haven agency add')")
      }
    }
    if decision == .withdrawn {
      let state = ConsentLedger.state(of: purpose, in: try consentHistory(db, row, keys), on: date)
      guard state.isGiven else {
        throw VaultError.invalidArgument("there is no consent to withdraw: \(purpose) is \(state.status.rawValue) on \(date)")
      }
    }
    let id = try nextID(db, table: "consent_events")
    func sealed(_ value: String?, _ field: String, _ protection: FieldProtection = .statistics) -> Data? {
      keys.column(value, table: "consent_event", id: id, field: field, protection)
    }
    try db.cachedStatement(
      sql: """
        INSERT INTO consent_events (id, survivor_id, purpose, decision, decided_on, method, expires, recorded_by, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      id, row.id, sealed(purpose.description, "purpose"), sealed(decision.rawValue, "decision"),
      sealed(date.description, "decided_on"),
      sealed(method.rawValue, "method"), sealed(expires?.description, "expires"), sealed(user.name, "recorded_by", .team),
      Timestamp.now(),
    ])
    return id
  }

  public func consent(_ reference: SurvivorReference) throws(VaultError) -> SurvivorConsent {
    try withCaseFile(reference, action: .consentRead) { db, row, keys in
      let history = try consentHistory(db, row, keys)
      return SurvivorConsent(current: ConsentLedger.states(history, on: CalendarDate.today()), history: history)
    }
  }

  /// Grants of the user's teams' survivors that have expired, or expire within `days`. Read from
  /// the caseload index (docs/FORMAT.md section 18), which holds each case's expiring consents:
  /// one envelope per 64 cases instead of every survivor's consent history.
  public func consentDue(within days: Int = 0) throws(VaultError) -> [ConsentReview] {
    try authorize(.handleCaseRecords, action: .consentRead, target: "consent-due")
    return try caseTransaction(action: .consentRead, target: "consent-due") { db in
      let today = CalendarDate.today()
      let horizon = today.adding(days: days)
      var due: [ConsentReview] = []
      for team in try memberTeams(db) where team.currentKeyVersion > 0 {
        _ = try updateCaseloadIndex(db, team: team, rebuild: false)
        let scan = try scanCaseloadIndex(db, team: team) { facts in
          let expiring = facts.consents.filter { $0.expires <= horizon }
          return (false, expiring.isEmpty ? nil : (facts.reference, expiring))
        }
        for (_, (reference, consents)) in scan.kept {
          let parsed = try SurvivorReference(parsing: reference)
          for consent in consents {
            due.append(
              ConsentReview(
                reference: parsed, purpose: try ConsentPurpose(parsing: consent.purpose), expires: consent.expires,
                expired: consent.expires <= today))
          }
        }
      }
      try record(db, action: .consentRead, target: "consent-due", detail: "\(due.count) due")
      return due.sorted { ($0.expires, $0.reference.description) < ($1.expires, $1.reference.description) }
    }
  }

  func consentHistory(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [ConsentEvent] {
    try StoreRow.fetchAll(db, sql: "SELECT * FROM consent_events WHERE survivor_id = ? ORDER BY id", arguments: [row.id]).map {
      stored in
      let id: Int64 = stored["id"]
      let recordedBy = try keys.requiredColumn(stored, table: "consent_event", id: id, field: "recorded_by", .team)
      return try ConsentEvent.decode(id: id, recordedBy: recordedBy) { field in
        try keys.column(stored, table: "consent_event", id: id, field: field, .statistics)
      }
    }
  }
}
