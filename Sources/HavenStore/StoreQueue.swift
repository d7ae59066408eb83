/// A store opened for the vault: serialised reads and writes, each in its own transaction.
public protocol StoreQueue: AnyObject, Sendable {
  var kind: StoreKind { get }
  /// A consistent read-only snapshot.
  func read<T>(_ body: (StoreDatabase) throws -> T) throws -> T
  /// One write transaction; the store admits one writer at a time (SQLite's write lock,
  /// PostgreSQL's transaction advisory lock), waiting a bounded time before `StoreError.busy`.
  func write<T>(_ body: (StoreDatabase) throws -> T) throws -> T
  /// Statements that must run outside a transaction (SQLite's PRAGMAs and VACUUM).
  func writeWithoutTransaction<T>(_ body: (StoreDatabase) throws -> T) throws -> T
  /// Applies the store's migrations that have not run yet, in order, each in its transaction.
  func migrate(_ migrations: [StoreMigration]) throws
  /// Identifiers of applied migrations this code does not know: the store was written by a newer Haven.
  func hasUnknownMigrations(_ migrations: [StoreMigration]) throws -> Bool
}

/// One append-only schema step. Identifiers are shared by both stores where the step means the
/// same thing; the SQL of each store lives in that store's list.
public struct StoreMigration: Sendable {
  public let identifier: String
  public let apply: @Sendable (StoreDatabase) throws -> Void

  public init(_ identifier: String, apply: @escaping @Sendable (StoreDatabase) throws -> Void) {
    self.identifier = identifier
    self.apply = apply
  }
}
