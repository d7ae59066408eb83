import CLibPQ
import Foundation

/// One libpq connection. Statements are sent with their values bound (bytes in binary, the rest
/// as text the server types from context), results come back in binary. Statements the vault
/// runs per record are prepared once per connection and reused by name.
final class PostgresBackend: StoreBackend {
  let connection: OpaquePointer
  private var prepared: [String: (name: String, columns: StoreColumns?)] = [:]
  private var numbered: [String: String] = [:]
  private(set) var changesCount = 0

  init(connection: OpaquePointer) { self.connection = connection }

  var kind: StoreKind { .postgres }

  func execute(sql: String, arguments: StoreArguments, cached: Bool) throws {
    if arguments.values.isEmpty && !cached {
      // Without values a script of several statements (a migration) is allowed.
      let result = PQexec(connection, sql)
      defer { PQclear(result) }
      try check(result)
      changesCount = Int(String(cString: PQcmdTuples(result))) ?? 0
      return
    }
    // Every statement with values is prepared once per connection: the vault's SQL is a bounded
    // set of texts, and parsing and planning each again cost the server more than running it.
    let result = try run(sql: sql, arguments: arguments, cached: true)
    defer { PQclear(result) }
    changesCount = Int(String(cString: PQcmdTuples(result))) ?? 0
  }

  func cursor(sql: String, arguments: StoreArguments, cached requested: Bool) throws -> StoreCursor {
    let cached = requested || !arguments.values.isEmpty
    let result = try run(sql: sql, arguments: arguments, cached: cached)
    let rows = Int(PQntuples(result))
    let fields = Int(PQnfields(result))
    let columns: StoreColumns
    if cached, let known = prepared[sql]?.columns {
      columns = known
    } else {
      columns = StoreColumns((0..<fields).map { String(cString: PQfname(result, Int32($0))) })
      if cached, let entry = prepared[sql] { prepared[sql] = (entry.name, columns) }
    }
    let types = (0..<fields).map { PQftype(result, Int32($0)) }
    let owner = ResultOwner(result)
    var index = 0
    return StoreCursor {
      guard index < rows else { return nil }
      defer { index += 1 }
      var values: [StoreValue] = []
      values.reserveCapacity(fields)
      for field in 0..<fields {
        let row = Int32(index)
        let column = Int32(field)
        if PQgetisnull(owner.result, row, column) != 0 {
          values.append(.null)
          continue
        }
        let length = Int(PQgetlength(owner.result, row, column))
        let bytes = UnsafeRawBufferPointer(start: PQgetvalue(owner.result, row, column), count: length)
        values.append(try PostgresValues.decode(bytes, type: types[field], column: columns.names[field]))
      }
      return StoreRow(columns: columns, values: values)
    }
  }

  func tableExists(_ table: String) throws -> Bool {
    let found = try cursor(
      sql: """
        SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?
        """, arguments: [table], cached: true
    ).first()
    return (found.flatMap { Int64.fromStoreValue($0.values[0]) } ?? 0) > 0
  }

  func columnNames(in table: String) throws -> [String] {
    try cursor(
      sql: """
        SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
        ORDER BY ordinal_position
        """, arguments: [table], cached: true
    ).all().compactMap { String.fromStoreValue($0.values[0]) }
  }

  /// Runs a statement and returns its result, which the caller clears.
  private func run(sql: String, arguments: StoreArguments, cached: Bool) throws -> OpaquePointer {
    let text = placeholders(sql)
    let values = arguments.values
    let count = Int32(values.count)
    let types = values.map { value -> Oid in if case .blob = value { PostgresValues.bytea } else { 0 } }
    var buffers: [[CChar]?] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    buffers.reserveCapacity(values.count)
    for value in values {
      switch value {
      case .null:
        buffers.append(nil); lengths.append(0); formats.append(0)
      case .integer(let integer):
        buffers.append(Array("\(integer)".utf8CString)); lengths.append(0); formats.append(0)
      case .real(let real):
        buffers.append(Array("\(real)".utf8CString)); lengths.append(0); formats.append(0)
      case .text(let string):
        buffers.append(Array(string.utf8CString)); lengths.append(0); formats.append(0)
      case .blob(let data):
        // Binary format: the bytes as they are (a non-empty buffer even for empty data).
        buffers.append(data.isEmpty ? [0] : data.map { CChar(bitPattern: $0) })
        lengths.append(Int32(data.count)); formats.append(1)
      }
    }
    var name: String?
    if cached {
      if let entry = prepared[sql] {
        name = entry.name
      } else {
        let newName = "haven_\(prepared.count + 1)"
        let result = PQprepare(connection, newName, text, count, types)
        defer { PQclear(result) }
        try check(result)
        prepared[sql] = (newName, nil)
        name = newName
      }
    }
    let result = withPointers(buffers) { pointers in
      if let name {
        PQexecPrepared(connection, name, count, pointers, lengths, formats, 1)
      } else {
        PQexecParams(connection, text, count, types, pointers, lengths, formats, 1)
      }
    }
    do {
      try check(result)
    } catch {
      PQclear(result)
      throw error
    }
    return result!
  }

  private func check(_ result: OpaquePointer?) throws(StoreError) {
    if let result {
      let status = PQresultStatus(result)
      if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }
    }
    throw PostgresErrors.error(of: result, connection: connection)
  }

  private func placeholders(_ sql: String) -> String {
    if let known = numbered[sql] { return known }
    let converted = PostgresPlaceholders.numbered(sql)
    numbered[sql] = converted
    return converted
  }

  /// Nothing prepared survives a dropped connection.
  func forgetPrepared() { prepared = [:] }
}

/// Clears a result when the last cursor over it is gone.
private final class ResultOwner {
  let result: OpaquePointer
  init(_ result: OpaquePointer) { self.result = result }
  deinit { PQclear(result) }
}

/// C pointers to each buffer for the length of one libpq call.
private func withPointers<R>(_ buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
  var pointers: [UnsafePointer<CChar>?] = []
  pointers.reserveCapacity(buffers.count)
  func nest(_ index: Int) -> R {
    guard index < buffers.count else { return body(pointers) }
    guard let buffer = buffers[index] else {
      pointers.append(nil)
      return nest(index + 1)
    }
    return buffer.withUnsafeBufferPointer { pointer in
      pointers.append(pointer.baseAddress)
      return nest(index + 1)
    }
  }
  return nest(0)
}
