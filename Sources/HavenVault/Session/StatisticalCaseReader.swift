import Foundation
import GRDB
import HavenCrypto

/// Opens the statistical columns of one survivor's rows with that survivor's statistics key.
struct StatisticalColumns: ~Copyable {
  let vaultID: [UInt8]
  let survivorID: Int64
  let keyVersion: Int64
  let key: SecretKey<StatisticsFieldKeyPurpose>

  func text(_ row: Row, table: String, id: Int64, field: String) throws(VaultError) -> String? {
    guard let data = row[field] as Data? else { return nil }
    let binding = FieldBinding(record: RecordBinding(table: table, recordID: id), field: field, keyVersion: keyVersion)
    return try FieldCipher.openStatistical([UInt8](data), key: key, binding: binding, vaultID: vaultID)
  }

  func required(_ row: Row, table: String, id: Int64, field: String) throws(VaultError) -> String {
    guard let value = try text(row, table: table, id: id, field: field) else {
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
  /// (docs/FORMAT.md, "Export pseudonyms"). One audit entry records the read and its size, in
  /// the same transaction.
  public func readStatisticalCases(
    consentFor purpose: ConsentPurpose, on day: CalendarDate = CalendarDate.today(),
    pseudonymsFor recipient: BoxPublicKey? = nil, target: String = "survivors",
    _ visit: (StatisticalCase) throws -> Void
  ) throws(VaultError) -> ConsentFilterSummary {
    try authorize(.readStatistics, action: .statisticsRead, target: target)
    return try transaction { db in
      let statistics = try statisticsKeyPair(db)
      let pseudonyms = try recipient.map {
        try ExportPseudonyms(statistics: statistics, vaultID: metadata.vaultID, recipient: $0)
      }
      var included = 0
      var excluded: [String: Int] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT id, key_version, statistics_ephemeral_key, gender, district, cohort FROM survivors ORDER BY id")
      while let row = try rows.next() {
        let id: Int64 = row["id"]
        let ephemeral = try BoxPublicKey(bytes: [UInt8](row["statistics_ephemeral_key"] as Data))
        let columns = StatisticalColumns(
          vaultID: metadata.vaultID, survivorID: id, keyVersion: row["key_version"],
          key: try HybridKeyAgreement.recover(
            ephemeral: ephemeral, recipient: statistics, label: CaseKeys.statisticsLabel, as: StatisticsFieldKeyPurpose.self))
        let consent = ConsentLedger.state(of: purpose, in: try consentHistory(db, columns), on: day)
        guard consent.isGiven else {
          excluded[consent.status.rawValue, default: 0] += 1
          continue
        }
        included += 1
        try visit(try statisticalCase(db, row, columns, pseudonym: pseudonyms?.pseudonym(survivorID: id)))
      }
      let left = excluded.values.reduce(0, +)
      try record(
        db, action: .statisticsRead, target: target,
        detail: "\(included) survivors with \(purpose) consent, \(left) left out for consent")
      return ConsentFilterSummary(purpose: purpose.description, included: included, excluded: excluded)
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
    _ db: Database, _ row: Row, _ columns: borrowing StatisticalColumns, pseudonym: String?
  ) throws -> StatisticalCase {
    let id = columns.survivorID
    func survivorField(_ field: SurvivorField) throws -> String? {
      try columns.text(row, table: "survivor", id: id, field: field.rawValue)
    }
    return StatisticalCase(
      survivorID: id, gender: try survivorField(.gender).map { try Gender.parse($0, field: "gender") },
      district: try survivorField(.district), cohort: try survivorField(.cohort).map { try Cohort.parse($0, field: "cohort") },
      referrals: try statisticalReferrals(db, columns), sessions: try statisticalSessions(db, columns),
      outcomes: try statisticalOutcomes(db, columns), pseudonym: pseudonym)
  }

  private func statisticalReferrals(_ db: Database, _ columns: borrowing StatisticalColumns) throws -> [StatisticalReferral] {
    var referrals: [StatisticalReferral] = []
    let stored = try Row.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM referrals WHERE survivor_id = ? ORDER BY id"), arguments: [columns.survivorID])
    for referral in stored {
      let id: Int64 = referral["id"]
      var events: [StatisticalReferralEvent] = []
      for event in try Row.fetchAll(
        db.cachedStatement(sql: "SELECT * FROM referral_events WHERE referral_id = ? ORDER BY sequence"), arguments: [id])
      {
        let eventID: Int64 = event["id"]
        events.append(
          StatisticalReferralEvent(
            status: try ReferralStatus.parse(
              try columns.required(event, table: "referral_event", id: eventID, field: "status"), field: "status"),
            date: try CalendarDate(
              parsing: try columns.required(event, table: "referral_event", id: eventID, field: "event_date")),
            service: try columns.text(event, table: "referral_event", id: eventID, field: "service"),
            reason: try columns.text(event, table: "referral_event", id: eventID, field: "reason")))
      }
      func field(_ name: String) throws -> String { try columns.required(referral, table: "referral", id: id, field: name) }
      referrals.append(
        StatisticalReferral(
          id: id, date: try CalendarDate(parsing: try field("referral_date")),
          referrerType: try ReferrerType.parse(try field("referrer_type"), field: "referrer type"),
          pathway: try Pathway.parse(try field("pathway"), field: "pathway"), service: try field("service"),
          ageBand: try AgeBand.parse(try field("age_band"), field: "age band"), events: events))
    }
    return referrals.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }

  private func statisticalSessions(_ db: Database, _ columns: borrowing StatisticalColumns) throws -> [StatisticalSession] {
    try Row.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM support_sessions WHERE survivor_id = ? ORDER BY id"), arguments: [columns.survivorID]
    ).map { stored in
      let id: Int64 = stored["id"]
      func field(_ name: String) throws -> String { try columns.required(stored, table: "support_session", id: id, field: name) }
      guard let minutes = Int(try field("minutes")) else {
        throw VaultError.databaseDamaged("support session \(id) has bad minutes")
      }
      return StatisticalSession(
        date: try CalendarDate(parsing: try field("session_date")), minutes: minutes,
        kind: try SessionKind.parse(try field("kind"), field: "kind"),
        attendance: try Attendance.parse(try field("attendance"), field: "attendance"))
    }.sorted { $0.date < $1.date }
  }

  private func statisticalOutcomes(_ db: Database, _ columns: borrowing StatisticalColumns) throws -> [StatisticalOutcome] {
    try Row.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM outcome_assessments WHERE survivor_id = ? ORDER BY id"),
      arguments: [columns.survivorID]
    ).map { stored in
      let id: Int64 = stored["id"]
      func field(_ name: String) throws -> String {
        try columns.required(stored, table: "outcome_assessment", id: id, field: name)
      }
      var ratings: [OutcomeDomain: Int] = [:]
      for domain in OutcomeDomain.allCases {
        guard let rating = Int(try field(domain.rawValue)) else {
          throw VaultError.databaseDamaged("outcome \(id) has a bad rating")
        }
        ratings[domain] = rating
      }
      return StatisticalOutcome(
        stage: try OutcomeStage.parse(try field("stage"), field: "stage"),
        date: try CalendarDate(parsing: try field("assessed_on")), ratings: ratings)
    }.sorted { $0.date < $1.date }
  }

  /// A survivor's consent history, read with their statistics key alone (consent fields are
  /// statistical, so the reporting role can honour them).
  private func consentHistory(_ db: Database, _ columns: borrowing StatisticalColumns) throws -> [ConsentEvent] {
    try Row.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM consent_events WHERE survivor_id = ? ORDER BY id"), arguments: [columns.survivorID]
    ).map { stored in
      let id: Int64 = stored["id"]
      return try ConsentEvent.decode(id: id, recordedBy: "") { field in
        try columns.text(stored, table: "consent_event", id: id, field: field)
      }
    }
  }
}
