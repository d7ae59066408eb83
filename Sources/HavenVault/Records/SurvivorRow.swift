import Foundation
import HavenStore

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

  /// The columns `init(row:)` reads, in order: a query selects exactly these (`selection`), and
  /// the row is decoded by position (by name, each of the 25 lookups scanned the column list,
  /// a tenth of a blind-index lookup's time).
  static let selection =
    ([
      "id", "team_id", "team_key_version", "wrapped_record_key", "key_version", "statistics_ephemeral_key",
      "wrapped_statistics_key",
    ] + SurvivorField.allCases.map(\.rawValue) + ["created_at", "updated_at"])
    .joined(separator: ", ")

  init(row: StoreRow) {
    id = row[0]
    teamID = row[1]
    wrappedRecordKey = WrappedRecordKey(teamID: row[1], teamKeyVersion: row[2], envelope: [UInt8](row[3] as Data))
    keyVersion = row[4]
    statisticsEphemeralKey = [UInt8](row[5] as Data)
    wrappedStatisticsKey = [UInt8](row[6] as Data)
    var envelopes: [SurvivorField: [UInt8]] = [:]
    for (offset, field) in SurvivorField.allCases.enumerated() {
      if let data = row[7 + offset] as Data? { envelopes[field] = [UInt8](data) }
    }
    self.envelopes = envelopes
    createdAt = row[7 + SurvivorField.allCases.count]
    updatedAt = row[8 + SurvivorField.allCases.count]
  }

  static func fetch(_ db: StoreDatabase, id: Int64) throws -> SurvivorRow? {
    try StoreRow.fetchOne(db.cachedStatement(sql: "SELECT \(selection) FROM survivors WHERE id = ?"), arguments: [id])
      .map(SurvivorRow.init)
  }

  static func fetchAll(_ db: StoreDatabase, team: Int64) throws -> [SurvivorRow] {
    try cursor(db, team: team).all()
  }

  /// A team's survivors in id order, one row at a time (a whole caseload need not fit in memory).
  static func cursor(_ db: StoreDatabase, team: Int64) throws -> MappedStoreCursor<SurvivorRow> {
    try StoreRow.fetchCursor(
      db.cachedStatement(sql: "SELECT \(selection) FROM survivors WHERE team_id = ? ORDER BY id"), arguments: [team]
    ).map(SurvivorRow.init)
  }

  /// Writes (or overwrites) the given envelopes. Column names come from `SurvivorField`, never input.
  static func update(_ db: StoreDatabase, id: Int64, envelopes: [SurvivorField: [UInt8]?]) throws {
    guard !envelopes.isEmpty else { return }
    let fields = Array(envelopes.keys)
    let assignments = fields.map { "\($0.rawValue) = ?" }.joined(separator: ", ")
    var arguments: [(any StoreValueConvertible)?] = fields.map { field in envelopes[field]!.map { Data($0) } }
    arguments.append(Timestamp.now())
    arguments.append(id)
    try db.execute(
      sql: "UPDATE survivors SET \(assignments), updated_at = ? WHERE id = ?", arguments: StoreArguments(arguments))
  }
}
