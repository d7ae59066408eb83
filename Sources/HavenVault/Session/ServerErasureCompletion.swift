import HavenStore

/// What `haven store complete-erasures` did, for the CLI to report.
public struct ServerErasureCompletion: Sendable, Equatable {
  /// Erasures marked complete (0 when none were pending and nothing was rewritten).
  public let erasures: Int
  /// Tables rewritten.
  public let tables: Int
}

extension VaultSession {
  /// Completes a server vault's committed erasures (admins). PostgreSQL keeps a deleted row's
  /// old version in the table's files until the table is rewritten, and only a table's owner may
  /// rewrite it, which a workstation's application role is not; so an admin lends the schema
  /// owner's connection for this one step. The owner's connection must reach the very database
  /// this vault runs on (the server's own identity and the vault ID, not the URI, are compared),
  /// every table an erasure deletes from is rewritten, and only then are the erasures that were pending when it began
  /// marked complete, audited with what is left outside the tables: the server's write-ahead
  /// log, WAL archive and backups, which its administrator expires (docs/server-store.md).
  public func completeServerErasures(schemaOwner: ServerStoreSettings) throws(VaultError) -> ServerErasureCompletion {
    try authorize(.eraseRecords, action: .survivorErase, target: "erasures")
    guard vault.database.kind == .postgres else {
      throw .invalidArgument("this vault is embedded: its erasures complete by themselves ('haven status')")
    }
    do {
      let (pending, ours) = try vault.database.read { db in
        (
          try Int64.fetchAll(db, sql: "SELECT survivor_id FROM erasures WHERE completed_at IS NULL ORDER BY survivor_id"),
          try PostgresMaintenance.identity(db)
        )
      }
      guard !pending.isEmpty else { return ServerErasureCompletion(erasures: 0, tables: 0) }
      let owner = try VaultStores.connect(schemaOwner)
      let (theirs, ownerVault, tables) = try owner.read { db in
        (
          try PostgresMaintenance.identity(db), try VaultMetadata.load(db)?.vaultID,
          try PostgresMaintenance.tablesWithDeletions(db)
        )
      }
      guard theirs == ours, ownerVault == metadata.vaultID else {
        throw VaultError.storeMismatch(
          "the --schema-owner connection reaches another database than this vault's (\(schemaOwner.settings.database) on "
            + "\(schemaOwner.settings.host)): nothing was rewritten or marked complete")
      }
      guard tables.allOwned, !tables.quoted.isEmpty else {
        throw VaultError.permissionDenied(
          action: "rewrite the vault's tables",
          reason: "the role \(schemaOwner.settings.user) does not own every table of the vault: connect as the role that "
            + "created the schema (the --schema-owner of 'haven init' or 'haven store migrate')")
      }
      try owner.writeWithoutTransaction { db in
        try PostgresMaintenance.rewrite(
          tables.quoted, lockTimeoutMilliseconds: Int(VaultDatabase.busyTimeoutSeconds * 1000), db)
      }
      try transaction { db in
        let now = Timestamp.now()
        for survivorID in pending {
          try db.cachedStatement(sql: "UPDATE erasures SET completed_at = ? WHERE survivor_id = ? AND completed_at IS NULL")
            .execute(arguments: [now, survivorID])
        }
        try record(
          db, action: .survivorErase, target: "erasures",
          detail: "\(pending.count) erasure(s) complete on the server: its \(tables.quoted.count) tables rewritten "
            + "(VACUUM FULL) as \(schemaOwner.settings.user); its write-ahead log, WAL archive and backups are its "
            + "administrator's to expire")
      }
      return ServerErasureCompletion(erasures: pending.count, tables: tables.quoted.count)
    } catch let error as VaultError {
      throw error
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}
