import Foundation
import HavenCrypto
import HavenStore

/// Carries out pending key work that only a key holder can do, so admins never need to hold the
/// keys they manage (SECURITY.md, "Who can grant what"):
/// - a team with no key yet, or a rotation due after a member left, gets a new key version,
///   announced in the signed directory with its commitment and sealed to every current member
///   and the recovery key;
/// - a member missing a version the holder has is given it;
/// - a `reporting` user missing the statistics key, any user missing the audit (pseudonym) key, or
///   an auditor or admin missing the audit reason key, is given it.
/// Who is a member, who is reporting and where the recovery key is come from the signed
/// directory, never from the rows (which anyone with the file can edit). Every grant is signed by
/// its holder. Runs inside the caller's transaction, and audits each delivery there.
struct KeyDuties {
  enum TeamScope {
    /// Teams the given user belongs to (an unlocked member doing duties at unlock).
    case memberOf(Int64)
    /// Every team (the recovery key).
    case allTeams
    /// No team: role keys only (auditors and reporting users, or an admin delivering the audit key).
    case noTeams
  }

  /// The directory as of the start of the duties; extended by the entries the duties append.
  var directory: DirectoryState
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
  mutating func perform(_ db: StoreDatabase) throws -> Int {
    var actions = 0
    for teamID in teamIDs() {
      actions += try performTeamDuties(db, teamID: teamID)
    }
    actions += try deliverRoleKey(db, kind: .statistics, to: { $0.role == .reporting }, as: BoxSecretKeyPurpose.self)
    actions += try deliverRoleKey(db, kind: .audit, to: { _ in true }, as: AuditKeyPurpose.self)
    actions += try deliverRoleKey(
      db, kind: .auditReason, to: { [.admin, .auditor].contains($0.role) }, as: BoxSecretKeyPurpose.self)
    return actions
  }

  private func teamIDs() -> [Int64] {
    switch scope {
    case .allTeams: directory.teams.keys.sorted()
    case .noTeams: []
    case .memberOf(let userID): directory.teams.filter { $0.value.members.contains(userID) }.keys.sorted()
    }
  }

  private mutating func performTeamDuties(_ db: StoreDatabase, teamID: Int64) throws -> Int {
    guard let team = directory.teams[teamID], !team.members.isEmpty else { return 0 }
    // Members, and users whose role may break glass (they hold every team's key; SECURITY.md).
    let members = team.members.sorted() + directory.breakGlassHolderIDs.filter { !team.members.contains($0) }
    var actions = 0
    var currentVersion = team.keyVersion
    if currentVersion == 0 || team.rotationDue {
      if dryRun { throw Pending() }
      currentVersion += 1
      let key = try TeamKey.random()
      let commitment = KeyGrant.commitment(
        to: key, vaultID: directory.vaultID, kind: .team, teamID: teamID, version: currentVersion)
      // A member re-indexes the team under the new version in this transaction; the recovery
      // key cannot read survivors' fields, so after its rotation the index stays where it was.
      let member = holder as? UserKeyHolder
      let indexVersion = currentVersion == 1 || member != nil ? currentVersion : max(team.indexVersion, 1)
      try DirectoryLog.append(
        db, vaultID: directory.vaultID,
        event: .teamKey(
          TeamKeyVersion(teamID: teamID, version: currentVersion, commitment: commitment, indexVersion: indexVersion)),
        author: holder.authorID, sign: holder.sign)
      directory = try DirectoryLog.extend(directory, db)
      for recipient in members { try grant(db, key, kind: .team, teamID: teamID, version: currentVersion, to: recipient) }
      try grant(db, key, kind: .team, teamID: teamID, version: currentVersion, to: nil)
      try db.execute(
        sql: "UPDATE teams SET current_key_version = ?, rotation_due = 0 WHERE id = ?", arguments: [currentVersion, teamID])
      if let member, currentVersion > 1 { try member.session.reindexTeam(db, teamID: teamID, version: currentVersion) }
      try audit.append(
        db, actor: actorID, action: currentVersion == 1 ? .keyGenerate : .keyRotate, target: "team:\(team.name)",
        detail: "version \(currentVersion) sealed to \(members.count) member(s) and the recovery key")
      actions += 1
    }
    guard currentVersion >= 1 else { return actions }
    for version in 1...currentVersion {
      let lacking = try members.filter { member in
        try !KeyGrantStore.exists(db, kind: .team, teamID: teamID, version: version, recipient: member)
      }
      guard !lacking.isEmpty,
        let key = try holder.heldKey(
          db, directory: directory, kind: .team, teamID: teamID, version: version, as: TeamKeyPurpose.self)
      else { continue }
      for recipient in lacking {
        try grant(db, key, kind: .team, teamID: teamID, version: version, to: recipient)
        try audit.append(
          db, actor: actorID, action: .keyDeliver, target: "team:\(team.name)",
          detail: "version \(version) to user \(userName(recipient))")
        actions += 1
      }
    }
    return actions
  }

