import Foundation
import HavenStore

#if canImport(Glibc)
  import Glibc
#endif

extension Vault {
  static func describe(_ server: ServerStoreSettings) -> String {
    "PostgreSQL database \(server.settings.database) on \(server.settings.host)"
  }

  /// Copies this vault into another store and points its directory there once the copy's audit
  /// log verifies with `expectedEntries` entries (nil: as many as the source's). A move to a
  /// server needs an empty database; a move back needs no SQLite file in the directory. On any
  /// failure the directory still points at the old store, which is unchanged.
  public func relocate(
    to server: ServerStoreSettings?, schemaOwner: ServerStoreSettings?, expectedEntries: Int? = nil
  ) throws(VaultError) -> StoreMigrationResult {
    let from = storeDescription
    let targetDescription: String
    let target: any StoreQueue
    if let server {
      guard database.kind == .sqlite else {
        throw VaultError.invalidArgument("this vault is already on a server; move it back with 'store migrate --to sqlite' first")
      }
      targetDescription = Self.describe(server)
      if let schemaOwner { try Vault.createServerSchema(as: schemaOwner, for: server) }
      let queue = try VaultStores.connect(server)
      try Vault.requireEmptyServer(queue, server: server)
      try VaultStores.migrate(queue)
      target = queue
    } else {
      guard database.kind == .postgres else { throw VaultError.invalidArgument("this vault is already in its SQLite file") }
      guard !FileManager.default.fileExists(atPath: directory.databasePath) else {
        throw VaultError.vaultAlreadyExists(path: directory.databasePath)
      }
      targetDescription = "embedded SQLite file \(directory.databasePath)"
      let queue = try VaultDatabase.open(at: directory.databasePath, configureJournal: true)
      try VaultStores.migrate(queue)
      target = queue
    }
    let rows: Int
    let sourceEntries: Int
    do {
      sourceEntries = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries") } ?? 0
      rows = try StoreCopy.copy(from: database, to: target)
    } catch {
      if server == nil { removeSQLiteFiles() }
      throw VaultError.wrapping(error)
    }
    let after = try AuditVerifier(database: target, metadata: metadata, directory: directory).verify()
    guard after.isIntact, after.entries == (expectedEntries ?? sourceEntries) else {
      if server == nil { removeSQLiteFiles() }
      throw VaultError.databaseDamaged(
        "the copy's audit log did not verify (\(after.problem ?? "\(after.entries) entries")): the vault stays where it was")
    }
    if let server {
      try directory.writeAtomically(Array(server.withVaultID(metadata.vaultID).encoded.utf8), to: directory.storeSettingsPath)
      removeSQLiteFiles()
    } else {
      directory.remove(directory.storeSettingsPath)
    }
    return StoreMigrationResult(rows: rows, auditEntries: after.entries, from: from, to: targetDescription)
  }

  private func removeSQLiteFiles() {
    for suffix in ["", "-wal", "-shm", "-journal"] { unlink(directory.databasePath + suffix) }
  }
}
