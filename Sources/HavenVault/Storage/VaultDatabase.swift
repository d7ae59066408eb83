import HavenStore

/// Opens the vault's SQLite database with the settings every access relies on: WAL with
/// `synchronous=FULL` (a committed access survives power loss), `secure_delete` (erased content is
/// overwritten), temporary data in memory only, foreign keys, and a busy timeout.
enum VaultDatabase {
  static let busyTimeoutSeconds: Double = 5

  /// Opens the connection. `configureJournal` is false while a vault is still being identified:
  /// a file that turns out not to be a vault, or a newer one, must not be switched to WAL.
  static func open(at path: String, configureJournal: Bool) throws(VaultError) -> SQLiteQueue {
    VaultDirectory.restrictFileCreationMask()
    do {
      let queue = try SQLiteQueue(
        path: path, busyTimeoutSeconds: busyTimeoutSeconds, prepare: ["PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;"])
      if configureJournal { try configureDurability(queue) }
      return queue
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Opens a file read-only: verification and a backup's snapshot never write.
  static func openReadOnly(at path: String) throws(VaultError) -> SQLiteQueue {
    do {
      return try SQLiteQueue(path: path, busyTimeoutSeconds: busyTimeoutSeconds, readonly: true)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// WAL with synchronous=FULL, checked after it is set: GRDB's and SQLite's WAL set-up may reset
  /// `synchronous`, so FULL is applied last and read back.
  static func configureDurability(_ queue: SQLiteQueue) throws(VaultError) {
    do {
      try queue.writeWithoutTransaction { db in
        _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        try db.execute(sql: "PRAGMA synchronous = FULL")
        let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous")
        let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode")
        let secureDelete = try Int.fetchOne(db, sql: "PRAGMA secure_delete")
        guard synchronous == 2, journal?.lowercased() == "wal", secureDelete == 1 else {
          throw VaultError.storageFailure("SQLite refused WAL with synchronous=FULL and secure_delete")
        }
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}
