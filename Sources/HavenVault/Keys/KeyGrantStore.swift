import Foundation
import GRDB

/// Rows of the `key_grants` table: one sealed key per (kind, team, version, recipient). A null
/// recipient is the vault's recovery key.
enum KeyGrantStore {
  static func insert(
    _ db: Database, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?, sealed: [UInt8], grantedBy: Int64?
  ) throws {
    try db.execute(
      sql: """
        INSERT INTO key_grants (key_kind, team_id, key_version, recipient_user_id, sealed_key, granted_by, granted_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [kind.rawValue, teamID, version, recipient, Data(sealed), grantedBy, Timestamp.now()])
  }

  static func sealed(_ db: Database, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?) throws -> [UInt8]? {
    try Data.fetchOne(
      db,
      sql: """
        SELECT sealed_key FROM key_grants WHERE key_kind = ? AND ifnull(team_id, 0) = ? AND key_version = ?
        AND ifnull(recipient_user_id, 0) = ?
        """, arguments: [kind.rawValue, teamID ?? 0, version, recipient ?? 0]
    ).map { [UInt8]($0) }
  }

  static func exists(_ db: Database, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?) throws -> Bool {
    try sealed(db, kind: kind, teamID: teamID, version: version, recipient: recipient) != nil
  }

  /// Deletes a departing user's grants. They may have copied keys already (SECURITY.md); this
  /// keeps the vault from handing them out again and lets the team key rotate cleanly.
  static func deleteAll(_ db: Database, recipient: Int64, teamID: Int64? = nil) throws {
    if let teamID {
      try db.execute(sql: "DELETE FROM key_grants WHERE recipient_user_id = ? AND team_id = ?", arguments: [recipient, teamID])
    } else {
      try db.execute(sql: "DELETE FROM key_grants WHERE recipient_user_id = ?", arguments: [recipient])
    }
  }
}
