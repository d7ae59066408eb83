import Foundation
import GRDB
import HavenCrypto

/// What the `reporting` role may count: the survivors whose consent covers statistics today, and
/// how many were left out and why (consent is enforced, not advisory: docs/consent.md).
public struct StatisticsRead: Sendable {
  public let survivors: [SurvivorStatistics]
  /// Left out, by reason: "not asked", "refused", "withdrawn", "expired".
  public let excluded: [String: Int]
}

/// The statistical attributes of one survivor, as the `reporting` role reads them: no name, no
/// contact detail, no note, and no reference (the id is the vault's internal row number).
public struct SurvivorStatistics: Sendable, Equatable {
  public let survivorID: Int64
  public let gender: Gender?
  public let district: String?
  public let cohort: Cohort?
}

extension VaultSession {
  /// Reads every survivor's statistical attributes across all teams, with the statistics secret
  /// alone: for each survivor, X25519 with their stored ephemeral key gives the key of their
  /// statistical fields. One audit entry records the read and its size.
  public func survivorStatistics(on day: CalendarDate = CalendarDate.today()) throws(VaultError) -> StatisticsRead {
    try authorize(.readStatistics, action: .statisticsRead, target: "survivors")
    return try transaction { db in
      guard
        let secret = try UserKeyHolder(self).heldKey(
          db, vaultID: metadata.vaultID, kind: .statistics, teamID: nil, version: 1, as: BoxSecretKeyPurpose.self)
      else { throw VaultError.keyNotHeld(what: "the statistics key") }
      let statistics = try BoxKeyPair(secretKey: secret)
      var result: [SurvivorStatistics] = []
      var excluded: [String: Int] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT id, key_version, statistics_ephemeral_key, gender, district, cohort FROM survivors ORDER BY id")
      while let row = try rows.next() {
        let id: Int64 = row["id"]
        let keyVersion: Int64 = row["key_version"]
        let ephemeral = try BoxPublicKey(bytes: [UInt8](row["statistics_ephemeral_key"] as Data))
        let key = try HybridKeyAgreement.recover(
          ephemeral: ephemeral, recipient: statistics, label: CaseKeys.statisticsLabel, as: StatisticsFieldKeyPurpose.self)
        let consent = try statisticsConsent(db, survivorID: id, keyVersion: keyVersion, key: key, on: day)
        guard consent.isGiven else {
          excluded[consent.status.rawValue, default: 0] += 1
          continue
        }
        func text(_ field: SurvivorField) throws -> String? {
          guard let data = row[field.rawValue] as Data? else { return nil }
          let binding = FieldBinding(
            record: RecordBinding(table: "survivor", recordID: id), field: field.rawValue, keyVersion: keyVersion)
          return try FieldCipher.openStatistical([UInt8](data), key: key, binding: binding, vaultID: metadata.vaultID)
        }
        result.append(
          SurvivorStatistics(
            survivorID: id, gender: try text(.gender).map { try Gender.parse($0, field: "gender") },
            district: try text(.district),
            cohort: try text(.cohort).map { try Cohort.parse($0, field: "cohort") }))
      }
      try record(
        db, action: .statisticsRead, target: "survivors",
        detail: "\(result.count) survivors, \(excluded.values.reduce(0, +)) left out for consent")
      return StatisticsRead(survivors: result, excluded: excluded)
    }
  }

  /// The statistics consent of one survivor, read with their statistics key alone (consent
  /// fields are statistical, so the reporting role can honour them).
  private func statisticsConsent(
    _ db: Database, survivorID: Int64, keyVersion: Int64, key: borrowing SecretKey<StatisticsFieldKeyPurpose>,
    on day: CalendarDate
  ) throws -> ConsentState {
    var history: [ConsentEvent] = []
    for stored in try Row.fetchAll(
      db, sql: "SELECT * FROM consent_events WHERE survivor_id = ? ORDER BY id", arguments: [survivorID])
    {
      let id: Int64 = stored["id"]
      func text(_ field: String) throws -> String? {
        guard let data = stored[field] as Data? else { return nil }
        let binding = FieldBinding(
          record: RecordBinding(table: "consent_event", recordID: id), field: field, keyVersion: keyVersion)
        return try FieldCipher.openStatistical([UInt8](data), key: key, binding: binding, vaultID: metadata.vaultID)
      }
      let event = try ConsentEvent.decode(id: id, recordedBy: "", text)
      if event.purpose == .statistics { history.append(event) }
    }
    return ConsentLedger.state(of: .statistics, in: history, on: day)
  }
}
