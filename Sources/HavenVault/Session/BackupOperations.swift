import Foundation
import HavenCrypto
import HavenStore

#if canImport(Glibc)
  import Glibc
#endif

/// A consistent copy of the whole vault, with the key of the generation it will be sealed
/// under. The database copy comes from `VACUUM INTO` (one read transaction: every write committed
/// before it began, none after) and stays on disk, beside the backup being written, until the
/// snapshot is released; key files are small and checked against the copy's digests.
public struct VaultSnapshot: ~Copyable {
  public let generation: BackupGenerationID
  public let key: SecretKey<BackupGenerationKeyPurpose>
  /// The database copy (0600), deleted when the snapshot is released.
  public let databasePath: String
  public let keyFiles: [(user: String, bytes: [UInt8])]
  /// The latest signed checkpoint inside the copy.
  public let checkpoint: String

  deinit { unlink(databasePath) }
}

/// One backup generation as the vault remembers it (its key is only in the keyring).
public struct BackupGeneration: Sendable, Equatable {
  public let id: BackupGenerationID
  public let createdAt: String
  public let createdBy: String
  public let fileSHA256: String
  public let destroyedAt: String?
}

extension VaultSession {
  /// Makes a generation key (stored in `keyring`, sealed to the recovery key) and a consistent
  /// copy of the vault (admins). `workDirectory` holds the copy briefly; put it on the same disk
  /// as the output. Nothing in the live vault changes; `recordBackup` audits the finished file.
  public func snapshotForBackup(keyring: BackupKeyring, workDirectory: String) throws(VaultError) -> VaultSnapshot {
    try authorize(.manageBackups, action: .backupCreate, target: "backup")
    let generation = try BackupGenerationID.random()
    let key: SecretKey<BackupGenerationKeyPurpose>
    do { key = try SecretKey.random() } catch { throw .storageFailure("no random bytes for a backup key") }
    let recovery: BoxPublicKey
    do { recovery = try signedRecoveryKey() } catch { throw VaultError.wrapping(error) }
    try keyring.store(key, generation: generation, vaultID: metadata.vaultID, recovery: recovery, createdAt: Timestamp.now())
    do {
      let copy = try consistentCopy(workDirectory: workDirectory)
      return VaultSnapshot(
        generation: generation, key: key, databasePath: copy.path, keyFiles: copy.keyFiles, checkpoint: copy.checkpoint)
    } catch {
      keyring.destroy(generation)
      throw error
    }
  }

  /// Audits a finished backup and remembers its generation, for expiry and for telling an
  /// erasure when it will be complete.
  public func recordBackup(_ generation: BackupGenerationID, fileSHA256: String) throws(VaultError) {
    try transaction { db in
      try db.execute(
        sql: "INSERT INTO backup_generations (id, created_at, created_by, file_sha256) VALUES (?, ?, ?, ?)",
        arguments: [Data(generation.bytes), Timestamp.now(), user.id, fileSHA256])
      try record(db, action: .backupCreate, target: "backup:\(generation)", detail: "sha256 \(fileSHA256)")
    }
  }

  /// Every generation, oldest first (admins): those this vault recorded, and with a keyring,
  /// also the keyring's entries for this vault that it did not record (made after the backup
  /// this vault was restored from).
  public func backupGenerations(keyring: BackupKeyring? = nil) throws(VaultError) -> [BackupGeneration] {
    try authorize(.manageBackups, action: .backupList, target: "backup")
    return try transaction { db in
      var generations = try liveAndPastGenerations(db)
      let known = Set(generations.map(\.id))
      for entry in keyring?.entries() ?? [] where entry.vaultID == metadata.vaultID && !known.contains(entry.generation) {
        generations.append(
          BackupGeneration(id: entry.generation, createdAt: entry.createdAt, createdBy: "?", fileSHA256: "", destroyedAt: nil))
      }
      generations.sort { $0.createdAt < $1.createdAt }
      try record(db, action: .backupList, target: "backup", detail: "\(generations.count) generation(s)")
      return generations
    }
  }

