import HavenStore

/// Copies a whole vault from one store to another of either kind, row for row: a backup of a
/// server vault (into a SQLite file, so the backup format is one), a restore into a server, and
/// `haven store migrate` both ways. The source is read in one snapshot; the target is written in
/// one transaction, so a failure leaves it as it was. Nothing is decrypted: ciphertext, blind
/// indexes and the signed log move as bytes, and `audit verify` on the target proves the log.
enum StoreCopy {
  /// Tables in an order that satisfies every foreign key.
  static let tables = [
    "vault_meta", "users", "teams", "team_members", "services", "partner_agencies", "districts", "reference_counters",
    "vault_settings", "vocabulary_aliases", "directory_entries", "retired_signing_keys", "key_grants",
    "audit_entries", "audit_checkpoints", "audit_frontier", "audit_tree_state", "survivors", "survivor_index",
    "referrals", "referral_events", "support_sessions", "outcome_assessments", "related_people", "consent_events",
    "legal_holds", "erasures", "backup_generations", "report_releases", "import_runs",
  ]

  /// Tables the target may already hold rows in (written by its triggers, or seeded by a
  /// migration): emptied after the rest is copied, then copied, so the source's rows are what the
  /// target holds.
  static let derivedTables = [
    "id_counters", "survivor_activity", "caseload_entries", "caseload_buckets", "statistics_key_wraps", "audit_subtrees",
  ]

  /// Tables whose ids the server generates: their sequences continue after the copied ids.
  static let generatedIDTables = [
    "users", "teams", "services", "partner_agencies", "districts", "key_grants",
    "report_releases", "import_runs",
  ]

  /// Copies every vault table from `source` into the empty vault schema of `target`.
  /// Returns the number of rows copied.
  @discardableResult
  static func copy(from source: any StoreQueue, to target: any StoreQueue) throws -> Int {
    try source.read { from in
      try target.write { to in
        var copied = 0
        for table in tables { copied += try copyTable(table, from, to) }
        for table in derivedTables {
          try to.execute(sql: "DELETE FROM \(table)")
          copied += try copyTable(table, from, to)
        }
        if to.kind == .postgres {
          for table in generatedIDTables {
            try to.execute(
              sql: "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce(max(id), 0) + 1, false) FROM \(table)")
          }
        }
        return copied
      }
    }
  }

  /// Copies the columns both stores have (a server's `retired_signing_keys.seq` is its own),
  /// in the source's insertion order.
  private static func copyTable(_ table: String, _ from: StoreDatabase, _ to: StoreDatabase) throws -> Int {
    let targetColumns = Set(try to.columns(in: table).map(\.name))
    let columns = try from.columns(in: table).map(\.name).filter { targetColumns.contains($0) }
    guard !columns.isEmpty else { throw VaultError.databaseDamaged("the table \(table) is missing") }
    let list = columns.joined(separator: ", ")
    let order = table == "retired_signing_keys" ? from.dialect.insertionOrder : "1"
    let insert = to.cachedStatement(
      sql: "INSERT INTO \(table) (\(list)) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
    let rows = try StoreRow.fetchCursor(from, sql: "SELECT \(list) FROM \(table) ORDER BY \(order)")
    var count = 0
    while let row = try rows.next() {
      try insert.execute(arguments: StoreArguments(values: row.values))
      count += 1
    }
    return count
  }
}
