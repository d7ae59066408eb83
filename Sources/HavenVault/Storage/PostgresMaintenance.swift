import HavenStore

/// What the schema owner's connection does to a server vault's tables beyond migrations: the
/// PostgreSQL SQL of completing erasures, kept beside the roles and migrations of that store.
enum PostgresMaintenance {
  /// Which server and database a connection reached, as the server reports it: two connections
  /// with the same identity are to the same database of the same running server, whatever
  /// their URIs say.
  static func identity(_ db: StoreDatabase) throws -> String {
    try String.fetchOne(
      db,
      sql: """
        SELECT current_database() || ' oid ' || (SELECT oid FROM pg_database WHERE datname = current_database())::text
          || ' started ' || pg_postmaster_start_time()::text
        """) ?? ""
  }

  /// The vault's tables an erasure can leave dead rows in (all but the append-only evidence,
  /// which no one deletes from and which is the largest), each as the server quotes its name
  /// (`quote_ident`), and whether the connected role owns every one: only a table's owner may
  /// rewrite it, and VACUUM skips the rest with no more than a warning.
  static func tablesWithDeletions(_ db: StoreDatabase) throws -> (quoted: [String], allOwned: Bool) {
    let rows = try StoreRow.fetchAll(
      db,
      sql: """
        SELECT tablename, quote_ident(tablename) AS quoted, tableowner = current_user AS owned FROM pg_tables
        WHERE schemaname = current_schema() ORDER BY tablename
        """
    ).filter { !PostgresMigrations.appendOnlyTables.contains($0["tablename"] as String) }
    return (rows.map { $0["quoted"] as String }, rows.allSatisfy { $0["owned"] as Bool })
  }

  /// Rewrites each table into new files (VACUUM FULL): the old files, holding the dead row
  /// versions an erasure left, are truncated when each rewrite commits, and the indexes are
  /// rebuilt from the live rows. Runs outside a transaction, as VACUUM must; each table's
  /// exclusive lock is waited for at most `lockTimeoutMilliseconds`.
  static func rewrite(_ quotedTables: [String], lockTimeoutMilliseconds: Int, _ db: StoreDatabase) throws {
    try db.execute(sql: "SET lock_timeout = \(lockTimeoutMilliseconds)")
    defer { try? db.execute(sql: "RESET lock_timeout") }
    for table in quotedTables {
      try db.execute(sql: "VACUUM (FULL) \(table)")
    }
  }
}