  /// Destroys the keyring entries of generations made before `cutoff` (admins): their backups
  /// become unreadable wherever they are. Returns the generations expired now.
  public func expireBackups(before cutoff: Date, keyring: BackupKeyring) throws(VaultError) -> [BackupGeneration] {
    try authorize(.manageBackups, action: .backupExpire, target: "backup")
    let limit = Timestamp.format(cutoff)
    return try transaction { db in
      try db.execute(
        sql: "INSERT INTO vault_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        arguments: [Self.expirySetting, String(max(0, Int(Date().timeIntervalSince(cutoff))))])
      var expired: [BackupGeneration] = []
      // The keyring knows every generation of this vault, including any made after this copy of
      // the vault was itself restored from a backup; the table knows who made them.
      let known = Dictionary(uniqueKeysWithValues: try liveAndPastGenerations(db).map { ($0.id, $0) })
      let due = keyring.entries().filter { $0.vaultID == metadata.vaultID && $0.createdAt <= limit }.map { entry in
        known[entry.generation]
          ?? BackupGeneration(id: entry.generation, createdAt: entry.createdAt, createdBy: "?", fileSHA256: "", destroyedAt: nil)
      }
      for generation in due {
        keyring.destroy(generation.id)
        guard !keyring.contains(generation.id) else {
          throw VaultError.cannotCreate(path: keyring.entryPath(generation.id), reason: "the key could not be deleted")
        }
        try db.execute(
          sql: "UPDATE backup_generations SET destroyed_at = ?, destroyed_by = ? WHERE id = ?",
          arguments: [Timestamp.now(), user.id, Data(generation.id.bytes)])
        try record(db, action: .backupExpire, target: "backup:\(generation.id)", detail: "made \(generation.createdAt)")
        expired.append(generation)
      }
      if expired.isEmpty { try record(db, action: .backupExpire, target: "backup", detail: "none made before \(limit)") }
      return expired
    }
  }

  /// Generations whose key still exists (backups that hold anything erased after they were
  /// made), and the expiry period last used, so an erasure can say when it will be complete.
  public func liveBackupGenerations() throws(VaultError) -> (generations: [BackupGeneration], expirySeconds: Int?) {
    do {
      return try vault.database.read { db in
        (
          try liveAndPastGenerations(db).filter { $0.destroyedAt == nil },
          try String.fetchOne(db, sql: "SELECT value FROM vault_settings WHERE name = ?", arguments: [Self.expirySetting])
            .flatMap(Int.init)
        )
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// The vault setting that remembers the last `--older-than` used, in seconds.
  static let expirySetting = "backup_expiry_seconds"

  private func liveAndPastGenerations(_ db: StoreDatabase) throws -> [BackupGeneration] {
    try StoreRow.fetchAll(
      db,
      sql: """
        SELECT g.*, u.name AS creator FROM backup_generations g JOIN users u ON u.id = g.created_by ORDER BY g.created_at
        """
    ).map {
      BackupGeneration(
        id: try BackupGenerationID(bytes: [UInt8]($0["id"] as Data)), createdAt: $0["created_at"], createdBy: $0["creator"],
        fileSHA256: $0["file_sha256"], destroyedAt: $0["destroyed_at"])
    }
  }

  /// A consistent copy of the database as one SQLite file: SQLite's `VACUUM INTO` for an
  /// embedded vault; for a server vault, every table read in one snapshot into a new file with
  /// the embedded schema (`StoreCopy`), so a backup has one format whichever store it came from.
  private func snapshot(into copyPath: String) throws {
    if vault.database.kind == .sqlite {
      try vault.database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copyPath]) }
      return
    }
    let copy = try VaultDatabase.open(at: copyPath, configureJournal: false)
    try copy.migrate(VaultMigrations.migrations)
    try StoreCopy.copy(from: vault.database, to: copy)
    try copy.close()
  }

  private func consistentCopy(
    workDirectory: String
  ) throws(VaultError) -> (path: String, keyFiles: [(user: String, bytes: [UInt8])], checkpoint: String) {
    let copyPath = workDirectory + "/.haven-snapshot-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
    var kept = false
    defer { if !kept { unlink(copyPath) } }
    // A key file can change (a passphrase change) between the copy and reading the file: retry.
    for _ in 0..<3 {
      unlink(copyPath)
      do {
        try snapshot(into: copyPath)
      } catch {
        throw VaultError.wrapping(error)
      }
      let copy: SQLiteQueue
      let users: [(String, [UInt8])]
      let checkpoint: String?
      do {
        copy = try VaultDatabase.openReadOnly(at: copyPath)
        (users, checkpoint) = try copy.read { db in
          (
            try StoreRow.fetchAll(db, sql: "SELECT name, key_file_digest FROM users WHERE removed_at IS NULL").map {
              ($0["name"] as String, [UInt8]($0["key_file_digest"] as Data))
            },
            try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
          )
        }
        try copy.close()
      } catch {
        throw VaultError.wrapping(error)
      }
      var keyFiles: [(user: String, bytes: [UInt8])] = []
      for (name, digest) in users {
        guard let bytes = vault.directory.read(vault.directory.keyFilePath(user: name)), KeyFile.digest(of: bytes) == digest
        else { keyFiles = []; break }
        keyFiles.append((name, bytes))
      }
      guard keyFiles.count == users.count else { continue }
      kept = true
      return (copyPath, keyFiles, checkpoint ?? "")
    }
    throw VaultError.busy
  }
}
