/// Which store a connection talks to, for the few SQL fragments that differ (`StoreDialect`).
public enum StoreKind: String, Sendable {
  case sqlite
  case postgres
}

/// What each store implements: running bound statements and reading their rows. Everything the
/// vault does to storage goes through this, so the vault holds no SQLite or PostgreSQL API.
public protocol StoreBackend: AnyObject {
  var kind: StoreKind { get }
  func execute(sql: String, arguments: StoreArguments, cached: Bool) throws
  func cursor(sql: String, arguments: StoreArguments, cached: Bool) throws -> StoreCursor
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  var changesCount: Int { get }
  func tableExists(_ table: String) throws -> Bool
  func columnNames(in table: String) throws -> [String]
}

/// One connection inside a read or a write: what every vault operation is handed. A final class
/// over the store's backend so the vault's signatures name one concrete type.
public final class StoreDatabase {
  public let backend: any StoreBackend

  public init(backend: any StoreBackend) { self.backend = backend }

  public var kind: StoreKind { backend.kind }
  public var dialect: StoreDialect { StoreDialect(kind: backend.kind) }

  public func execute(sql: String, arguments: StoreArguments = []) throws {
    try backend.execute(sql: sql, arguments: arguments, cached: false)
  }

  /// A statement the store prepares once per connection and reuses (SQLite's statement cache,
  /// PostgreSQL's named prepared statements): for SQL run per record.
  public func cachedStatement(sql: String) -> StoreStatement { StoreStatement(database: self, sql: sql) }

  public var changesCount: Int { backend.changesCount }

  public func tableExists(_ table: String) throws -> Bool { try backend.tableExists(table) }

  public func columns(in table: String) throws -> [StoreColumnInfo] {
    try backend.columnNames(in: table).map(StoreColumnInfo.init)
  }
}

/// A column of a table, as the schema reports it.
public struct StoreColumnInfo: Sendable {
  public let name: String
}

/// SQL bound to one connection and cached by it.
public struct StoreStatement {
  public let database: StoreDatabase
  public let sql: String

  public func execute(arguments: StoreArguments = []) throws {
    try database.backend.execute(sql: sql, arguments: arguments, cached: true)
  }
}
