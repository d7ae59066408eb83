import Foundation
import HavenCrypto
import HavenStore

extension VaultSession {
  /// Records a referral for a survivor; its status history starts at "referred" on its date.
  /// The age band at referral is computed from the date of birth, so it never needs the date itself.
  public func addReferral(_ reference: SurvivorReference, _ referral: NewReferral) throws(VaultError) -> Int64 {
    try referral.checkText()
    return try withCaseFile(reference, action: .referralCreate, bodyAudits: true) { db, row, keys in
      try insertReferral(db, row, keys, referral)
    }
  }

  func insertReferral(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ referral: NewReferral
  ) throws -> Int64 {
    try requireService(db, referral.service)
    let birth = try keys.openOptional(row.envelopes[.dateOfBirth], at: SurvivorField.dateOfBirth.location(row.id))
      .map { try CalendarDate(parsing: $0) }
    let id = try nextID(db, table: "referrals")
    func sealed(_ value: String?, _ field: String, _ protection: FieldProtection = .statistics) -> Data? {
      keys.column(value, table: "referral", id: id, field: field, protection)
    }
    try db.cachedStatement(
      sql: """
        INSERT INTO referrals (id, survivor_id, referral_date, referrer_type, referrer_role, pathway, service, age_band, created_at,
          external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      id, row.id, sealed(referral.date.description, "referral_date"), sealed(referral.referrerType.rawValue, "referrer_type"),
      sealed(referral.referrerRole, "referrer_role", .team), sealed(referral.pathway.rawValue, "pathway"),
      sealed(referral.service, "service"), sealed(AgeBand.at(referral: referral.date, birth: birth).rawValue, "age_band"),
      Timestamp.now(), sealed(referral.externalID, "external_id", .team),
    ])
    try insertReferralEvent(
      db, keys, referralID: id, sequence: 1, change: try ReferralStatusChange(status: .referred, date: referral.date))
    try record(db, action: .referralCreate, target: "referral:\(id)", subject: try subject(db, row, keys))
    return id
  }

  /// Moves a referral on (referred -> triaged -> allocated -> engaged -> closed, or closed from
  /// any open status). Dates may not go backwards.
  public func changeReferralStatus(_ referralID: Int64, _ change: ReferralStatusChange) throws(VaultError) {
    try withRecord(.referral, id: referralID, action: .referralStatus, detail: "to \(change.status.rawValue)") { db, row, keys in
      let referral = try decodeReferral(db, referralID, keys)
      let current = referral.status
      guard current.mayMove(to: change.status) else {
        throw VaultError.invalidArgument(
          "referral \(referralID) is \(current.rawValue) and cannot move to \(change.status.rawValue) (order: referred, triaged, allocated, engaged, closed)"
        )
      }
      if let last = referral.events.last, change.date < last.date {
        throw VaultError.invalidArgument("the date \(change.date) is before the referral's last change (\(last.date))")
      }
      if let service = change.service { try requireService(db, service) }
      try insertReferralEvent(db, keys, referralID: referralID, sequence: referral.events.count + 1, change: change)
    }
  }

  public func referrals(_ reference: SurvivorReference) throws(VaultError) -> [Referral] {
    try withCaseFile(reference, action: .referralRead) { db, row, keys in try decodeReferrals(db, row, keys) }
  }

  func insertReferralEvent(
    _ db: StoreDatabase, _ keys: borrowing CaseKeys, referralID: Int64, sequence: Int, change: ReferralStatusChange
  ) throws {
    let id = try nextID(db, table: "referral_events")
    func sealed(_ value: String?, _ field: String, _ protection: FieldProtection = .statistics) -> Data? {
      keys.column(value, table: "referral_event", id: id, field: field, protection)
    }
    try db.cachedStatement(
      sql: """
        INSERT INTO referral_events (id, referral_id, sequence, status, event_date, service, reason, recorded_by, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      id, referralID, sequence, sealed(change.status.rawValue, "status"), sealed(change.date.description, "event_date"),
      sealed(change.service, "service"), sealed(change.reason, "reason"), sealed(user.name, "recorded_by", .team),
      Timestamp.now(),
    ])
  }

  func decodeReferrals(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [Referral] {
    let ids = try Int64.fetchAll(
      db.cachedStatement(sql: "SELECT id FROM referrals WHERE survivor_id = ? ORDER BY id"), arguments: [row.id])
    return try ids.map { try decodeReferral(db, $0, keys) }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }

  func decodeReferral(_ db: StoreDatabase, _ id: Int64, _ keys: borrowing CaseKeys) throws -> Referral {
    guard let stored = try StoreRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM referrals WHERE id = ?"), arguments: [id])
    else {
      throw VaultError.notFound(kind: "referral", name: "\(id)")
    }
    func text(_ field: String, _ protection: FieldProtection = .statistics) throws -> String {
      try keys.requiredColumn(stored, table: "referral", id: id, field: field, protection)
    }
    let events = try StoreRow.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM referral_events WHERE referral_id = ? ORDER BY sequence"), arguments: [id]
    )
    .map { event in try decodeEvent(event, keys) }
    return Referral(
      id: id, date: try CalendarDate(parsing: try text("referral_date")),
      referrerType: try ReferrerType.parse(try text("referrer_type"), field: "referrer type"),
      referrerRole: try keys.column(stored, table: "referral", id: id, field: "referrer_role", .team),
      pathway: try Pathway.parse(try text("pathway"), field: "pathway"), service: try text("service"),
      ageBand: try AgeBand.parse(try text("age_band"), field: "age band"), events: events,
      externalID: try keys.column(stored, table: "referral", id: id, field: "external_id", .team))
  }

  /// The id of the survivor's referral a link names: a Haven id of one of their referrals, else
  /// one of their referrals' external ids (exactly one must match).
  func resolveReferral(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ link: ReferralLink) throws -> Int64
  {
    let stored = try StoreRow.fetchAll(
      db.cachedStatement(sql: "SELECT id, external_id FROM referrals WHERE survivor_id = ? ORDER BY id"), arguments: [row.id])
    if case .id(let id) = link, stored.contains(where: { $0["id"] == id }) { return id }
    var matches: [Int64] = []
    for referral in stored {
      let id: Int64 = referral["id"]
      if try keys.column(referral, table: "referral", id: id, field: "external_id", .team) == link.description {
        matches.append(id)
      }
    }
    guard matches.count == 1 else {
      throw VaultError.invalidArgument(
        matches.isEmpty
          ? "this survivor has no referral '\(link)' (a referral's number from 'haven referral list', or its external id)"
          : "more than one of this survivor's referrals has the external id '\(link)'; give the referral's number")
    }
    return matches[0]
  }

  private func decodeEvent(_ event: StoreRow, _ keys: borrowing CaseKeys) throws -> ReferralEvent {
    let id: Int64 = event["id"]
    func text(_ field: String, _ protection: FieldProtection = .statistics) throws -> String? {
      try keys.column(event, table: "referral_event", id: id, field: field, protection)
    }
    return ReferralEvent(
      status: try ReferralStatus.parse(try text("status") ?? "", field: "status"),
      date: try CalendarDate(parsing: try text("event_date") ?? ""), service: try text("service"), reason: try text("reason"),
      recordedBy: try text("recorded_by", .team) ?? "")
  }
}
