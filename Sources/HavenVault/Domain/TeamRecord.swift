import HavenStore

/// A team as stored: its name, the key version new records are written under (0 until the first
/// member unlocks and generates one), and whether a member removal left a rotation due.
public struct TeamRecord: Sendable, Equatable {
  public let id: Int64
  public let name: String
  public let currentKeyVersion: Int64
  public let rotationDue: Bool

  init(row: StoreRow) {
    id = row["id"]
    name = row["name"]
    currentKeyVersion = row["current_key_version"]
    rotationDue = row["rotation_due"]
  }

  static func named(_ name: String, _ db: StoreDatabase) throws -> TeamRecord? {
    try StoreRow.fetchOne(db, sql: "SELECT * FROM teams WHERE name = ?", arguments: [name]).map(TeamRecord.init)
  }

  static func withID(_ id: Int64, _ db: StoreDatabase) throws -> TeamRecord? {
    try StoreRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM teams WHERE id = ?"), arguments: [id]).map(TeamRecord.init)
  }

  static func all(_ db: StoreDatabase) throws -> [TeamRecord] {
    try StoreRow.fetchAll(db, sql: "SELECT * FROM teams ORDER BY name").map(TeamRecord.init)
  }

  static func memberIDs(of teamID: Int64, _ db: StoreDatabase) throws -> [Int64] {
    try Int64.fetchAll(
      db,
      sql: """
        SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id
        WHERE m.team_id = ? AND u.removed_at IS NULL ORDER BY m.user_id
        """, arguments: [teamID])
  }
}
