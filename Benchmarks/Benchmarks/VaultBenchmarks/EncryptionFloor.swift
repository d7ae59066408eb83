import CSodium
import Foundation
import GRDB

/// The physical floor of per-field encryption, measured in the same run as the vault
/// (docs/performance.md, "The floor"). It takes the rows a vault actually wrote and writes them
/// again into an empty copy of the schema, with the vault's durability settings, in one
/// transaction through prepared GRDB statements, doing only the cryptography no design can avoid:
/// one XChaCha20-Poly1305 encryption (fresh random nonce) per field envelope, of the same length,
/// and one keyed BLAKE2b per blind-index value. No key hierarchy, no per-record keys, no audit
/// hashing or signatures, no Swift values: what is left is what the hardware must do.
struct StoredRows: Sendable {
  struct Table: Sendable {
    let name: String
    let columns: [String]
    /// Columns holding a field envelope: those the schema marks `-- T` (team) or `-- S` (statistics).
    let fieldColumns: [Int]
    /// The blind-index column, recomputed with keyed BLAKE2b.
    let indexColumn: Int?
    let rows: [[DatabaseValue]]
  }

  let schema: [String]
  /// Rows of every other table (the vault's users, teams, keys, services), copied as they are
  /// before the measurement: the written rows refer to them.
  let prerequisites: [Table]
  let tables: [Table]

  /// The tables an import writes: case records, their blind indexes and the audit log, and (in
  /// dependency order after the survivors) the rows later formats derive from them (the
  /// survivors' last activity, the audit tree's stored subtrees, the caseload index and the
  /// statistics key wraps where a vault has them, the import's run): the floor writes each final
  /// row once, where the vault's triggers and writers keep them up to date as it goes.
  static let writtenTables = [
    "survivors", "survivor_index", "related_people", "referrals", "referral_events", "support_sessions",
    "outcome_assessments", "consent_events", "audit_entries", "audit_checkpoints", "audit_frontier", "audit_tree_state",
    "id_counters", "reference_counters", "survivor_activity", "audit_subtrees", "caseload_entries", "caseload_buckets",
    "statistics_key_wraps", "import_runs",
  ]
  /// The tables a whole case file is read from.
  static let caseFileTables = [
    "survivors", "related_people", "referrals", "referral_events", "support_sessions", "outcome_assessments",
  ]

  static func load(fromVault path: String) throws -> StoredRows {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path + "/vault.sqlite", configuration: configuration)
    return try queue.read { db in
      // Tables and indexes, not triggers: what triggers do for the vault is the design's cost,
      // and the floor writes their resulting rows itself.
      let schema = try String.fetchAll(
        db,
        sql:
          "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND type != 'trigger' ORDER BY rowid")
      func table(_ name: String) throws -> Table {
        let create = try String.fetchOne(
          db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [name])
        let columns = try db.columns(in: name).map(\.name)
        let marked = Set(fieldColumnNames(inCreateStatement: create ?? ""))
        let fields = columns.indices.filter { marked.contains(columns[$0]) }
        let index = name == "survivor_index" ? columns.firstIndex(of: "value") : nil
        // WITHOUT ROWID tables (the caseload index, format 9) are read in primary-key order.
        let order = (create ?? "").uppercased().contains("WITHOUT ROWID") ? "" : " ORDER BY rowid"
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(name)\(order)").map { Array($0.databaseValues) }
        return Table(name: name, columns: columns, fieldColumns: fields, indexColumn: index, rows: rows)
      }
      let others = try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
      ).filter { !writtenTables.contains($0) }
      return StoredRows(
        schema: schema, prerequisites: try others.map(table), tables: try writtenTables.map(table))
    }
  }

  /// Column names the schema marks as field envelopes (`name BLOB ... -- T` or `-- S`).
  static func fieldColumnNames(inCreateStatement sql: String) -> [String] {
    sql.split(separator: "\n").compactMap { line in
      guard let comment = line.range(of: "--") else { return nil }
      let mark = line[comment.upperBound...].trimmingCharacters(in: .whitespaces)
      guard mark.hasPrefix("T") || mark.hasPrefix("S") else { return nil }
      return line[..<comment.lowerBound].split(separator: " ").first.map(String.init)
    }
  }

  var fieldCount: Int {
    tables.reduce(0) { total, table in
      total + table.rows.reduce(0) { sum, row in sum + table.fieldColumns.filter { !row[$0].isNull }.count }
    }
  }
}

