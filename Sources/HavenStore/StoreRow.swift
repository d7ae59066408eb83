import Foundation

/// The column names of one statement's result, shared by all its rows.
public final class StoreColumns: Sendable {
  public let names: [String]
  private let indexes: [String: Int]

  public init(_ names: [String]) {
    self.names = names
    var indexes: [String: Int] = [:]
    for (index, name) in names.enumerated().reversed() { indexes[name.lowercased()] = index }
    self.indexes = indexes
  }

  func index(of name: String) -> Int? { indexes[name] ?? indexes[name.lowercased()] }
}

/// One result row, read by position or by column name. Reading a NULL or a value of another kind
/// as a non-optional type is a programming error in the caller's SQL and stops the process, as it
/// would with GRDB; reading it as an optional gives nil.
public struct StoreRow: Sendable {
  public let columns: StoreColumns
  public let values: [StoreValue]

  public init(columns: StoreColumns, values: [StoreValue]) {
    self.columns = columns
    self.values = values
  }

  public var count: Int { values.count }

  public subscript<T: StoreValueConvertible>(_ index: Int) -> T? {
    T.fromStoreValue(values[index])
  }

  public subscript<T: StoreValueConvertible>(_ index: Int) -> T {
    guard let value = T.fromStoreValue(values[index]) else {
      preconditionFailure("column \(index) (\(columns.names[index])) is not a \(T.self)")
    }
    return value
  }

  public subscript<T: StoreValueConvertible>(_ name: String) -> T? {
    guard let index = columns.index(of: name) else { return nil }
    return T.fromStoreValue(values[index])
  }

  public subscript<T: StoreValueConvertible>(_ name: String) -> T {
    guard let index = columns.index(of: name) else { preconditionFailure("no column \(name) in this row") }
    guard let value = T.fromStoreValue(values[index]) else { preconditionFailure("column \(name) is not a \(T.self)") }
    return value
  }

  public subscript(_ index: Int) -> StoreValue { values[index] }

  public func hasNull(atIndex index: Int) -> Bool { values[index] == .null }

  /// The bytes of a blob column, or nil for NULL.
  public func withUnsafeData<R>(atIndex index: Int, _ body: (Data?) throws -> R) rethrows -> R {
    try body(Data.fromStoreValue(values[index]))
  }

  // Fetching rows.

  public static func fetchCursor(
    _ db: StoreDatabase, sql: String, arguments: StoreArguments = []
  ) throws -> StoreCursor {
    try db.backend.cursor(sql: sql, arguments: arguments, cached: false)
  }

  public static func fetchCursor(_ statement: StoreStatement, arguments: StoreArguments = []) throws -> StoreCursor {
    try statement.database.backend.cursor(sql: statement.sql, arguments: arguments, cached: true)
  }

  public static func fetchAll(_ db: StoreDatabase, sql: String, arguments: StoreArguments = []) throws -> [StoreRow] {
    try fetchCursor(db, sql: sql, arguments: arguments).all()
  }

  public static func fetchAll(_ statement: StoreStatement, arguments: StoreArguments = []) throws -> [StoreRow] {
    try fetchCursor(statement, arguments: arguments).all()
  }

  public static func fetchOne(_ db: StoreDatabase, sql: String, arguments: StoreArguments = []) throws -> StoreRow? {
    try fetchCursor(db, sql: sql, arguments: arguments).first()
  }

  public static func fetchOne(_ statement: StoreStatement, arguments: StoreArguments = []) throws -> StoreRow? {
    try fetchCursor(statement, arguments: arguments).first()
  }
}

/// Reading a single value (the first column) from a statement's rows.
extension StoreValueConvertible {
  public static func fetchOne(_ db: StoreDatabase, sql: String, arguments: StoreArguments = []) throws -> Self? {
    try StoreRow.fetchOne(db, sql: sql, arguments: arguments).flatMap { fromStoreValue($0.values[0]) }
  }

  public static func fetchOne(_ statement: StoreStatement, arguments: StoreArguments = []) throws -> Self? {
    try StoreRow.fetchOne(statement, arguments: arguments).flatMap { fromStoreValue($0.values[0]) }
  }

  public static func fetchAll(_ db: StoreDatabase, sql: String, arguments: StoreArguments = []) throws -> [Self] {
    try StoreRow.fetchAll(db, sql: sql, arguments: arguments).compactMap { fromStoreValue($0.values[0]) }
  }

  public static func fetchAll(_ statement: StoreStatement, arguments: StoreArguments = []) throws -> [Self] {
    try StoreRow.fetchAll(statement, arguments: arguments).compactMap { fromStoreValue($0.values[0]) }
  }
}
