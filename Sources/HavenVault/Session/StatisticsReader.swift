import Foundation
import GRDB
import HavenCrypto

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
  public func survivorStatistics() throws(VaultError) -> [SurvivorStatistics] {
    try authorize(.readStatistics, action: .statisticsRead, target: "survivors")
    return try transaction { db in
      guard
        let secret = try UserKeyHolder(self).heldKey(
          db, vaultID: metadata.vaultID, kind: .statistics, teamID: nil, version: 1, as: BoxSecretKeyPurpose.self)
      else { throw VaultError.keyNotHeld(what: "the statistics key") }
      let statistics = try BoxKeyPair(secretKey: secret)
      var result: [SurvivorStatistics] = []
      let rows = try Row.fetchCursor(
        db, sql: "SELECT id, key_version, statistics_ephemeral_key, gender, district, cohort FROM survivors ORDER BY id")
      while let row = try rows.next() {
        let id: Int64 = row["id"]
        let keyVersion: Int64 = row["key_version"]
        let ephemeral = try BoxPublicKey(bytes: [UInt8](row["statistics_ephemeral_key"] as Data))
        let key = try HybridKeyAgreement.recover(
          ephemeral: ephemeral, recipient: statistics, label: CaseKeys.statisticsLabel, as: StatisticsFieldKeyPurpose.self)
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
      try record(db, action: .statisticsRead, target: "survivors", detail: "\(result.count) survivors")
      return result
    }
  }
}
