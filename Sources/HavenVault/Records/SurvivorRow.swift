import Foundation
import GRDB

/// A `survivors` row as stored: key material and envelopes, nothing decrypted.
struct SurvivorRow {
  let id: Int64
  let teamID: Int64
  let wrappedRecordKey: WrappedRecordKey
  let keyVersion: Int64
  let statisticsEphemeralKey: [UInt8]
  let wrappedStatisticsKey: [UInt8]
  let envelopes: [SurvivorField: [UInt8]]
  let createdAt: String
  let updatedAt: String

  init(row: Row) {
    id = row["id"]
    teamID = row["team_id"]
    wrappedRecordKey = WrappedRecordKey(
      teamID: row["team_id"], teamKeyVersion: row["team_key_version"], envelope: [UInt8](row["wrapped_record_key"] as Data))
    keyVersion = row["key_version"]
    statisticsEphemeralKey = [UInt8](row["statistics_ephemeral_key"] as Data)
    wrappedStatisticsKey = [UInt8](row["wrapped_statistics_key"] as Data)
    var envelopes: [SurvivorField: [UInt8]] = [:]
    for field in SurvivorField.allCases {
      if let data = row[field.rawValue] as Data? { envelopes[field] = [UInt8](data) }
    }
    self.envelopes = envelopes
    createdAt = row["created_at"]
    updatedAt = row["updated_at"]
  }

  static func fetch(_ db: Database, id: Int64) throws -> SurvivorRow? {
    try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM survivors WHERE id = ?"), arguments: [id]).map(SurvivorRow.init)
  }

  static func fetchAll(_ db: Database, team: Int64) throws -> [SurvivorRow] {
    try Row.fetchAll(db, sql: "SELECT * FROM survivors WHERE team_id = ? ORDER BY id", arguments: [team]).map(SurvivorRow.init)
  }

  /// Writes (or overwrites) the given envelopes. Column names come from `SurvivorField`, never input.
  static func update(_ db: Database, id: Int64, envelopes: [SurvivorField: [UInt8]?]) throws {
    guard !envelopes.isEmpty else { return }
    let fields = Array(envelopes.keys)
    let assignments = fields.map { "\($0.rawValue) = ?" }.joined(separator: ", ")
    var arguments: [(any DatabaseValueConvertible)?] = fields.map { field in envelopes[field]!.map { Data($0) } }
    arguments.append(Timestamp.now())
    arguments.append(id)
    try db.execute(
      sql: "UPDATE survivors SET \(assignments), updated_at = ? WHERE id = ?", arguments: StatementArguments(arguments))
  }
}
