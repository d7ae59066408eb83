import Foundation
import HavenCrypto
import HavenStore

/// The one-time re-anchoring of a vault upgraded from format 5: an admin signs the directory as
/// the tables hold it, vouches for the grants that exist, and the audit log records that history
/// before this point is taken as found, not proved (SECURITY.md, "Upgrading from format 5").
enum DirectoryAnchor {
  static func write(_ db: StoreDatabase, session: VaultSession) throws {
    let vaultID = session.metadata.vaultID
    let users = try StoreRow.fetchAll(
      db, sql: "SELECT id, name, role, box_public_key, signing_public_key, removed_at FROM users ORDER BY id")
    var directoryUsers: [DirectoryUser] = []
    var removed: [Int64] = []
    for row in users {
      guard let role = Role(rawValue: row["role"]) else { throw VaultError.databaseDamaged("unknown role in users table") }
      directoryUsers.append(
        DirectoryUser(
          id: row["id"], name: row["name"], role: role, box: try BoxPublicKey(bytes: [UInt8](row["box_public_key"] as Data)),
          signing: try SigningPublicKey(bytes: [UInt8](row["signing_public_key"] as Data))))
      if (row["removed_at"] as String?) != nil { removed.append(row["id"]) }
    }
    let retired = try StoreRow.fetchAll(
      db, sql: "SELECT user_id, signing_public_key FROM retired_signing_keys ORDER BY \(db.dialect.insertionOrder)"
    )
    .map {
      (userID: $0["user_id"] as Int64, key: try SigningPublicKey(bytes: [UInt8]($0["signing_public_key"] as Data)))
    }
    let teams = try TeamRecord.all(db).sorted { $0.id < $1.id }.map { team in
      DirectorySnapshot.Team(
        id: team.id, name: team.name, keyVersion: team.currentKeyVersion, rotationDue: team.rotationDue,
        members: try Int64.fetchAll(
          db, sql: "SELECT user_id FROM team_members WHERE team_id = ? ORDER BY user_id", arguments: [team.id]))
    }
    let auditCommitment: [UInt8]? = try {
      guard let grant = try KeyGrantStore.grant(db, kind: .audit, teamID: nil, version: 1, recipient: session.user.id) else {
        return nil
      }
      let context = KeyGrant.context(
        vaultID: vaultID, kind: .audit, teamID: nil, version: 1, recipient: session.keys.box.publicKey)
      let key = try KeyGrant.open(grant.sealed, context: context, with: session.keys.box, as: AuditKeyPurpose.self)
      return KeyGrant.commitment(to: key, vaultID: vaultID, kind: .audit, teamID: nil, version: 1)
    }()
    let auditSize = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM audit_entries") ?? 0
    // Format 5 had no separate key for reasons: one is made now, sealed to the recovery key and
    // to every admin and auditor (the grants are vouched for below with the others).
    let auditReason = try BoxKeyPair.generate()
    let reasonRecipients: [(Int64?, BoxPublicKey)] =
      [(nil, session.metadata.recoveryPublicKey)]
      + directoryUsers.filter { [.admin, .auditor].contains($0.role) && !removed.contains($0.id) }.map { ($0.id, $0.box) }
    for (recipient, publicKey) in reasonRecipients {
      let sealed = try KeyGrant.seal(
        auditReason.secretKey,
        context: KeyGrant.context(vaultID: vaultID, kind: .auditReason, teamID: nil, version: 1, recipient: publicKey),
        to: publicKey)
      try KeyGrantStore.insert(
        db, kind: .auditReason, teamID: nil, version: 1, recipient: recipient,
        grant: StoredGrant(sealed: sealed, granter: session.user.id, directoryLength: nil, signature: nil))
    }
    let snapshot = DirectorySnapshot(
      users: directoryUsers, removedUserIDs: removed, retiredSigningKeys: retired, teams: teams,
      breakGlassRoles: try BreakGlassPolicy.roles(db).sorted { $0.rawValue < $1.rawValue },
      recovery: session.metadata.recoveryPublicKey, statistics: session.metadata.statisticsPublicKey,
      auditCommitment: auditCommitment, auditReason: auditReason.publicKey,
      auditReasonCommitment: KeyGrant.commitment(
        to: auditReason.secretKey, vaultID: vaultID, kind: .auditReason, teamID: nil, version: 1),
      auditSize: auditSize)
    try session.appendDirectory(db, .anchor(snapshot))
    session.unlockedDirectory = try DirectoryLog.load(db, vaultID: vaultID)

    // Vouch for every grant as found: signed by this admin under directory length 1.
    let byID = Dictionary(uniqueKeysWithValues: directoryUsers.map { ($0.id, $0) })
    for row in try StoreRow.fetchAll(
      db, sql: "SELECT id, key_kind, team_id, key_version, recipient_user_id, sealed_key FROM key_grants ORDER BY id")
    {
      guard let kind = GrantedKeyKind(rawValue: row["key_kind"]) else { continue }
      let recipient: Int64? = row["recipient_user_id"]
      guard let recipientKey = recipient.map({ byID[$0]?.box }) ?? session.metadata.recoveryPublicKey else { continue }
      let body = KeyGrant.signatureBody(
        vaultID: vaultID, kind: kind, teamID: row["team_id"], version: row["key_version"], recipient: recipientKey,
        sealed: [UInt8](row["sealed_key"] as Data), granter: session.user.id, directoryLength: 1)
      try db.execute(
        sql: "UPDATE key_grants SET granted_by = ?, directory_length = 1, granter_signature = ? WHERE id = ?",
        arguments: [session.user.id, Data(session.keys.signing.sign(body)), row["id"] as Int64])
    }
    try session.record(
      db, action: .directoryAnchor, target: "vault",
      detail: "signed directory anchored at audit entry \(auditSize); history before it is taken as found, not proved")
  }
}
