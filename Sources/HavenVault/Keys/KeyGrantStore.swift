import Foundation
import HavenStore

/// A row of `key_grants` as read back: the sealed key and the proof of who granted it.
struct StoredGrant {
  let sealed: [UInt8]
  /// The granting user, or nil for the recovery key.
  let granter: Int64?
  let directoryLength: Int64?
  let signature: [UInt8]?
}

/// Rows of the `key_grants` table: one sealed key per (kind, team, version, recipient). A null
/// recipient is the vault's recovery key; a null granter is the recovery key too.
enum KeyGrantStore {
  static func insert(
    _ db: StoreDatabase, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?, grant: StoredGrant
  ) throws {
    try db.execute(
      sql: """
        INSERT INTO key_grants (key_kind, team_id, key_version, recipient_user_id, sealed_key, granted_by, granted_at,
          directory_length, granter_signature)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        kind.rawValue, teamID, version, recipient, Data(grant.sealed), grant.granter, Timestamp.now(), grant.directoryLength,
        grant.signature.map { Data($0) },
      ])
  }

  static func grant(
    _ db: StoreDatabase, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?
  ) throws -> StoredGrant? {
    try StoreRow.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT sealed_key, granted_by, directory_length, granter_signature FROM key_grants WHERE key_kind = ?
          AND coalesce(team_id, 0) = ? AND key_version = ? AND coalesce(recipient_user_id, 0) = ?
          """), arguments: [kind.rawValue, teamID ?? 0, version, recipient ?? 0]
    ).map {
      StoredGrant(
        sealed: [UInt8]($0["sealed_key"] as Data), granter: $0["granted_by"], directoryLength: $0["directory_length"],
        signature: ($0["granter_signature"] as Data?).map { [UInt8]($0) })
    }
  }

  static func exists(_ db: StoreDatabase, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?) throws -> Bool
  {
    try Bool.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT EXISTS (SELECT 1 FROM key_grants WHERE key_kind = ? AND coalesce(team_id, 0) = ? AND key_version = ?
          AND coalesce(recipient_user_id, 0) = ?)
          """), arguments: [kind.rawValue, teamID ?? 0, version, recipient ?? 0]) ?? false
  }

  /// The users holding a grant of one key (the recovery key's grant aside).
  static func recipients(_ db: StoreDatabase, kind: GrantedKeyKind, teamID: Int64?, version: Int64) throws -> Set<Int64> {
    Set(
      try Int64.fetchAll(
        db.cachedStatement(
          sql: """
            SELECT recipient_user_id FROM key_grants WHERE key_kind = ? AND coalesce(team_id, 0) = ? AND key_version = ?
            AND recipient_user_id IS NOT NULL
            """), arguments: [kind.rawValue, teamID ?? 0, version]))
  }

  /// Deletes a departing user's grants. They may have copied keys already (SECURITY.md); this
  /// keeps the vault from handing them out again and lets the team key rotate cleanly.
  static func deleteAll(_ db: StoreDatabase, recipient: Int64, teamID: Int64? = nil) throws {
    if let teamID {
      try db.execute(sql: "DELETE FROM key_grants WHERE recipient_user_id = ? AND team_id = ?", arguments: [recipient, teamID])
    } else {
      try db.execute(sql: "DELETE FROM key_grants WHERE recipient_user_id = ?", arguments: [recipient])
    }
  }
}
