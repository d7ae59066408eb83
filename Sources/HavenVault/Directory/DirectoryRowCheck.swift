import Foundation
import HavenCrypto
import HavenStore

/// The tables that copy the directory (`vault_meta`'s public keys, `users`, `teams`,
/// `team_members`, the break-glass setting) compared with the signed directory. A row that differs
/// was edited outside haven: it is named, and nothing is acted on.
enum DirectoryRowCheck {
  static func check(_ db: StoreDatabase, against state: DirectoryState) throws {
    func altered(_ what: String) -> VaultError {
      .databaseDamaged("\(what) differs from the signed directory: it was edited outside haven and is not acted on")
    }
    guard let meta = try StoreRow.fetchOne(db, sql: "SELECT recovery_public_key, statistics_public_key FROM vault_meta") else {
      throw VaultError.databaseDamaged("vault metadata is missing")
    }
    guard [UInt8](meta["recovery_public_key"] as Data) == state.recovery?.bytes else {
      throw altered("the vault's recovery public key")
    }
    guard [UInt8](meta["statistics_public_key"] as Data) == state.statistics?.bytes else {
      throw altered("the vault's statistics public key")
    }

    var seenUsers = Set<Int64>()
    for row in try StoreRow.fetchAll(
      db, sql: "SELECT id, name, role, box_public_key, signing_public_key, removed_at FROM users ORDER BY id")
    {
      let id: Int64 = row["id"]
      let name: String = row["name"]
      seenUsers.insert(id)
      guard let signed = state.users[id] else { throw altered("user '\(name)' (a row with no signed enrolment)") }
      guard signed.name == name, signed.role.rawValue == (row["role"] as String),
        signed.box.bytes == [UInt8](row["box_public_key"] as Data),
        signed.signing.bytes == [UInt8](row["signing_public_key"] as Data)
      else { throw altered("user '\(name)' (name, role or public keys)") }
      guard ((row["removed_at"] as String?) != nil) == state.removedUsers.contains(id) else {
        throw altered("whether user '\(name)' is removed")
      }
    }
    if let missing = state.users.keys.sorted().first(where: { !seenUsers.contains($0) }) {
      throw altered("user \(missing) (its row is missing)")
    }

    var seenTeams = Set<Int64>()
    for row in try StoreRow.fetchAll(db, sql: "SELECT id, name, current_key_version, rotation_due FROM teams ORDER BY id") {
      let id: Int64 = row["id"]
      let name: String = row["name"]
      seenTeams.insert(id)
      guard let signed = state.teams[id], signed.name == name else { throw altered("team '\(name)'") }
      guard signed.keyVersion == (row["current_key_version"] as Int64), signed.rotationDue == (row["rotation_due"] as Bool)
      else { throw altered("team '\(name)' key version or rotation") }
    }
    if let missing = state.teams.keys.sorted().first(where: { !seenTeams.contains($0) }) {
      throw altered("team \(missing) (its row is missing)")
    }

    var members: [Int64: Set<Int64>] = [:]
    for row in try StoreRow.fetchAll(db, sql: "SELECT team_id, user_id FROM team_members") {
      members[row["team_id"], default: []].insert(row["user_id"])
    }
    for (id, team) in state.teams where members[id, default: []] != team.members {
      throw altered("the membership of team '\(team.name)'")
    }
    if let stray = members.keys.first(where: { state.teams[$0] == nil }) { throw altered("membership of team \(stray)") }

    let breakGlass = try BreakGlassPolicy.roles(db)
    guard breakGlass == state.breakGlassRoles else { throw altered("the break-glass roles setting") }
  }
}
