import Foundation
import HavenStore

#if canImport(Glibc)
  import Glibc
#endif

/// What `haven store migrate` did, for the CLI to report.
public struct StoreMigrationResult: Sendable {
  public let rows: Int
  public let auditEntries: Int
  public let from: String
  public let to: String
}

extension VaultSession {
  /// Moves this vault to another store (admins): an embedded vault to a PostgreSQL server
  /// (`server` given), or a server vault back into this directory's SQLite file (`server` nil).
  /// The audit log is verified before anything is copied, the move is audited in the source (so
  /// the entry travels with it), every table is copied in one snapshot into one transaction, the
  /// copy's log is verified, and only then does the directory point at the new store. The old
  /// SQLite file is deleted; a server database left behind is reported for its administrator to
  /// drop (a workstation's role may not).
  public func migrateStore(
    to server: ServerStoreSettings?, schemaOwner: ServerStoreSettings?
  ) throws(VaultError)
    -> StoreMigrationResult
  {
    try authorize(.moveStore, action: .storeMigrate, target: "store")
    let directory = vault.directory
    let before = try AuditVerifier(vaultPath: directory.path).verify()
    guard before.isIntact else {
      throw VaultError.databaseDamaged("the audit log does not verify, so the vault was not moved: \(before.problem ?? "")")
    }
    try transaction { db in
      try record(db, action: .storeMigrate, target: "store", detail: "to \(server.map { Vault.describe($0) } ?? "sqlite")")
    }
    return try vault.relocate(to: server, schemaOwner: schemaOwner, expectedEntries: before.entries + 1)
  }
}
