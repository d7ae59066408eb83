import Foundation
import HavenStore

/// How long case files are kept after their last activity, in years. Default 75: the
/// Independent Inquiry into Child Sexual Abuse (final report, 2022, recommendation 17) asks that
/// records known to relate to child sexual abuse be kept long enough for survivors to seek them
/// decades later; 75 years is the period commonly cited (docs/consent.md).
enum RetentionPolicy {
  static let setting = WholeNumberSetting(
    name: "retention_years", defaultValue: 75, allowed: 1...200, what: "retention", unit: "years")

  static func years(_ db: StoreDatabase) throws -> Int { try setting.value(db) }
}

extension VaultSession {
  /// Erases a survivor by crypto-shredding (admin, member of the holding team): their wrapped
  /// record and statistics keys, every field, every child record and every blind-index entry are
  /// deleted with secure-delete on, the WAL is checkpointed and truncated, and a tombstone (id,
  /// time, who, why) is left. Refused while a legal hold stands.
  @discardableResult
  public func eraseSurvivor(_ reference: SurvivorReference, reason: String) throws(VaultError) -> ErasureCompletion {
    try authorize(.eraseRecords, action: .survivorErase, target: "survivor")
    guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .invalidArgument("erasure needs a reason")
    }
    try FieldText.check(reason, field: "reason", .longText)
    try withCaseFile(reference, action: .survivorErase, detail: "erased") { db, row, _ in
      try erase(db, survivorID: row.id, reason: reason)
    }
    return try completeErasures()
  }

  /// Sets the retention period in years (admin).
  public func setRetentionYears(_ years: Int) throws(VaultError) { try change(RetentionPolicy.setting, to: years) }

  /// Survivors whose last activity (any record of theirs created or changed) is older than the
  /// retention period. Needs no case key: it reads only plaintext timestamps (admin).
  public func retentionDue(asOf now: Date = Date()) throws(VaultError) -> [RetentionDue] {
    try authorize(.eraseRecords, action: .retentionRead, target: "retention")
    return try transaction { db in
      let due = try dueForRetention(db, now: now)
      try record(db, action: .retentionRead, target: "retention", detail: "\(due.count) due")
      return due
    }
  }

  /// Erases every survivor due under the retention policy and not under hold (admin). Returns
  /// the ids erased and those kept because of a hold.
  public func purgeDue(
    asOf now: Date = Date()
  ) throws(VaultError) -> (
    erased: [Int64], held: [Int64], completion: ErasureCompletion
  ) {
    try authorize(.eraseRecords, action: .survivorErase, target: "retention-purge")
    let result = try transaction { db -> ([Int64], [Int64]) in
      var erased: [Int64] = []
      var held: [Int64] = []
      for due in try dueForRetention(db, now: now) {
        if !due.holds.isEmpty {
          held.append(due.survivorID)
          continue
        }
        try erase(db, survivorID: due.survivorID, reason: "retention period ended (last activity \(due.lastActivity))")
        try record(db, action: .survivorErase, target: "survivor:\(due.survivorID)", detail: "retention purge")
        erased.append(due.survivorID)
      }
      return (erased, held)
    }
    return (result.0, result.1, try completeErasures())
  }

  /// Erasure tombstones (admins and auditors).
  public func tombstones() throws(VaultError) -> [Tombstone] {
    try authorize(.readAuditLog, action: .retentionRead, target: "tombstones")
    return try transaction { db in
      try record(db, action: .retentionRead, target: "tombstones")
      let names = Dictionary(
        uniqueKeysWithValues: try StoreRow.fetchAll(db, sql: "SELECT id, name FROM users").map {
          ($0["id"] as Int64, $0["name"] as String)
        })
      return try StoreRow.fetchAll(db, sql: "SELECT * FROM erasures ORDER BY survivor_id").map { row in
        let id: Int64 = row["survivor_id"]
        return Tombstone(
          survivorID: id, erasedAt: row["erased_at"], erasedBy: names[row["erased_by"]] ?? "?",
          reason: try openReason(db, [UInt8](row["reason"] as Data), kind: .erasure, id: id))
      }
    }
  }

  func erase(_ db: StoreDatabase, survivorID: Int64, reason: String) throws {
    if let hold = try activeHolds(db, survivor: survivorID).first {
      throw VaultError.underLegalHold(holdID: hold.id, survivorID: survivorID, placedAt: hold.placedAt)
    }
    // Child rows and blind-index rows go with the survivor row (ON DELETE CASCADE); with
    // secure_delete on, SQLite overwrites the freed content with zeros.
    try db.execute(sql: "DELETE FROM survivors WHERE id = ?", arguments: [survivorID])
    guard db.changesCount == 1 else { throw VaultError.notFound(kind: "survivor", name: "#\(survivorID)") }
    // Lifted holds go too: their reasons may describe the person. The log keeps that a hold was
    // placed and lifted, by whom and when, never why.
    try db.execute(sql: "DELETE FROM legal_holds WHERE survivor_id = ?", arguments: [survivorID])
    try db.execute(
      sql: "INSERT INTO erasures (survivor_id, erased_at, erased_by, reason) VALUES (?, ?, ?, ?)",
      arguments: [
        survivorID, Timestamp.now(), user.id,
        Data(try sealReason(reason, kind: .erasure, id: survivorID)),
      ])
  }

  private func dueForRetention(_ db: StoreDatabase, now: Date) throws -> [RetentionDue] {
    let years = try RetentionPolicy.years(db)
    guard let cutoff = Calendar(identifier: .gregorian).date(byAdding: .year, value: -years, to: now) else { return [] }
    let cutoffText = cutoff.formatted(.iso8601)
    return try SurvivorActivity.before(cutoffText, db).map { id, last in
      let holds = try Int64.fetchAll(
        db, sql: "SELECT id FROM legal_holds WHERE survivor_id = ? AND lifted_at IS NULL", arguments: [id])
      let due =
        (Calendar(identifier: .gregorian).date(byAdding: .year, value: years, to: (try? Date(last, strategy: .iso8601)) ?? now)
          ?? now)
      return RetentionDue(survivorID: id, lastActivity: last, dueSince: due.formatted(.iso8601), holds: holds)
    }
  }

  /// Completes every committed erasure whose pages may still be in the write-ahead log: copies
  /// the WAL into the database (where secure_delete has zeroed the freed content) and truncates
  /// it to zero bytes. Only when that checkpoint moved every page and the WAL is empty are the
  /// erasures marked complete; a reader holding an older snapshot blocks it, and then the
  /// erasure is reported as committed, to be completed by the next command (`haven status`).
  func completeErasures() throws(VaultError) -> ErasureCompletion {
    do {
      let pending = try vault.database.read { db in
        try Int.fetchOne(db, sql: "SELECT count(*) FROM erasures WHERE completed_at IS NULL") ?? 0
      }
      guard pending > 0 else { return .complete }
      if vault.database.kind == .postgres {
        return .pending(erasures: pending, reason: .serverKeepsOldRowVersions)
      }
      let moved = try vault.database.writeWithoutTransaction { db -> Bool in
        guard let result = try StoreRow.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return false }
        let busy: Int = result[0]
        let log: Int = result[1]
        let checkpointed: Int = result[2]
        return busy == 0 && log == checkpointed
      }
      let walSize =
        (try? FileManager.default.attributesOfItem(atPath: vault.directory.databasePath + "-wal"))?[.size] as? Int ?? 0
      guard moved && walSize == 0 else {
        return .pending(erasures: pending, reason: .readerHoldsOlderSnapshot)
      }
      // Marking them complete writes a little to the (now empty) WAL: tombstones and the entry.
      try transaction { db in
        try db.execute(sql: "UPDATE erasures SET completed_at = ? WHERE completed_at IS NULL", arguments: [Timestamp.now()])
        try record(
          db, action: .survivorErase, target: "erasures",
          detail: "\(pending) erasure(s) complete: the write-ahead log holds none of their pages")
      }
      return .complete
    } catch let error as VaultError {
      throw error
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Erasures committed but not yet complete (their pages may still be in the WAL).
  public func pendingErasures() throws(VaultError) -> Int {
    do {
      return try vault.database.read { db in
        try Int.fetchOne(db, sql: "SELECT count(*) FROM erasures WHERE completed_at IS NULL") ?? 0
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

}

/// Whether an erasure has reached the disk's main database file with nothing left behind.
public enum ErasureCompletion: Sendable, Equatable {
  /// Every page of the erased rows is overwritten in the database file and the WAL is empty.
  case complete
  /// Committed (the keys are deleted; haven cannot read the record), but copies of the erased
  /// rows may remain in the store's files for the reason given.
  case pending(erasures: Int, reason: ErasurePendingReason)
}

/// Why committed erasures are not yet complete, which decides who completes them and how.
/// The raw values are what `status --json` reports (docs/cli.md).
public enum ErasurePendingReason: String, Sendable, Equatable {
  /// SQLite: page images stay in the WAL until the reader holding an older snapshot finishes;
  /// the next command (`haven status`) completes them.
  case readerHoldsOlderSnapshot = "reader-holds-older-snapshot"
  /// PostgreSQL: the server keeps the old row versions in its tables until they are rewritten;
  /// an admin completes them with the schema owner's connection (`haven store complete-erasures`).
  case serverKeepsOldRowVersions = "server-keeps-old-row-versions"
}
