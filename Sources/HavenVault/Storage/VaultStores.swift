import HavenStore

/// Opens a vault directory's store: the embedded SQLite file, or the PostgreSQL server its `store`
/// file names. The schema steps of each store live beside it (`VaultMigrations`,
/// `PostgresMigrations`); everything above this file is the same for both.
enum VaultStores {
  static func migrations(for kind: StoreKind) -> [StoreMigration] {
    switch kind {
    case .sqlite: VaultMigrations.migrations
    case .postgres: PostgresMigrations.migrations
    }
  }

  static func connect(_ server: ServerStoreSettings) throws(VaultError) -> PostgresQueue {
    do {
      return try PostgresQueue(settings: server.settings, busyTimeoutSeconds: VaultDatabase.busyTimeoutSeconds)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Opens the store of an existing vault, before its format is checked.
  static func open(_ directory: VaultDirectory) throws(VaultError) -> (any StoreQueue, ServerStoreSettings?) {
    if let server = try ServerStoreSettings.load(directory) {
      return (try connect(server), server)
    }
    return (try VaultDatabase.open(at: directory.databasePath, configureJournal: false), nil)
  }

  /// Opens a store only to read it (verification): SQLite read-only; a server's reads are
  /// read-only transactions.
  static func openForReading(_ directory: VaultDirectory) throws(VaultError) -> any StoreQueue {
    if let server = try ServerStoreSettings.load(directory) { return try connect(server) }
    return try VaultDatabase.openReadOnly(at: directory.databasePath)
  }

  /// Brings the store's schema up to date. On a server, only a role allowed to change the schema
  /// can apply a step; a workstation's application role finds none to apply once the owner has.
  static func migrate(_ database: any StoreQueue) throws(VaultError) {
    do {
      if let sqlite = database as? SQLiteQueue { try VaultDatabase.configureDurability(sqlite) }
      let migrations = migrations(for: database.kind)
      if let server = database as? PostgresQueue, try server.pendingMigrations(migrations).isEmpty { return }
      try database.migrate(migrations)
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}
