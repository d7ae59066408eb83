import Foundation
import HavenCrypto
import HavenStore

/// A vault opened but not unlocked: its directory, database and metadata. Nothing here can read
/// protected data; `unlock` turns a user's passphrase into a `VaultSession` that can.
public final class Vault: @unchecked Sendable {
  public let directory: VaultDirectory
  public let metadata: VaultMetadata
  let database: any StoreQueue

  private init(directory: VaultDirectory, metadata: VaultMetadata, database: any StoreQueue) {
    self.directory = directory
    self.metadata = metadata
    self.database = database
  }

  /// Opens an existing vault. Refuses a missing directory, a directory without a vault, and a
  /// vault written by a newer format, in that order, before changing anything.
  public static func open(at path: String) throws(VaultError) -> Vault {
    let directory = VaultDirectory(path: path)
    guard directory.exists else { throw .noVault(path: directory.path) }
    let (database, server) = try VaultStores.open(directory)
    do {
      let version = try database.read { db in
        guard let version = try VaultMetadata.storedFormatVersion(db) else { throw VaultError.notAVault(path: directory.path) }
        return version
      }
      let migrations = VaultStores.migrations(for: database.kind)
      if try version > VaultFormat.currentVersion || database.hasUnknownMigrations(migrations) {
        throw VaultError.newerFormat(found: version, supported: VaultFormat.currentVersion)
      }
      try VaultStores.migrate(database)
      guard let metadata = try database.read(VaultMetadata.load) else { throw VaultError.notAVault(path: directory.path) }
      if let server, server.vaultID != metadata.vaultID {
        throw VaultError.storeMismatch(
          "\(directory.storeSettingsPath) names vault \(Hex.encode(server.vaultID)) but the server's database holds vault "
            + "\(Hex.encode(metadata.vaultID)): the settings point at another vault's database; nothing was read or changed")
      }
      return Vault(directory: directory, metadata: metadata, database: database)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Creates a vault with its first admin, and returns the recovery key, which is never stored
  /// in the vault in a form that opens anything: the caller must show it once for offline custody.
  public static func create(
    at path: String, admin adminName: String, passphrase: borrowing Passphrase, kdfLevel: KDFLevel, name: String? = nil,
    server: ServerStoreSettings? = nil, schemaOwner: ServerStoreSettings? = nil
  ) throws(VaultError) -> CreatedVault {
    try Names.validate(adminName, kind: "user")
    do { try passphrase.checkStrengthForNewKeyFile() } catch { throw .unusablePassphrase(Vault.reason(error)) }
    let directory = VaultDirectory(path: path)
    try directory.create()
    do {
      let database: any StoreQueue
      if let server {
        if let schemaOwner { try Self.createServerSchema(as: schemaOwner, for: server) }
        database = try VaultStores.connect(server)
        try Self.requireEmptyServer(database, server: server)
      } else {
        database = try VaultDatabase.open(at: directory.databasePath, configureJournal: true)
      }
      try VaultStores.migrate(database)
      let vaultID = Random.bytes(16)
      let recovery = try RecoveryKey.generate()
      let statistics = try BoxKeyPair.generate()
      let auditKey = try AuditKey.random()
      let auditReason = try BoxKeyPair.generate()
      let adminKeys = try UserKeyPairs.generate()
      let keyFile = try KeyFile.seal(
        identity: adminKeys, passphrase: passphrase, level: kdfLevel, vaultID: vaultID, userName: adminName)
      let vaultName = name ?? ((directory.path as NSString).lastPathComponent)
      let recoveryPublic = recovery.publicKey
      let recoverySigning = try recovery.signingKeyPair()
      try directory.writeAtomically(keyFile.encoded, to: directory.keyFilePath(user: adminName))
      try database.write { db in
        let now = Timestamp.now()
        try db.execute(
          sql: """
            INSERT INTO vault_meta (singleton, vault_id, format_version, name, kdf_level, created_at,
              recovery_public_key, statistics_public_key) VALUES (1, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            Data(vaultID), VaultFormat.currentVersion, vaultName, kdfLevel.rawValue, now, Data(recoveryPublic.bytes),
            Data(statistics.publicKey.bytes),
          ])
        let storedAdminID = try Int64.fetchOne(
          db,
          sql: """
            INSERT INTO users (name, role, box_public_key, signing_public_key, key_file_digest, created_at)
            VALUES (?, 'admin', ?, ?, ?, ?) RETURNING id
            """,
          arguments: [
            adminName, Data(adminKeys.box.publicKey.bytes), Data(adminKeys.signing.publicKey.bytes), Data(keyFile.digest), now,
          ])
        guard let adminID = storedAdminID else { throw VaultError.storageFailure("the first admin was not stored") }
        let admin = DirectoryUser(
          id: adminID, name: adminName, role: .admin, box: adminKeys.box.publicKey, signing: adminKeys.signing.publicKey)
        try DirectoryLog.append(
          db, vaultID: vaultID,
          event: .genesis(
            DirectoryGenesis(
              admin: admin, recovery: recoveryPublic, recoverySigning: recoverySigning.publicKey,
              statistics: statistics.publicKey,
              statisticsCommitment: KeyGrant.commitment(
                to: statistics.secretKey, vaultID: vaultID, kind: .statistics, teamID: nil, version: 1),
              auditCommitment: KeyGrant.commitment(to: auditKey, vaultID: vaultID, kind: .audit, teamID: nil, version: 1),
              auditReason: auditReason.publicKey,
              auditReasonCommitment: KeyGrant.commitment(
                to: auditReason.secretKey, vaultID: vaultID, kind: .auditReason, teamID: nil, version: 1))),
          author: adminID, sign: { adminKeys.signing.sign($0) })
        let genesis = try DirectoryLog.load(db, vaultID: vaultID)
        func grant<P: KeyPurpose>(_ key: borrowing SecretKey<P>, kind: GrantedKeyKind, to recipient: Int64?) throws {
          let publicKey = recipient == nil ? recoveryPublic : adminKeys.box.publicKey
          let sealed = try KeyGrant.seal(
            key, context: KeyGrant.context(vaultID: vaultID, kind: kind, teamID: nil, version: 1, recipient: publicKey),
            to: publicKey)
          let body = KeyGrant.signatureBody(
            vaultID: vaultID, kind: kind, teamID: nil, version: 1, recipient: publicKey, sealed: sealed, granter: adminID,
            directoryLength: genesis.length)
          try KeyGrantStore.insert(
            db, kind: kind, teamID: nil, version: 1, recipient: recipient,
            grant: StoredGrant(
              sealed: sealed, granter: adminID, directoryLength: genesis.length, signature: adminKeys.signing.sign(body)))
        }
        try grant(statistics.secretKey, kind: .statistics, to: nil)
        try grant(auditKey, kind: .audit, to: nil)
        try grant(auditKey, kind: .audit, to: adminID)
        try grant(auditReason.secretKey, kind: .auditReason, to: nil)
        try grant(auditReason.secretKey, kind: .auditReason, to: adminID)
        let writer = AuditWriter()
        try writer.append(
          db, actor: adminID, action: .vaultCreate, target: "vault:\(vaultName)", detail: "kdf=\(kdfLevel.rawValue)")
        guard let metadata = try VaultMetadata.load(db) else { throw VaultError.storageFailure("vault metadata was not written") }
        try AuditLog.checkpoint(
          db, metadata: metadata, signer: adminKeys.signing, signerName: adminName, signerID: adminID,
          frontier: try writer.finish(db))
      }
      if let server {
        try directory.writeAtomically(Array(server.withVaultID(vaultID).encoded.utf8), to: directory.storeSettingsPath)
      }
      let vault = try Vault.open(at: directory.path)
      return CreatedVault(vault: vault, recoveryKey: recovery)
    } catch {
      directory.removeNewVaultFiles()
      throw VaultError.wrapping(error)
    }
  }

  /// Creates the server schema as its owner and grants the workstations' role (the user of
  /// `server`) what a vault needs and no more (`PostgresRoles`).
  static func createServerSchema(as owner: ServerStoreSettings, for server: ServerStoreSettings) throws(VaultError) {
    let database = try VaultStores.connect(owner)
    try requireEmptyServer(database, server: owner)
    try VaultStores.migrate(database)
    guard owner.settings.user != server.settings.user else { return }
    do {
      try database.write { db in try PostgresRoles.grantApplication(server.settings.user, db) }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// A new server vault needs a database with no vault in it (an empty database, or one whose
  /// schema was created but whose vault was never written).
  static func requireEmptyServer(_ database: any StoreQueue, server: ServerStoreSettings) throws(VaultError) {
    do {
      let holdsVault = try database.read { db in
        guard try db.tableExists("vault_meta") else { return try db.tableExists("haven_migrations") }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM vault_meta") ?? 0 > 0
      }
      if holdsVault {
        throw VaultError.vaultAlreadyExists(path: "the database \(server.settings.database) on \(server.settings.host)")
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Unlocks a user's keys with their passphrase. Every failure is audited before it is reported.
  public func unlock(
    user name: String, passphrase: borrowing Passphrase, pins: RootPins? = nil
  ) throws(VaultError) -> VaultSession {
    let user: UserRecord
    do {
      guard let found = try database.read({ db in try UserRecord.active(named: name, db) }) else {
        // The attempted name is not logged: people sometimes type a passphrase into the name field.
        try recordFailedUnlock(actor: nil, detail: "unknown user")
        throw VaultError.unknownUser(name)
      }
      user = found
    } catch {
      throw VaultError.wrapping(error)
    }
    let path = directory.keyFilePath(user: user.name)
    do {
      guard let bytes = directory.read(path) else { throw VaultError.keyFileMissing(user: user.name, path: path) }
      let file = try KeyFile.decode(bytes, user: user.name)
      guard file.vaultID == metadata.vaultID, file.userName == user.name, file.boxPublicKey == user.boxPublicKey,
        file.signingPublicKey == user.signingPublicKey
      else { throw VaultError.keyFileFromAnotherVault(user: user.name) }
      guard KeyFile.digest(of: bytes) == user.keyFileDigest else {
        throw VaultError.keyFileDamaged(user: user.name, reason: "it does not match the digest recorded in the vault")
      }
      let keys = try file.open(passphrase: passphrase)
      if let pins { try database.read { db in try pins.checkRoot(db, vaultID: metadata.vaultID) } }
      let session = try VaultSession.verifyingDirectory(
        vault: self, user: user, keys: keys, verifiedUpTo: pins?.verifiedPrefix(vaultID: metadata.vaultID))
      if let pins, let root = VaultRoot.of(session.unlockedDirectory, metadata: metadata) {
        try pins.check(session.unlockedDirectory, root: root)
      }
      try session.performKeyDuties()
      return session
    } catch {
      let failure = VaultError.wrapping(error)
      if failure != .busy {
        try? recordFailedUnlock(actor: user.id, detail: Vault.unlockFailureDetail(failure))
      }
      throw failure
    }
  }

  private func recordFailedUnlock(actor: Int64?, detail: String) throws {
    try database.write { db in try AuditLog.append(db, actor: actor, action: .unlock, outcome: .failed, detail: detail) }
  }

  private static func unlockFailureDetail(_ error: VaultError) -> String {
    switch error {
    case .wrongPassphrase: "wrong passphrase"
    case .keyFileMissing: "key file missing"
    case .keyFileDamaged: "key file damaged"
    case .keyFileFromAnotherVault: "key file from another vault"
    default: "unlock failed"
    }
  }

  static func reason(_ error: CryptoError) -> String {
    if case .unusablePassphrase(let reason) = error { return reason }
    return "\(error)"
  }
}

/// A newly created vault and its recovery key, which the caller must hand over once.
public struct CreatedVault: ~Copyable {
  public let vault: Vault
  public let recoveryKey: RecoveryKey
}
