import Foundation
import GRDB

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
      return StoreCursor {
        try SQLiteErrors.mapping {
          guard let row = try rows.next() else { return nil }
          var values: [StoreValue] = []
          values.reserveCapacity(count)
          for index in 0..<count { values.append(Self.value((row[index] as DatabaseValue).storage)) }
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

  static func value(_ storage: DatabaseValue.Storage) -> StoreValue {
    switch storage {
    case .null: .null
    case .int64(let integer): .integer(integer)
    case .double(let real): .real(real)
    case .string(let text): .text(text)
    case .blob(let data): .blob(data)
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
