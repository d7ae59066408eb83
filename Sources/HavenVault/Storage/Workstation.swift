import HavenStore

extension Vault {
  /// Sets up another workstation for a server vault: a new 0700 directory holding only the
  /// connection settings (naming the vault the server holds now) and an empty `keys/`, into
  /// which each of this workstation's users copies their own key file. Returns the opened vault,
  /// so the caller can show which vault (and root fingerprint) it attached to.
  public static func attach(at path: String, server: ServerStoreSettings) throws(VaultError) -> Vault {
    let directory = VaultDirectory(path: path)
    let database = try VaultStores.connect(server)
    let metadata: VaultMetadata
    do {
      let holdsVault = try database.read { db in try db.tableExists("vault_meta") }
      guard holdsVault, let found = try database.read(VaultMetadata.load) else {
        throw VaultError.notAVault(path: "the database \(server.settings.database) on \(server.settings.host)")
      }
      metadata = found
    } catch {
      throw VaultError.wrapping(error)
    }
    try directory.create()
    do {
      try directory.writeAtomically(
        Array(server.withVaultID(metadata.vaultID).encoded.utf8), to: directory.storeSettingsPath)
      return try Vault.open(at: directory.path)
    } catch {
      directory.removeNewVaultFiles()
      throw error
    }
  }

  /// Where this vault's records are kept, for `status` and the CLI's messages.
  public var storeDescription: String {
    switch database.kind {
    case .sqlite: "embedded SQLite file \(directory.databasePath)"
    case .postgres:
      if let server = database as? PostgresQueue {
        "PostgreSQL database \(server.settings.database) on \(server.settings.host) as \(server.settings.user) (sslmode=\(server.settings.sslMode))"
      } else {
        "PostgreSQL"
      }
    }
  }
}
