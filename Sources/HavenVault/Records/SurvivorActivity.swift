import Foundation
import HavenStore

/// When each survivor was last active, for the retention policy: the latest of their row's
/// `updated_at` and the `created_at` of every record of theirs (format 13, docs/FORMAT.md
/// "Survivor activity"). Kept by triggers in the statement that writes, so `retention due` reads
/// the survivors past the cut-off from an index instead of every survivor's records. It holds
/// nothing the timestamps beside it do not already say. Someone editing the file can change it
/// as they could those timestamps; a survivor left without a row is found and given one again.
enum SurvivorActivity {
  /// The tables whose rows name a survivor directly (referral events name a referral).
  static let childTables = ["referrals", "support_sessions", "outcome_assessments", "consent_events", "related_people"]

  /// The trigger statement that moves a survivor's last activity forward to `time`.
  static func touch(survivor: String, at time: String) -> String {
    """
    INSERT INTO survivor_activity (survivor_id, last_activity) SELECT id, \(time) FROM survivors WHERE id = \(survivor)
      ON CONFLICT(survivor_id) DO UPDATE SET last_activity = max(last_activity, excluded.last_activity);
    """
  }

  /// The latest activity of the survivors `filter` selects, from their records themselves.
  private static func computed(where filter: String, greatest: String) -> String {
    """
    SELECT s.id, \(greatest)(s.updated_at,
      coalesce((SELECT max(created_at) FROM referrals WHERE survivor_id = s.id), ''),
      coalesce((SELECT max(e.created_at) FROM referral_events e JOIN referrals r ON r.id = e.referral_id WHERE r.survivor_id = s.id), ''),
      coalesce((SELECT max(created_at) FROM support_sessions WHERE survivor_id = s.id), ''),
      coalesce((SELECT max(created_at) FROM outcome_assessments WHERE survivor_id = s.id), ''),
      coalesce((SELECT max(created_at) FROM consent_events WHERE survivor_id = s.id), ''),
      coalesce((SELECT max(created_at) FROM related_people WHERE survivor_id = s.id), ''))
    FROM survivors s WHERE \(filter)
    """
  }

  /// Fills the table for every survivor without a row (the format-13 migration; a row deleted
  /// outside haven).
  static func backfill(_ db: StoreDatabase) throws {
    try db.execute(
      sql: "INSERT INTO survivor_activity (survivor_id, last_activity) "
        + computed(where: "s.id NOT IN (SELECT survivor_id FROM survivor_activity)", greatest: db.dialect.greatest))
  }

  /// Survivors whose last activity is before `cutoff` (ISO 8601 text), in id order.
  static func before(_ cutoff: String, _ db: StoreDatabase) throws -> [(survivorID: Int64, lastActivity: String)] {
    // Counting both sides is two small index scans; a difference means rows were lost.
    let survivors = try Int.fetchOne(db, sql: "SELECT count(*) FROM survivors") ?? 0
    let active = try Int.fetchOne(db, sql: "SELECT count(*) FROM survivor_activity") ?? 0
    if survivors != active { try backfill(db) }
    return try StoreRow.fetchAll(
      db,
      sql: "SELECT survivor_id, last_activity FROM survivor_activity WHERE last_activity < ? ORDER BY survivor_id",
      arguments: [cutoff]
    ).map { ($0[0], $0[1]) }
  }
}
