import Foundation
import GRDB
import HavenCrypto

/// Carries out pending key work that only a key holder can do, so admins never need to hold the
/// keys they manage (SECURITY.md, "Who can grant what"):
/// - a team with no key yet, or a rotation due after a member left, gets a new key version,
///   sealed to every current member and the recovery key;
/// - a member missing a version the holder has is given it;
/// - a `reporting` user missing the statistics key, or any user missing the audit key, is given it.
/// Runs inside the caller's transaction, and audits each delivery there.
struct KeyDuties {
  enum TeamScope {
    /// Teams the given user belongs to (an unlocked member doing duties at unlock).
    case memberOf(Int64)
    /// Every team (the recovery key).
    case allTeams
    /// No team: role keys only (auditors and reporting users, or an admin delivering the audit key).
    case noTeams
  }

  let metadata: VaultMetadata
  let holder: any KeyHolder
  let actorID: Int64
  let scope: TeamScope
  /// The writer of the caller's transaction.
  let audit: AuditWriter
  /// Only find out whether there is work: the first write it would make throws `Pending`
  /// instead, so the check can run in a read transaction that does not wait for writers.
  var dryRun = false

  struct Pending: Error {}

  /// Returns how many keys were generated or delivered.
  @discardableResult
  func perform(_ db: Database) throws -> Int {
    var actions = 0
    for team in try teams(db) {
      actions += try performTeamDuties(db, team: team)
    }
    actions += try deliverRoleKey(db, kind: .statistics, recipients: "role = 'reporting'", as: BoxSecretKeyPurpose.self)
    actions += try deliverRoleKey(db, kind: .audit, recipients: "1 = 1", as: AuditKeyPurpose.self)
    return actions
  }

  private func teams(_ db: Database) throws -> [TeamRecord] {
    switch scope {
    case .allTeams: return try TeamRecord.all(db)
    case .noTeams: return []
    case .memberOf(let userID):
      return try Row.fetchAll(
        db, sql: "SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = ? ORDER BY t.id",
        arguments: [userID]
      ).map(TeamRecord.init)
    }
  }

  private func performTeamDuties(_ db: Database, team: TeamRecord) throws -> Int {
    // Members, and users whose role may break glass (they hold every team's key; SECURITY.md).
    let memberIDs = try TeamRecord.memberIDs(of: team.id, db)
    guard !memberIDs.isEmpty else { return 0 }
    let members = memberIDs + (try BreakGlassPolicy.holderIDs(db)).filter { !memberIDs.contains($0) }
    var actions = 0
    var currentVersion = team.currentKeyVersion
    if currentVersion == 0 || team.rotationDue {
      currentVersion += 1
      let key = try TeamKey.random()
      for recipient in members { try grant(db, key, kind: .team, teamID: team.id, version: currentVersion, to: recipient) }
      try grant(db, key, kind: .team, teamID: team.id, version: currentVersion, to: nil)
      try db.execute(
        sql: "UPDATE teams SET current_key_version = ?, rotation_due = 0 WHERE id = ?", arguments: [currentVersion, team.id])
      try audit.append(
        db, actor: actorID, action: currentVersion == 1 ? .keyGenerate : .keyRotate, target: "team:\(team.name)",
        detail: "version \(currentVersion) sealed to \(members.count) member(s) and the recovery key")
      actions += 1
    }
    guard currentVersion >= 1 else { return actions }
    for version in 1...currentVersion {
      let lacking = try members.filter { member in
        try !KeyGrantStore.exists(db, kind: .team, teamID: team.id, version: version, recipient: member)
      }
      guard !lacking.isEmpty,
        let key = try holder.heldKey(
          db, vaultID: metadata.vaultID, kind: .team, teamID: team.id, version: version, as: TeamKeyPurpose.self)
      else { continue }
      for recipient in lacking {
        try grant(db, key, kind: .team, teamID: team.id, version: version, to: recipient)
        try audit.append(
          db, actor: actorID, action: .keyDeliver, target: "team:\(team.name)",
          detail: "version \(version) to user \(try userName(db, recipient))")
        actions += 1
      }
    }
    return actions
  }

