import Foundation
import HavenCrypto
import HavenStore

extension VaultSession {
  /// Places a hold on a survivor (optionally naming one referral) linked to a live investigation.
  /// Members of the holding team and admins who are members may place one; the reason is sealed
  /// for admins and auditors. Audited.
  public func placeHold(_ reference: SurvivorReference, referral: Int64? = nil, reason: String) throws(VaultError) -> Int64 {
    guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalidArgument("a hold needs a reason") }
    try FieldText.check(reason, field: "reason", .longText)
    return try withCaseFile(reference, action: .holdPlace) { db, row, _ in
      if let referral {
        let belongs =
          try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM referrals WHERE id = ? AND survivor_id = ?)", arguments: [referral, row.id])
          ?? false
        guard belongs else { throw VaultError.invalidArgument("referral \(referral) is not one of \(reference)'s referrals") }
      }
      let id = try nextID(db, table: "legal_holds")
      try db.execute(
        sql: "INSERT INTO legal_holds (id, survivor_id, referral_id, reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, ?)",
        arguments: [
          id, row.id, referral, Data(try sealReason(reason, kind: .hold, id: id)), user.id,
          Timestamp.now(),
        ])
      return id
    }
  }

  /// Lifts a hold (admin only). Audited.
  public func liftHold(_ id: Int64) throws(VaultError) {
    try authorize(.liftHolds, action: .holdLift, target: "hold:\(id)")
    try transaction { db in
      try db.execute(
        sql: "UPDATE legal_holds SET lifted_by = ?, lifted_at = ? WHERE id = ? AND lifted_at IS NULL",
        arguments: [user.id, Timestamp.now(), id])
      guard db.changesCount == 1 else { throw VaultError.notFound(kind: "active legal hold", name: String(id)) }
      try record(db, action: .holdLift, target: "hold:\(id)")
    }
  }

  /// Active holds (admins and auditors: they hold the key their reasons are sealed under).
  public func listHolds() throws(VaultError) -> [LegalHold] {
    try authorize(.readAuditLog, action: .holdList, target: "holds")
    return try transaction { db in
      try record(db, action: .holdList, target: "holds")
      return try activeHolds(db, survivor: nil)
    }
  }

  func activeHolds(_ db: StoreDatabase, survivor: Int64?) throws -> [LegalHold] {
    let names = Dictionary(
      uniqueKeysWithValues: try StoreRow.fetchAll(db, sql: "SELECT id, name FROM users").map {
        ($0["id"] as Int64, $0["name"] as String)
      })
    let rows = try StoreRow.fetchAll(
      db, sql: "SELECT * FROM legal_holds WHERE lifted_at IS NULL AND (CAST(? AS BIGINT) IS NULL OR survivor_id = ?) ORDER BY id",
      arguments: [survivor, survivor])
    return try rows.map { row in
      let id: Int64 = row["id"]
      return LegalHold(
        id: id, survivorID: row["survivor_id"], referralID: row["referral_id"],
        reason: try openReason(db, [UInt8](row["reason"] as Data), kind: .hold, id: id),
        placedBy: names[row["placed_by"]] ?? "?", placedAt: row["placed_at"])
    }
  }
}
