import CLibPQ
import Foundation

/// One libpq connection. Statements are sent with their values bound (bytes in binary, the rest
/// as text the server types from context), results come back in binary. Statements the vault
/// runs per record are prepared once per connection and reused by name.
///
/// Statements whose rows nobody reads (INSERT, UPDATE, DELETE with values) are pipelined: sent
/// without waiting for their answers, which are collected before anything that needs an answer
/// (a query, a row count, a statement without values such as COMMIT). A failed one therefore
/// surfaces at that next point rather than at its own call, inside the same transaction, which
/// the server has aborted and the caller rolls back: nothing of it is committed either way.
final class PostgresBackend: StoreBackend {
  let connection: OpaquePointer
  private var prepared: [String: (name: String, columns: StoreColumns?)] = [:]
  private var numbered: [String: String] = [:]
  private var lastChanges = 0
  /// Statements sent in pipeline mode whose answers have not been read yet.
  private var unanswered = 0
  /// At most this many answers wait: the server's answers must never fill the socket while
  /// this process, not reading them, blocks sending more (libpq's blocking pipeline deadlock).
  static let pipelineDepth = 64

  init(connection: OpaquePointer) { self.connection = connection }

  var kind: StoreKind { .postgres }

  var changesCount: Int {
    get throws {
      try collectAnswers()
      return lastChanges
    }
  }

  func execute(sql: String, arguments: StoreArguments, cached: Bool) throws {
    if arguments.values.isEmpty && !cached {
      try collectAnswers()
      // Without values a script of several statements (a migration) is allowed.
      let result = PQexec(connection, sql)
      defer { PQclear(result) }
      try check(result)
      lastChanges = Int(String(cString: PQcmdTuples(result))) ?? 0
      return
    }
    try send(sql: sql, arguments: arguments)
  }

  /// Sends a statement with values in pipeline mode. Its first use on this connection is
  /// prepared synchronously first, so a pipeline holds only executions of known statements.
  private func send(sql: String, arguments: StoreArguments) throws {
    if prepared[sql] == nil {
      try collectAnswers()
      try prepare(sql: sql, count: Int32(arguments.values.count), types: Self.types(arguments.values))
    }
    if unanswered >= Self.pipelineDepth { try collectAnswers() }
    if PQpipelineStatus(connection) == PQ_PIPELINE_OFF {
      guard PQenterPipelineMode(connection) == 1 else { throw PostgresErrors.error(of: nil, connection: connection) }
    }
    let name = prepared[sql]!.name
    let (buffers, lengths, formats) = Self.encode(arguments.values)
    let sent = withPointers(buffers) { pointers in
      PQsendQueryPrepared(connection, name, Int32(arguments.values.count), pointers, lengths, formats, 1)
    }
    guard sent == 1 else {
      let error = PostgresErrors.error(of: nil, connection: connection)
      abandonAnswers()
      throw error
    }
    unanswered += 1
  }

  /// Reads every pipelined answer up to a sync point and leaves pipeline mode. The first
  /// failure is thrown, after every answer has been read, so the connection is usable for the
  /// caller's ROLLBACK.
  func collectAnswers() throws {
    guard unanswered > 0 || PQpipelineStatus(connection) != PQ_PIPELINE_OFF else { return }
    defer {
      unanswered = 0
      _ = PQexitPipelineMode(connection)
    }
    guard PQpipelineSync(connection) == 1 else { throw PostgresErrors.error(of: nil, connection: connection) }
    var firstError: StoreError?
    var nulls = 0
    while true {
      guard let result = PQgetResult(connection) else {
        nulls += 1
        // Between answers libpq returns one NULL; two in a row mean the connection is gone.
        if nulls > 1 || PQstatus(connection) == CONNECTION_BAD {
          throw firstError ?? PostgresErrors.error(of: nil, connection: connection)
        }
        continue
      }
      nulls = 0
      defer { PQclear(result) }
      switch PQresultStatus(result) {
      case PGRES_PIPELINE_SYNC:
        if let firstError { throw firstError }
        return
      case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
        lastChanges = Int(String(cString: PQcmdTuples(result))) ?? 0
      case PGRES_PIPELINE_ABORTED:
        continue
      default:
        if firstError == nil { firstError = PostgresErrors.error(of: result, connection: connection) }
      }
    }
  }

  /// After a failure: reads and drops whatever answers are still due, so the next statement
  /// (the caller's ROLLBACK) runs on a connection out of pipeline mode.
  func abandonAnswers() {
    try? collectAnswers()
  }

  func cursor(sql: String, arguments: StoreArguments, cached requested: Bool) throws -> StoreCursor {
    try collectAnswers()
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

  /// The parameter types libpq is told: bytea for bytes, the rest typed by the server from context.
  private static func types(_ values: [StoreValue]) -> [Oid] {
    values.map { value -> Oid in if case .blob = value { PostgresValues.bytea } else { 0 } }
  }

  /// Each value as libpq takes it: bytes in binary, everything else as text.
  private static func encode(_ values: [StoreValue]) -> (buffers: [[CChar]?], lengths: [Int32], formats: [Int32]) {
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
    return (buffers, lengths, formats)
  }

  /// Prepares `sql` under a new name for the rest of this connection.
  private func prepare(sql: String, count: Int32, types: [Oid]) throws {
    let name = "haven_\(prepared.count + 1)"
    let result = PQprepare(connection, name, placeholders(sql), count, types)
    defer { PQclear(result) }
    try check(result)
    prepared[sql] = (name, nil)
  }

  /// Runs a statement and returns its result, which the caller clears.
  private func run(sql: String, arguments: StoreArguments, cached: Bool) throws -> OpaquePointer {
    let text = placeholders(sql)
    let values = arguments.values
    let count = Int32(values.count)
    let types = Self.types(values)
    let (buffers, lengths, formats) = Self.encode(values)
    var name: String?
    if cached {
      if prepared[sql] == nil { try prepare(sql: sql, count: count, types: types) }
      name = prepared[sql]?.name
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

  /// Nothing prepared, and no answer, survives a dropped connection.
  func forgetPrepared() {
    prepared = [:]
    unanswered = 0
  }
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