  private func deliverRoleKey<P: KeyPurpose>(
    _ db: Database, kind: GrantedKeyKind, recipients filter: String, as type: P.Type
  ) throws -> Int {
    let lacking = try Int64.fetchAll(
      db,
      sql: """
        SELECT id FROM users u WHERE removed_at IS NULL AND \(filter) AND NOT EXISTS (
          SELECT 1 FROM key_grants g WHERE g.key_kind = ? AND g.key_version = 1 AND g.recipient_user_id = u.id)
        ORDER BY id
        """, arguments: [kind.rawValue])
    guard !lacking.isEmpty,
      let key = try holder.heldKey(db, vaultID: metadata.vaultID, kind: kind, teamID: nil, version: 1, as: type)
    else { return 0 }
    for recipient in lacking {
      try grant(db, key, kind: kind, teamID: nil, version: 1, to: recipient)
      try audit.append(
        db, actor: actorID, action: .keyDeliver, target: "key:\(kind.rawValue)", detail: "to user \(try userName(db, recipient))")
    }
    return lacking.count
  }

  private func grant<P: KeyPurpose>(
    _ db: Database, _ key: borrowing SecretKey<P>, kind: GrantedKeyKind, teamID: Int64?, version: Int64, to recipient: Int64?
  ) throws {
    let publicKey: BoxPublicKey
    if let recipient {
      guard let user = try UserRecord.active(id: recipient, db) else { return }
      publicKey = user.boxPublicKey
    } else {
      publicKey = metadata.recoveryPublicKey
    }
    if dryRun { throw Pending() }
    let context = KeyGrant.context(vaultID: metadata.vaultID, kind: kind, teamID: teamID, version: version, recipient: publicKey)
    let sealed = try KeyGrant.seal(key, context: context, to: publicKey)
    try KeyGrantStore.insert(
      db, kind: kind, teamID: teamID, version: version, recipient: recipient, sealed: sealed, grantedBy: actorID)
  }

  private func userName(_ db: Database, _ id: Int64) throws -> String {
    try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ?", arguments: [id]) ?? "#\(id)"
  }
}

extension VaultSession {
  /// Done at every unlock by admins and workers (team keys) and by every user (role keys), so
  /// pending deliveries complete as soon as any holder uses the vault.
  ///
  /// Almost always there is nothing to do, so the duties are first looked for in a read
  /// transaction, which does not wait for (or block) a long write such as an import; the write
  /// transaction is opened only when there is work.
  func performKeyDuties() throws(VaultError) {
    let scope: KeyDuties.TeamScope = user.role.mayJoinTeams ? .memberOf(user.id) : .noTeams
    do {
      try vault.database.read { db in
        var check = KeyDuties(
          metadata: metadata, holder: UserKeyHolder(self), actorID: user.id, scope: scope, audit: AuditWriter())
        check.dryRun = true
        _ = try check.perform(db)
      }
      return
    } catch is KeyDuties.Pending {
      // Work to do: fall through to the write transaction.
    } catch {
      throw VaultError.wrapping(error)
    }
    _ = try transaction { db in
      try KeyDuties(
        metadata: metadata, holder: UserKeyHolder(self), actorID: user.id,
        scope: user.role.mayJoinTeams ? .memberOf(user.id) : .noTeams, audit: auditWriter
      ).perform(db)
    }
  }

  /// Opens (and caches) this user's grant of one version of a team's key.
  func teamKey(_ db: Database, team: TeamRecord, version: Int64) throws -> KeyCache<TeamKeyPurpose>.Entry {
    let cacheName = "\(team.id)/\(version)"
    if let entry = teamKeys.entry(cacheName) { return entry }
    guard
      let key = try UserKeyHolder(self).heldKey(
        db, vaultID: metadata.vaultID, kind: .team, teamID: team.id, version: version, as: TeamKeyPurpose.self)
    else { throw VaultError.keyNotHeld(what: "team '\(team.name)' key version \(version)") }
    return teamKeys.store(cacheName, key)
  }
}