  private func deliverRoleKey<P: KeyPurpose>(
    _ db: StoreDatabase, kind: GrantedKeyKind, to entitled: (DirectoryUser) -> Bool, as type: P.Type
  ) throws -> Int {
    // One query for who holds it (this runs at every unlock), not one per user.
    let holders = try KeyGrantStore.recipients(db, kind: kind, teamID: nil, version: 1)
    let lacking = directory.users.keys.sorted().filter { id in
      guard let user = directory.activeUser(id), entitled(user) else { return false }
      return !holders.contains(id)
    }
    guard !lacking.isEmpty,
      let key = try holder.heldKey(db, directory: directory, kind: kind, teamID: nil, version: 1, as: type)
    else { return 0 }
    for recipient in lacking {
      try grant(db, key, kind: kind, teamID: nil, version: 1, to: recipient)
      try audit.append(
        db, actor: actorID, action: .keyDeliver, target: "key:\(kind.rawValue)", detail: "to user \(userName(recipient))")
    }
    return lacking.count
  }

  private func grant<P: KeyPurpose>(
    _ db: StoreDatabase, _ key: borrowing SecretKey<P>, kind: GrantedKeyKind, teamID: Int64?, version: Int64, to recipient: Int64?
  ) throws {
    let publicKey: BoxPublicKey
    if let recipient {
      guard let user = directory.activeUser(recipient) else { return }
      publicKey = user.box
    } else {
      guard let recovery = directory.recovery else { return }
      publicKey = recovery
    }
    if dryRun { throw Pending() }
    let stored = try holder.makeGrant(
      key, directory: directory, kind: kind, teamID: teamID, version: version, to: publicKey)
    try KeyGrantStore.insert(db, kind: kind, teamID: teamID, version: version, recipient: recipient, grant: stored)
  }

  private func userName(_ id: Int64) -> String { directory.users[id]?.name ?? "#\(id)" }
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
          directory: try directory(db), holder: UserKeyHolder(self), actorID: user.id, scope: scope, audit: AuditWriter())
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
      var duties = KeyDuties(
        directory: try directory(db), holder: UserKeyHolder(self), actorID: user.id, scope: scope, audit: auditWriter)
      return try duties.perform(db)
    }
  }

  /// This member's team key duties, in the caller's transaction (a write that needs a team's
  /// first or rotated key now).
  func performTeamKeyDuties(_ db: StoreDatabase) throws {
    var duties = KeyDuties(
      directory: try directory(db), holder: UserKeyHolder(self), actorID: user.id, scope: .memberOf(user.id),
      audit: auditWriter)
    try duties.perform(db)
  }

  /// New records go under the version the signed directory says is current: a `teams` row set
  /// back to an older version (one a removed member holds) is refused.
  func checkCurrentVersion(_ db: StoreDatabase, _ team: TeamRecord) throws {
    let signed = try directory(db).teams[team.id]
    guard signed?.keyVersion == team.currentKeyVersion, signed?.rotationDue == team.rotationDue else {
      throw VaultError.databaseDamaged(
        "team '\(team.name)' key version differs from the signed directory: it was edited outside haven and is not acted on")
    }
  }

  /// Opens (and caches) this user's grant of one version of a team's key.
  func teamKey(_ db: StoreDatabase, team: TeamRecord, version: Int64) throws -> KeyCache<TeamKeyPurpose>.Entry {
    let cacheName = "\(team.id)/\(version)"
    if let entry = teamKeys.entry(cacheName) { return entry }
    guard
      let key = try UserKeyHolder(self).heldKey(
        db, directory: try directory(db), kind: .team, teamID: team.id, version: version, as: TeamKeyPurpose.self)
    else { throw VaultError.keyNotHeld(what: "team '\(team.name)' key version \(version)") }
    return teamKeys.store(cacheName, key)
  }
}
