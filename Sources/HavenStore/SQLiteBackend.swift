import Foundation
import GRDB
import GRDBSQLite

/// The embedded store's connection: GRDB's `Database`, with its statement cache.
final class SQLiteBackend: StoreBackend {
  let db: Database
  private var columnsBySQL: [String: StoreColumns] = [:]

  init(_ db: Database) { self.db = db }

  var kind: StoreKind { .sqlite }

  func execute(sql: String, arguments: StoreArguments, cached: Bool) throws {
    try SQLiteErrors.mapping {
      if cached {
        try db.cachedStatement(sql: sql).execute(arguments: Self.bind(arguments))
      } else {
        try db.execute(sql: sql, arguments: Self.bind(arguments))
      }
    }
  }

  func cursor(sql: String, arguments: StoreArguments, cached: Bool) throws -> StoreCursor {
    try SQLiteErrors.mapping {
      let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
      let columns: StoreColumns
      if cached, let known = columnsBySQL[sql] {
        columns = known
      } else {
        columns = StoreColumns(statement.columnNames)
        if cached { columnsBySQL[sql] = columns }
      }
      let rows = try Row.fetchCursor(statement, arguments: Self.bind(arguments))
      let count = columns.names.count
      let handle = statement.sqliteStatement
      return StoreCursor {
        try SQLiteErrors.mapping {
          // GRDB steps the statement; the values are read straight from SQLite's current row
          // (no intermediate DatabaseValue: a verify reads millions of rows).
          guard try rows.next() != nil else { return nil }
          var values: [StoreValue] = []
          values.reserveCapacity(count)
          for index in 0..<Int32(count) { values.append(Self.column(handle, index)) }
          return StoreRow(columns: columns, values: values)
        }
      }
    }
  }

  var changesCount: Int { db.changesCount }

  func tableExists(_ table: String) throws -> Bool { try SQLiteErrors.mapping { try db.tableExists(table) } }

  func columnNames(in table: String) throws -> [String] {
    try SQLiteErrors.mapping { try db.columns(in: table).map(\.name) }
  }

  static func bind(_ arguments: StoreArguments) -> StatementArguments {
    StatementArguments(
      arguments.values.map { value -> (any DatabaseValueConvertible)? in
        switch value {
        case .null: nil
        case .integer(let integer): integer
        case .real(let real): real
        case .text(let text): text
        case .blob(let data): data
        }
      })
  }

  static func column(_ handle: OpaquePointer, _ index: Int32) -> StoreValue {
    switch sqlite3_column_type(handle, index) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
    case SQLITE_TEXT:
      let count = Int(sqlite3_column_bytes(handle, index))
      guard let text = sqlite3_column_text(handle, index) else { return .text("") }
      return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(handle, index))
      guard let blob = sqlite3_column_blob(handle, index), count > 0 else { return .blob(Data()) }
      return .blob(Data(bytes: blob, count: count))
    default: return .null
    }
  }
}

/// GRDB's errors in the store's terms.
enum SQLiteErrors {
  static func mapping<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as DatabaseError {
      throw storeError(error)
    }
  }

  static func storeError(_ error: DatabaseError) -> StoreError {
    let message = error.message ?? "\(error.resultCode)"
    switch error.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
    case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(error.message ?? "SQLite reports corruption")
    case .SQLITE_FULL: return .diskFull("SQLite could not write")
    case .SQLITE_IOERR: return .ioFailure("SQLite: \(error.message ?? "disk I/O error")")
    case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: return .notPermitted(message)
    default: return .refused("SQLite \(error.resultCode): \(message)")
    }
  }
}
