import Foundation
import GRDB
import HavenCrypto

/// Opens the statistical columns of one survivor's rows with that survivor's statistics key
/// (held in a slot the reader re-derives for each survivor).
struct StatisticalColumns {
  let vaultID: [UInt8]
  let survivorID: Int64
  let keyVersion: Int64
  let slot: ReusableAgreedKey<StatisticsFieldKeyPurpose>

  /// Opens column `index` of `row`, the envelope of `field` (columns are read by position: the
  /// queries below name them, and name lookup is a measurable cost over a million rows).
  func text(_ row: Row, _ index: Int, table: String, id: Int64, field: String) throws(VaultError) -> String? {
    guard let data = row[index] as Data? else { return nil }
    let binding = FieldBinding(record: RecordBinding(table: table, recordID: id), field: field, keyVersion: keyVersion)
    return try FieldCipher.openStatistical([UInt8](data), key: slot.key, binding: binding, vaultID: vaultID)
  }

  func required(_ row: Row, _ index: Int, table: String, id: Int64, field: String) throws(VaultError) -> String {
    guard let value = try text(row, index, table: table, id: id, field: field) else {
      throw .databaseDamaged("\(table) \(id) has no \(field)")
    }
    return value
  }
}

extension VaultSession {
  /// Streams every survivor, across all teams, whose consent for `purpose` is in effect on
  /// `day`, to `visit`, one at a time (memory stays flat however large the vault), using the
  /// statistics secret alone: the `reporting` role never holds a record key. Survivors without
  /// that consent are counted by reason and never decrypted beyond their consent history.
  /// `recipient`: also give each survivor a pseudonym keyed for that export recipient
  /// (docs/FORMAT.md, "Export pseudonyms").
  ///
  /// A read over every survivor takes seconds, so it does not hold the write lock (workers go on
  /// recording): its audit entry is committed first, the read runs in one read transaction (a
  /// consistent snapshot), and a second entry records what it included and left out.
  public func readStatisticalCases(
    consentFor purpose: ConsentPurpose, on day: CalendarDate = CalendarDate.today(),
    pseudonymsFor recipient: BoxPublicKey? = nil, target: String = "survivors",
    _ visit: (StatisticalCase) throws -> Void
  ) throws(VaultError) -> ConsentFilterSummary {
    try authorize(.readStatistics, action: .statisticsRead, target: target)
    try transaction { db in
      try record(db, action: .statisticsRead, target: target, detail: "begun: every survivor with \(purpose) consent")
    }
    let summary = try snapshotRead { db in
      let statistics = try statisticsKeyPair(db)
      let pseudonyms = try recipient.map {
        try ExportPseudonyms(statistics: statistics, vaultID: metadata.vaultID, recipient: $0)
      }
      let slot = try ReusableAgreedKey<StatisticsFieldKeyPurpose>()
      var included = 0
      var excluded: [String: Int] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT id, key_version, statistics_ephemeral_key, gender, district, cohort FROM survivors ORDER BY id")
      while let row = try rows.next() {
        let id: Int64 = row[0]
        let ephemeral = try BoxPublicKey(bytes: [UInt8](row[2] as Data))
        try slot.recover(ephemeral: ephemeral, recipient: statistics, label: CaseKeys.statisticsLabel)
        let columns = StatisticalColumns(vaultID: metadata.vaultID, survivorID: id, keyVersion: row[1], slot: slot)
        let consent = ConsentLedger.state(of: purpose, in: try consentHistory(db, columns), on: day)
        guard consent.isGiven else {
          excluded[consent.status.rawValue, default: 0] += 1
          continue
        }
        included += 1
        try visit(try statisticalCase(db, row, columns, pseudonym: pseudonyms?.pseudonym(survivorID: id)))
      }
      return ConsentFilterSummary(purpose: purpose.description, included: included, excluded: excluded)
    }
    try transaction { db in
      try record(
        db, action: .statisticsRead, target: target,
        detail: "\(summary.included) survivors with \(purpose) consent, \(summary.excludedTotal) left out for consent")
    }
    return summary
  }