enum EncryptionFloor {
  static let envelopeOverhead =
    1 + Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) + Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)
  /// The floor's one key: a constant is enough, since nothing here is secret and every
  /// encryption still costs what it costs.
  static let key = [UInt8](repeating: 7, count: Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES))
  /// Associated data of the length the vault binds (vault id, table, record, field, version).
  static let associatedData = [UInt8](repeating: 1, count: 64)

  /// An empty database with the vault's schema and durability settings (not measured).
  static func emptyCopy(of rows: StoredRows, at path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;") }
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try queue.writeWithoutTransaction { db in
      _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
      try db.execute(sql: "PRAGMA synchronous = FULL")
      for statement in rows.schema { try db.execute(sql: statement) }
    }
    try queue.write { db in
      for table in rows.prerequisites {
        let statement = try insertStatement(db, table)
        for row in table.rows { try statement.execute(arguments: StatementArguments(row)) }
      }
    }
    return queue
  }

  /// The insert floor: every row, one transaction, each field encrypted and each index hashed.
  static func insert(_ stored: StoredRows, into queue: DatabaseQueue) throws {
    _ = sodium_init()
    try queue.write { db in
      var plaintext = [UInt8](repeating: 0, count: 4096)
      var nonce = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES))
      for table in stored.tables {
        let statement = try insertStatement(db, table)
        for row in table.rows {
          var values = row
          for column in table.fieldColumns {
            guard case .blob(let envelope) = row[column].storage else { continue }
            let length = envelope.count - envelopeOverhead
            if plaintext.count < length { plaintext = [UInt8](repeating: 0, count: length) }
            var output = [UInt8](repeating: 1, count: envelope.count)
            randombytes_buf(&nonce, nonce.count)
            output.withUnsafeMutableBufferPointer { out in
              for index in 0..<nonce.count { out[1 + index] = nonce[index] }
              _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                out.baseAddress! + 1 + nonce.count, nil, plaintext, UInt64(length), associatedData,
                UInt64(associatedData.count), nil, nonce, key)
            }
            values[column] = Data(output).databaseValue
          }
          if let column = table.indexColumn, case .blob(let text) = row[column].storage {
            var hash = [UInt8](repeating: 0, count: text.count)
            _ = text.withUnsafeBytes { input in
              crypto_generichash(
                &hash, hash.count, input.bindMemory(to: UInt8.self).baseAddress, UInt64(input.count), key, key.count)
            }
            values[column] = Data(hash).databaseValue
          }
          try statement.execute(arguments: StatementArguments(values))
        }
      }
    }
  }

  /// Decrypts one envelope into `plaintext`; returns the plaintext's length.
  private static func open(_ envelope: Data, into plaintext: inout [UInt8]) throws -> Int {
    let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    let length = envelope.count - envelopeOverhead
    if plaintext.count < length { plaintext = [UInt8](repeating: 0, count: length) }
    let status = envelope.withUnsafeBytes { bytes -> Int32 in
      let base = bytes.bindMemory(to: UInt8.self).baseAddress!
      return crypto_aead_xchacha20poly1305_ietf_decrypt(
        &plaintext, nil, nil, base + 1 + nonceLength, UInt64(envelope.count - 1 - nonceLength), associatedData,
        UInt64(associatedData.count), base + 1, key)
    }
    guard status == 0 else { throw BenchmarkSetupError("the floor's own ciphertext failed to open") }
    return length
  }

  private static func insertStatement(_ db: Database, _ table: StoredRows.Table) throws -> Statement {
    let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
    let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
    return try db.makeStatement(sql: "INSERT INTO \(table.name) (\(columns)) VALUES (\(placeholders))")
  }

  /// The read floor: every row of the tables a case file comes from, each field decrypted.
  /// Returns the plaintext bytes seen, so nothing can be optimised away.
  static func read(_ queue: DatabaseQueue) throws -> Int {
    try queue.read { db in
      var seen = 0
      var plaintext = [UInt8](repeating: 0, count: 4096)
      for name in StoredRows.caseFileTables {
        let create = try String.fetchOne(
          db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [name])
        let columns = try db.columns(in: name).map(\.name)
        let marked = Set(StoredRows.fieldColumnNames(inCreateStatement: create ?? ""))
        let fields = columns.indices.filter { marked.contains(columns[$0]) }
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(name)")
        while let row = try rows.next() {
          for column in fields {
            seen += try row.withUnsafeData(atIndex: column) { data -> Int in
              guard let envelope = data else { return 0 }
              return try open(envelope, into: &plaintext)
            }
          }
        }
      }
      return seen
    }
  }
}
