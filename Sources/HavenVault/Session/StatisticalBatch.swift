import Foundation
import HavenStore

/// One row's statistical columns as stored: its id, the id it belongs to (a survivor, or for a
/// referral event its referral), and its envelopes in the order of the query's field list.
struct StoredStatisticalRow: Sendable {
  let owner: Int64
  let id: Int64
  let envelopes: [[UInt8]?]
}

/// One survivor's statistical rows as stored, nothing decrypted.
struct StoredStatisticalSurvivor: Sendable {
  let id: Int64
  let keyVersion: Int64
  let ephemeralKey: [UInt8]
  /// The statistics key wrapped for the `reporting` role by an earlier report, if any.
  let wrappedKey: [UInt8]?
  /// gender, district, cohort.
  let envelopes: [[UInt8]?]
  var consents: [StoredStatisticalRow] = []
  var referrals: [StoredStatisticalRow] = []
  var events: [StoredStatisticalRow] = []
  var sessions: [StoredStatisticalRow] = []
  var outcomes: [StoredStatisticalRow] = []
}

/// Reads survivors' statistical rows a batch at a time: one query per table for a whole range of
/// survivors, instead of one per table per survivor (at 100,000 survivors that is 1,200 statements
/// instead of 600,000). Each query names its columns, and the decryption reads them by position.
enum StatisticalBatch {
  static let consentFields = ["purpose", "decision", "decided_on", "method", "expires"]
  static let referralFields = ["referral_date", "referrer_type", "pathway", "service", "age_band"]
  static let eventFields = ["status", "event_date", "service", "reason"]
  /// Date and attendance only: minutes and kind are never decrypted for statistics.
  static let sessionFields = ["session_date", "attendance", "referral"]
  static let outcomeFields = ["stage", "assessed_on", "wellbeing", "self", "trauma", "relationships", "referral"]

  /// Up to `limit` survivors with ids above `after`, in id order, with all their rows.
  static func fetch(_ db: StoreDatabase, after: Int64, limit: Int) throws -> [StoredStatisticalSurvivor] {
    var survivors: [StoredStatisticalSurvivor] = []
    let rows = try StoreRow.fetchCursor(
      db.cachedStatement(
        sql: """
          SELECT s.id, s.key_version, s.statistics_ephemeral_key, w.wrapped, s.gender, s.district, s.cohort
          FROM survivors s LEFT JOIN statistics_key_wraps w ON w.survivor_id = s.id
          WHERE s.id > ? ORDER BY s.id LIMIT ?
          """), arguments: [after, limit])
    while let row = try rows.next() {
      survivors.append(
        StoredStatisticalSurvivor(
          id: row[0], keyVersion: row[1], ephemeralKey: [UInt8](row[2] as Data),
          wrappedKey: (row[3] as Data?).map { [UInt8]($0) },
          envelopes: envelopes(row, from: 4, count: 3)))
    }
    guard let first = survivors.first?.id, let last = survivors.last?.id else { return [] }
    var position: [Int64: Int] = [:]
    for (index, survivor) in survivors.enumerated() { position[survivor.id] = index }
    func attach(_ sql: String, fields: Int, _ keyPath: WritableKeyPath<StoredStatisticalSurvivor, [StoredStatisticalRow]>) throws
    {
      let rows = try StoreRow.fetchCursor(db.cachedStatement(sql: sql), arguments: [first, last])
      while let row = try rows.next() {
        // Columns: survivor id, owner id, row id, then the fields.
        guard let index = position[row[0]] else { continue }
        survivors[index][keyPath: keyPath].append(
          StoredStatisticalRow(owner: row[1], id: row[2], envelopes: envelopes(row, from: 3, count: fields)))
      }
    }
    try attach(
      "SELECT survivor_id, survivor_id, id, \(consentFields.joined(separator: ", ")) FROM consent_events "
        + "WHERE survivor_id BETWEEN ? AND ? ORDER BY survivor_id, id", fields: consentFields.count, \.consents)
    try attach(
      "SELECT survivor_id, survivor_id, id, \(referralFields.joined(separator: ", ")) FROM referrals "
        + "WHERE survivor_id BETWEEN ? AND ? ORDER BY survivor_id, id", fields: referralFields.count, \.referrals)
    try attach(
      "SELECT r.survivor_id, e.referral_id, e.id, \(eventFields.map { "e.\($0)" }.joined(separator: ", ")) "
        + "FROM referral_events e JOIN referrals r ON r.id = e.referral_id "
        + "WHERE r.survivor_id BETWEEN ? AND ? ORDER BY e.referral_id, e.sequence", fields: eventFields.count, \.events)
    try attach(
      "SELECT survivor_id, survivor_id, id, \(sessionFields.joined(separator: ", ")) FROM support_sessions "
        + "WHERE survivor_id BETWEEN ? AND ? ORDER BY survivor_id, id", fields: sessionFields.count, \.sessions)
    try attach(
      "SELECT survivor_id, survivor_id, id, \(outcomeFields.joined(separator: ", ")) FROM outcome_assessments "
        + "WHERE survivor_id BETWEEN ? AND ? ORDER BY survivor_id, id", fields: outcomeFields.count, \.outcomes)
    return survivors
  }

  private static func envelopes(_ row: StoreRow, from start: Int, count: Int) -> [[UInt8]?] {
    (start..<start + count).map { index in (row[index] as Data?).map { [UInt8]($0) } }
  }
}