  /// One read transaction: a consistent snapshot that takes no write lock.
  private func snapshotRead<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
    do {
      return try vault.database.read(body)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// The vault's statistics key pair, from this user's grant (the `reporting` role only).
  func statisticsKeyPair(_ db: Database) throws -> BoxKeyPair {
    guard
      let secret = try UserKeyHolder(self).heldKey(
        db, vaultID: metadata.vaultID, kind: .statistics, teamID: nil, version: 1, as: BoxSecretKeyPurpose.self)
    else { throw VaultError.keyNotHeld(what: "the statistics key") }
    return try BoxKeyPair(secretKey: secret)
  }

  private func statisticalCase(
    _ db: Database, _ row: Row, _ columns: StatisticalColumns, pseudonym: String?
  ) throws -> StatisticalCase {
    let id = columns.survivorID
    // Columns of the survivors query: id, key_version, statistics_ephemeral_key, gender, district, cohort.
    return StatisticalCase(
      survivorID: id,
      gender: try columns.text(row, 3, table: "survivor", id: id, field: "gender").map { try Gender.parse($0, field: "gender") },
      district: try columns.text(row, 4, table: "survivor", id: id, field: "district"),
      cohort: try columns.text(row, 5, table: "survivor", id: id, field: "cohort").map { try Cohort.parse($0, field: "cohort") },
      referrals: try statisticalReferrals(db, columns), sessions: try statisticalSessions(db, columns),
      outcomes: try statisticalOutcomes(db, columns), pseudonym: pseudonym)
  }

  private func statisticalReferrals(_ db: Database, _ columns: StatisticalColumns) throws -> [StatisticalReferral] {
    var events: [Int64: [StatisticalReferralEvent]] = [:]
    let eventRows = try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT e.referral_id, e.id, e.status, e.event_date, e.service, e.reason FROM referral_events e
          JOIN referrals r ON r.id = e.referral_id WHERE r.survivor_id = ? ORDER BY e.referral_id, e.sequence
          """), arguments: [columns.survivorID])
    for event in eventRows {
      let eventID: Int64 = event[1]
      func field(_ index: Int, _ name: String) throws -> String? {
        try columns.text(event, index, table: "referral_event", id: eventID, field: name)
      }
      events[event[0], default: []].append(
        StatisticalReferralEvent(
          status: try ReferralStatus.parse(try field(2, "status") ?? "", field: "status"),
          date: try CalendarDate(parsing: try field(3, "event_date") ?? ""), service: try field(4, "service"),
          reason: try field(5, "reason")))
    }
    let stored = try Row.fetchAll(
      db.cachedStatement(
        sql:
          "SELECT id, referral_date, referrer_type, pathway, service, age_band FROM referrals WHERE survivor_id = ? ORDER BY id"),
      arguments: [columns.survivorID])
    return try stored.map { referral in
      let id: Int64 = referral[0]
      func field(_ index: Int, _ name: String) throws -> String {
        try columns.required(referral, index, table: "referral", id: id, field: name)
      }
      return StatisticalReferral(
        id: id, date: try CalendarDate(parsing: try field(1, "referral_date")),
        referrerType: try ReferrerType.parse(try field(2, "referrer_type"), field: "referrer type"),
        pathway: try Pathway.parse(try field(3, "pathway"), field: "pathway"), service: try field(4, "service"),
        ageBand: try AgeBand.parse(try field(5, "age_band"), field: "age band"), events: events[id] ?? [])
    }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }

  /// Date and attendance only: what reports and record exports use (minutes and kind are never
  /// decrypted for them).
  private func statisticalSessions(_ db: Database, _ columns: StatisticalColumns) throws -> [StatisticalSession] {
    try Row.fetchAll(
      db.cachedStatement(sql: "SELECT id, session_date, attendance FROM support_sessions WHERE survivor_id = ? ORDER BY id"),
      arguments: [columns.survivorID]
    ).map { stored in
      let id: Int64 = stored[0]
      return StatisticalSession(
        date: try CalendarDate(
          parsing: try columns.required(stored, 1, table: "support_session", id: id, field: "session_date")),
        attendance: try Attendance.parse(
          try columns.required(stored, 2, table: "support_session", id: id, field: "attendance"), field: "attendance"))
    }.sorted { $0.date < $1.date }
  }

  private func statisticalOutcomes(_ db: Database, _ columns: StatisticalColumns) throws -> [StatisticalOutcome] {
    try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT id, stage, assessed_on, wellbeing, self, trauma, relationships FROM outcome_assessments
          WHERE survivor_id = ? ORDER BY id
          """),
      arguments: [columns.survivorID]
    ).map { stored in
      let id: Int64 = stored[0]
      func field(_ index: Int, _ name: String) throws -> String {
        try columns.required(stored, index, table: "outcome_assessment", id: id, field: name)
      }
      var ratings: [OutcomeDomain: Int] = [:]
      for (offset, domain) in OutcomeDomain.allCases.enumerated() {
        guard let rating = Int(try field(3 + offset, domain.rawValue)) else {
          throw VaultError.databaseDamaged("outcome \(id) has a bad rating")
        }
        ratings[domain] = rating
      }
      return StatisticalOutcome(
        stage: try OutcomeStage.parse(try field(1, "stage"), field: "stage"),
        date: try CalendarDate(parsing: try field(2, "assessed_on")), ratings: ratings)
    }.sorted { $0.date < $1.date }
  }

  /// A survivor's consent history, read with their statistics key alone (consent fields are
  /// statistical, so the reporting role can honour them).
  private func consentHistory(_ db: Database, _ columns: StatisticalColumns) throws -> [ConsentEvent] {
    let positions = ["purpose": 1, "decision": 2, "decided_on": 3, "method": 4, "expires": 5]
    return try Row.fetchAll(
      db.cachedStatement(
        sql: "SELECT id, purpose, decision, decided_on, method, expires FROM consent_events WHERE survivor_id = ? ORDER BY id"),
      arguments: [columns.survivorID]
    ).map { stored in
      let id: Int64 = stored[0]
      return try ConsentEvent.decode(id: id, recordedBy: "") { field in
        guard let index = positions[field] else { return nil }
        return try columns.text(stored, index, table: "consent_event", id: id, field: field)
      }
    }
  }
}
