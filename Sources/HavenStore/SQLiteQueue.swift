import Foundation
import GRDB

/// The embedded default: one SQLite file through GRDB, one connection per process. SQLite's own
/// write lock serialises writers across processes; the busy timeout bounds the wait.
public final class SQLiteQueue: StoreQueue, @unchecked Sendable {
  let queue: DatabaseQueue
  public let path: String

  /// Opens the file with foreign keys, a busy timeout, and `prepare` run on the connection first
  /// (the vault's PRAGMAs).
  public init(path: String, busyTimeoutSeconds: Double, readonly: Bool = false, prepare: [String] = []) throws {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(busyTimeoutSeconds)
    configuration.readonly = readonly
    configuration.label = "haven.vault"
    let statements = prepare
    configuration.prepareDatabase { db in
      for sql in statements { try db.execute(sql: sql) }
    }
    self.path = path
    queue = try SQLiteErrors.mapping { try DatabaseQueue(path: path, configuration: configuration) }
  }

  public var kind: StoreKind { .sqlite }

  public func read<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    try SQLiteErrors.mapping { try queue.read { db in try body(StoreDatabase(backend: SQLiteBackend(db))) } }
  }

  public func write<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    try SQLiteErrors.mapping { try queue.write { db in try body(StoreDatabase(backend: SQLiteBackend(db))) } }
  }

  public func writeWithoutTransaction<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    try SQLiteErrors.mapping {
      try queue.writeWithoutTransaction { db in try body(StoreDatabase(backend: SQLiteBackend(db))) }
    }
  }

  public func migrate(_ migrations: [StoreMigration]) throws {
    try SQLiteErrors.mapping { try Self.migrator(migrations).migrate(queue) }
  }

  public func hasUnknownMigrations(_ migrations: [StoreMigration]) throws -> Bool {
    try SQLiteErrors.mapping { try queue.read { db in try Self.migrator(migrations).hasBeenSuperseded(db) } }
  }

  /// GRDB's migrator, so vaults made before the seam keep their migration table as it was.
  private static func migrator(_ migrations: [StoreMigration]) -> DatabaseMigrator {
    var migrator = DatabaseMigrator()
    for migration in migrations {
      migrator.registerMigration(migration.identifier) { db in
        try migration.apply(StoreDatabase(backend: SQLiteBackend(db)))
      }
    }
    return migrator
  }

  /// Closes the file (a backup's copy is closed before it is sealed and removed).
  public func close() throws { try SQLiteErrors.mapping { try queue.close() } }
}
