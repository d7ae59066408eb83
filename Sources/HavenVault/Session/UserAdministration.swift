import Foundation
import HavenCrypto
import HavenStore

extension VaultSession {
  /// Adds a user with an initial passphrase that they should change with `haven user passwd`.
  /// The new user is given the audit key at once (the admin holds it); team keys follow when a
  /// member next unlocks, and the statistics key when a reporting user or the recovery key does.
  public func addUser(_ name: String, role: Role, passphrase: borrowing Passphrase) throws(VaultError) {
    try authorize(.manageUsers, action: .userAdd, target: "user:\(name)")
    try Names.validate(name, kind: "user")
    do { try passphrase.checkStrengthForNewKeyFile() } catch { throw .unusablePassphrase(Vault.reason(error)) }
    let exists = try transaction { db in
      try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?)", arguments: [name]) ?? false
    }
    guard !exists else { throw .alreadyExists(kind: "user", name: name) }
    let newKeys = try UserKeyPairs.generateForVault()
    let keyFile = try KeyFile.seal(
      identity: newKeys, passphrase: passphrase, level: metadata.kdfLevel, vaultID: metadata.vaultID, userName: name)
    let path = vault.directory.keyFilePath(user: name)
    try vault.directory.writeAtomically(keyFile.encoded, to: path)
    do {
      try transaction { db in
        let newID = try Int64.fetchOne(
          db,
          sql: """
            INSERT INTO users (name, role, box_public_key, signing_public_key, key_file_digest, created_at, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
          arguments: [
            name, role.rawValue, Data(newKeys.box.publicKey.bytes), Data(newKeys.signing.publicKey.bytes), Data(keyFile.digest),
            Timestamp.now(), user.id,
          ])
        guard let newID else { throw VaultError.storageFailure("the new user was not stored") }
        try appendDirectory(
          db,
          .userAdd(
            DirectoryUser(
              id: newID, name: name, role: role, box: newKeys.box.publicKey, signing: newKeys.signing.publicKey)))
        try record(db, action: .userAdd, target: "user:\(name)", detail: "role \(role.rawValue)")
        try performRoleKeyDuties(db)
      }
    } catch {
      vault.directory.remove(path)
      throw error
    }
  }

  /// Lists active users (names and roles are staff information, not case content).
  public func listUsers() throws(VaultError) -> [UserRecord] {
    try transaction { db in
      try record(db, action: .userList)
      return try UserRecord.allActive(db)
    }
  }

  /// Re-encrypts only this user's key file under a new passphrase; no other key changes.
  public func changePassphrase(to newPassphrase: borrowing Passphrase) throws(VaultError) {
    do { try newPassphrase.checkStrengthForNewKeyFile() } catch { throw .unusablePassphrase(Vault.reason(error)) }
    let keyFile = try KeyFile.seal(
      identity: keys, passphrase: newPassphrase, level: metadata.kdfLevel, vaultID: metadata.vaultID, userName: user.name)
    let path = vault.directory.keyFilePath(user: user.name)
    try transaction { db in
      try record(db, action: .userPassphraseChange, target: "user:\(user.name)")
      try db.execute(sql: "UPDATE users SET key_file_digest = ? WHERE id = ?", arguments: [Data(keyFile.digest), user.id])
      // Renamed inside the transaction: if the rename fails the audit entry rolls back with it.
      try vault.directory.writeAtomically(keyFile.encoded, to: path)
    }
  }

  /// Gives a user who lost their passphrase new key pairs and a new passphrase. Their old grants
  /// are deleted; `haven recovery deliver` (or any holder's next unlock) re-grants their keys.
  public func resetUserKeys(_ name: String, passphrase: borrowing Passphrase) throws(VaultError) {
    try authorize(.manageUsers, action: .userAdd, target: "user:\(name)")
    do { try passphrase.checkStrengthForNewKeyFile() } catch { throw .unusablePassphrase(Vault.reason(error)) }
    guard let target = try transaction({ db in try UserRecord.active(named: name, db) }) else {
      throw .notFound(kind: "user", name: name)
    }
    let newKeys = try UserKeyPairs.generateForVault()
    let keyFile = try KeyFile.seal(
      identity: newKeys, passphrase: passphrase, level: metadata.kdfLevel, vaultID: metadata.vaultID, userName: name)
    try transaction { db in
      // The old signing key stays verifiable: checkpoints it signed are still evidence.
      try db.execute(
        sql: "INSERT INTO retired_signing_keys (user_id, signing_public_key, retired_at) VALUES (?, ?, ?)",
        arguments: [target.id, Data(target.signingPublicKey.bytes), Timestamp.now()])
      try db.execute(
        sql: "UPDATE users SET box_public_key = ?, signing_public_key = ?, key_file_digest = ? WHERE id = ?",
        arguments: [Data(newKeys.box.publicKey.bytes), Data(newKeys.signing.publicKey.bytes), Data(keyFile.digest), target.id])
      try KeyGrantStore.deleteAll(db, recipient: target.id)
      try appendDirectory(db, .userKeys(userID: target.id, box: newKeys.box.publicKey, signing: newKeys.signing.publicKey))
      try record(
        db, action: .userPassphraseChange, target: "user:\(name)", detail: "keys reset by admin")
      try performRoleKeyDuties(db)
      try vault.directory.writeAtomically(keyFile.encoded, to: vault.directory.keyFilePath(user: name))
    }
  }

  /// Removes a user: their memberships end, every team they were in is marked for key rotation,
  /// their grants and key file are deleted. Their audit history stays.
  public func removeUser(_ name: String) throws(VaultError) {
    try authorize(.manageUsers, action: .userRemove, target: "user:\(name)")
    guard name != user.name else { throw .invalidArgument("you cannot remove yourself; ask another admin") }
    try transaction { db in
      guard let target = try UserRecord.active(named: name, db) else { throw VaultError.notFound(kind: "user", name: name) }
      if target.role == .admin {
        let admins = try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE role = 'admin' AND removed_at IS NULL") ?? 0
        guard admins > 1 else { throw VaultError.invalidArgument("'\(name)' is the last admin and cannot be removed") }
      }
      try db.execute(
        sql: "UPDATE teams SET rotation_due = 1 WHERE id IN (SELECT team_id FROM team_members WHERE user_id = ?)",
        arguments: [target.id])
      try db.execute(sql: "DELETE FROM team_members WHERE user_id = ?", arguments: [target.id])
      try KeyGrantStore.deleteAll(db, recipient: target.id)
      try db.execute(sql: "UPDATE users SET removed_at = ? WHERE id = ?", arguments: [Timestamp.now(), target.id])
      try appendDirectory(db, .userRemove(userID: target.id))
      try record(db, action: .userRemove, target: "user:\(name)")
    }
    vault.directory.remove(vault.directory.keyFilePath(user: name))
    try performKeyDuties()
  }

  /// Role keys (statistics, audit) this user can pass on at once, in the caller's transaction.
  func performRoleKeyDuties(_ db: StoreDatabase) throws {
    var duties = KeyDuties(
      directory: try directory(db), holder: UserKeyHolder(self), actorID: user.id, scope: .noTeams, audit: auditWriter)
    try duties.perform(db)
  }
}
