import CLibPQ
import Foundation

/// A server vault: one libpq connection per process. Writers on every workstation are serialised
/// by a transaction-scoped advisory lock taken first in each write transaction, so the audit
/// tree's right edge, the directory chain and the checkpoints are appended by one writer at a
/// time, as SQLite's write lock does for the embedded store; the wait for it is bounded
/// (`lock_timeout`), after which the operation fails as busy (exit 75) having changed nothing.
public final class PostgresQueue: StoreQueue, @unchecked Sendable {
  public let settings: PostgresSettings
  private let backend: PostgresBackend
  private let lock = NSLock()
  private let lockTimeoutMilliseconds: Int
  /// True when the server is a hot standby: reads work, every write is refused up front.
  public let isReadOnlyReplica: Bool

  /// The advisory lock every writer of a Haven database takes ("haven" and 1, as one bigint).
  public static let writerLockKey: Int64 = 0x6861_7665_6E00_0001

  public init(settings: PostgresSettings, busyTimeoutSeconds: Double) throws(StoreError) {
    self.settings = settings
    lockTimeoutMilliseconds = Int(busyTimeoutSeconds * 1000)
    let keywords = ["dbname", "application_name", "connect_timeout"]
    let values = [settings.uri, "haven", "10"]
    let connection = keywords.withCStrings { keywordPointers in
      values.withCStrings { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
    }
    guard let connection else { throw .connection("libpq could not allocate a connection") }
    guard PQstatus(connection) == CONNECTION_OK else {
      let message = PostgresErrors.connectionMessage(connection)
      PQfinish(connection)
      throw .connection("could not connect to the server \(settings.host): \(message)")
    }
    PQsetNoticeProcessor(connection, { _, _ in }, nil)
    backend = PostgresBackend(connection: connection)
    do {
      // Durability: a commit returns only once the server has flushed it.
      try backend.execute(sql: "SET synchronous_commit = on; SET client_encoding = 'UTF8'", arguments: [], cached: false)
      isReadOnlyReplica =
        try backend.cursor(sql: "SELECT pg_is_in_recovery()", arguments: [], cached: false).first()
        .flatMap { Bool.fromStoreValue($0.values[0]) } ?? false
    } catch let error as StoreError {
      PQfinish(connection)
      throw error
    } catch {
      PQfinish(connection)
      throw .connection("\(error)")
    }
  }

  deinit { PQfinish(backend.connection) }

  public var kind: StoreKind { .postgres }

  public func read<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writer: false, body)
  }

  public func write<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    if isReadOnlyReplica {
      throw StoreError.notPermitted("the server is a read-only replica: connect to the primary to write")
    }
    return try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", writer: true, body)
  }

  public func writeWithoutTransaction<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(StoreDatabase(backend: backend))
  }

  private func transaction<T>(_ begin: String, writer: Bool, _ body: (StoreDatabase) throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    try reconnectIfDropped()
    try backend.execute(sql: begin, arguments: [], cached: false)
    do {
      if writer {
        try backend.execute(sql: "SET LOCAL lock_timeout = \(lockTimeoutMilliseconds)", arguments: [], cached: false)
        try backend.execute(sql: "SELECT pg_advisory_xact_lock(\(Self.writerLockKey))", arguments: [], cached: false)
      }
      let value = try body(StoreDatabase(backend: backend))
      try backend.execute(sql: "COMMIT", arguments: [], cached: false)
      return value
    } catch {
      if PQstatus(backend.connection) == CONNECTION_OK {
        try? backend.execute(sql: "ROLLBACK", arguments: [], cached: false)
      }
      throw error
    }
  }

  /// A long-lived process (`haven shell`) whose connection dropped connects again before its
  /// next transaction; the one that was running when it dropped has already failed, uncommitted.
  private func reconnectIfDropped() throws(StoreError) {
    guard PQstatus(backend.connection) != CONNECTION_OK else { return }
    PQreset(backend.connection)
    backend.forgetPrepared()
    guard PQstatus(backend.connection) == CONNECTION_OK else {
      throw .connection(
        "could not reconnect to the server \(settings.host): \(PostgresErrors.connectionMessage(backend.connection))")
    }
    try? backend.execute(sql: "SET synchronous_commit = on; SET client_encoding = 'UTF8'", arguments: [], cached: false)
  }

  public func migrate(_ migrations: [StoreMigration]) throws {
    try write { db in
      if try !db.tableExists("haven_migrations") {
        try db.execute(
          sql: "CREATE TABLE haven_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
      }
      let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM haven_migrations"))
      for migration in migrations where !applied.contains(migration.identifier) {
        try migration.apply(db)
        try db.execute(sql: "INSERT INTO haven_migrations (identifier) VALUES (?)", arguments: [migration.identifier])
      }
    }
  }

  public func hasUnknownMigrations(_ migrations: [StoreMigration]) throws -> Bool {
    try read { db in
      guard try db.tableExists("haven_migrations") else { return false }
      let known = Set(migrations.map(\.identifier))
      return try String.fetchAll(db, sql: "SELECT identifier FROM haven_migrations").contains { !known.contains($0) }
    }
  }

  /// Migrations not yet applied (a worker's connection may not create tables; the owner applies them).
  public func pendingMigrations(_ migrations: [StoreMigration]) throws -> [String] {
    try read { db in
      guard try db.tableExists("haven_migrations") else { return migrations.map(\.identifier) }
      let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM haven_migrations"))
      return migrations.map(\.identifier).filter { !applied.contains($0) }
    }
  }
}

extension Array where Element == String {
  /// NUL-terminated copies of each string, as a C array, for one call.
  fileprivate func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
