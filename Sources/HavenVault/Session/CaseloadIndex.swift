import Dispatch
import Foundation
import GRDB
import HavenCrypto

extension KeyDerivationContext {
  /// Team key (one version) -> that version's caseload key (subkey id = 1).
  static let caseload = KeyDerivationContext(uncheckedLabel: "HVNcase1")
}

/// A team's caseload index (docs/FORMAT.md, "Caseload index"): one sealed `CaseloadFacts` per
/// survivor, under a key derived from the team's current key. Triggers in the schema delete a
/// survivor's entry in the same transaction as any change to their case, so an entry is either
/// current or missing; missing entries, and entries under an older team key version, are
/// rebuilt from the case file at the next caseload read.
extension VaultSession {
  static let caseloadEntryDomain = "haven.caseload-entry.v1"

  func caseloadKey(_ db: Database, team: TeamRecord) throws -> KeyCache<CaseloadKeyPurpose>.Entry {
    // New entries are sealed under the version the signed directory says is current: never under
    // an older one that a removed member may still hold.
    try checkCurrentVersion(db, team)
    let name = "\(team.id)/\(team.currentKeyVersion)"
    if let entry = caseloadKeys.entry(name) { return entry }
    let teamKey = try teamKey(db, team: team, version: team.currentKeyVersion)
    return caseloadKeys.store(name, try teamKey.key.deriveSubkey(id: 1, context: .caseload, as: CaseloadKeyPurpose.self))
  }

  static func caseloadContext(vaultID: [UInt8], survivorID: Int64, teamID: Int64, keyVersion: Int64) -> [UInt8] {
    AssociatedData.encode(
      domain: caseloadEntryDomain, [.bytes(vaultID), .integer(survivorID), .integer(teamID), .integer(keyVersion)])
  }

  /// Builds the entries of `team`'s survivors that have none under its current key version.
  /// With `everything`, every entry of the team is rebuilt (after one failed authentication).
  /// Returns how many were built.
  func refreshCaseloadIndex(_ db: Database, team: TeamRecord, everything: Bool) throws -> Int {
    let key = try caseloadKey(db, team: team)
    if everything {
      try db.execute(sql: "DELETE FROM caseload_entries WHERE team_id = ?", arguments: [team.id])
    } else {
      // Entries exist only for the team's own survivors (the triggers delete one when its
      // survivor changes, moves or goes; one copied from elsewhere fails to open), so equal
      // counts mean none is missing, without joining the two tables.
      let survivors = try Int.fetchOne(
        db.cachedStatement(sql: "SELECT count(*) FROM survivors WHERE team_id = ?"), arguments: [team.id])
      let entries = try Int.fetchOne(
        db.cachedStatement(sql: "SELECT count(*) FROM caseload_entries WHERE team_id = ? AND team_key_version = ?"),
        arguments: [team.id, team.currentKeyVersion])
      if survivors == entries { return 0 }
    }
    let stale = try Int64.fetchAll(
      db,
      sql: """
        SELECT s.id FROM survivors s
        LEFT JOIN caseload_entries c ON c.survivor_id = s.id AND c.team_id = s.team_id AND c.team_key_version = ?
        WHERE s.team_id = ? AND c.survivor_id IS NULL ORDER BY s.id
        """, arguments: [team.currentKeyVersion, team.id])
    let today = CalendarDate.today()
    for survivorID in stale {
      guard let row = try SurvivorRow.fetch(db, id: survivorID) else { continue }
      let keys = try caseKeys(db, row)
      let reference = try SurvivorReference(
        parsing: try keys.open(row.envelopes[.reference] ?? [], at: SurvivorField.reference.location(row.id)))
      let facts = CaseloadFacts(
        reference: reference, safeContact: try decodeSafeContact(row, keys), referrals: try decodeReferrals(db, row, keys),
        sessions: try decodeSessions(db, row, keys), outcomes: try decodeOutcomes(db, row, keys),
        consents: try consentHistory(db, row, keys), today: today)
      let sealed = FieldEnvelope.seal(
        facts.encoded(), key: key.key,
        context: Self.caseloadContext(
          vaultID: metadata.vaultID, survivorID: row.id, teamID: team.id, keyVersion: team.currentKeyVersion))
      try db.cachedStatement(
        sql: "INSERT OR REPLACE INTO caseload_entries (team_id, survivor_id, team_key_version, facts) VALUES (?, ?, ?, ?)"
      ).execute(arguments: [team.id, row.id, team.currentKeyVersion, Data(sealed)])
    }
    return stale.count
  }

  /// Opens every entry of `team` (all current after `refreshCaseloadIndex`), counts the cases
  /// `judge` counts and keeps those it returns a value for. The database is read on this thread in
  /// chunks while earlier chunks are opened and judged on the other cores (opening is most of
  /// the cost, and each case is independent). Any entry that fails authentication or does not
  /// parse is reported as damage.
  func scanCaseloadIndex<Kept: Sendable>(
    _ db: Database, team: TeamRecord, judge: @escaping @Sendable (CaseloadFacts) -> (counted: Bool, kept: Kept?)
  ) throws -> (counted: Int, kept: [(survivorID: Int64, kept: Kept)]) {
    let key = try caseloadKey(db, team: team)
    nonisolated(unsafe) let sharedKey = key
    let vaultID = metadata.vaultID
    let teamID = team.id
    let version = team.currentKeyVersion
    let group = DispatchGroup()
    let queue = DispatchQueue.global(qos: .userInitiated)
    var chunks: [CaseloadChunk<Kept>] = []
    var pending: [(Int64, [UInt8])] = []
    pending.reserveCapacity(CaseloadChunk<Kept>.size)
    func dispatch() {
      let chunk = CaseloadChunk<Kept>(entries: pending)
      chunks.append(chunk)
      pending.removeAll(keepingCapacity: true)
      queue.async(group: group) {
        chunk.open { survivorID, envelope in
          let context = Self.caseloadContext(vaultID: vaultID, survivorID: survivorID, teamID: teamID, keyVersion: version)
          guard let plaintext = try? FieldEnvelope.open(envelope, key: sharedKey.key, context: context) else { return nil }
          return CaseloadFacts(decoding: plaintext)
        } judge: {
          judge($0)
        }
      }
    }
    // Chunks already dispatched finish before this returns, even when the read fails.
    defer { group.wait() }
    let rows = try Row.fetchCursor(
      db.cachedStatement(
        sql: "SELECT survivor_id, facts FROM caseload_entries WHERE team_id = ? AND team_key_version = ? ORDER BY survivor_id"),
      arguments: [team.id, team.currentKeyVersion])
    while let row = try rows.next() {
      pending.append((row[0], try row.withUnsafeData(atIndex: 1) { $0.map { [UInt8]($0) } ?? [] }))
      if pending.count == CaseloadChunk<Kept>.size { dispatch() }
    }
    if !pending.isEmpty { dispatch() }
    group.wait()
    var kept: [(survivorID: Int64, kept: Kept)] = []
    var counted = 0
    for chunk in chunks {
      if let damaged = chunk.damaged {
        throw VaultError.fieldAuthenticationFailed(table: "caseload_entries", recordID: damaged, field: "facts")
      }
      kept += chunk.kept
      counted += chunk.counted
    }
    return (counted, kept)
  }
}

/// One chunk of a caseload scan: its sealed entries in, what was kept (or the first damaged
/// entry) out. Written by one worker, read after the scan's group has finished.
private final class CaseloadChunk<Kept>: @unchecked Sendable {
  static var size: Int { 1024 }
  let entries: [(Int64, [UInt8])]
  private(set) var kept: [(survivorID: Int64, kept: Kept)] = []
  private(set) var damaged: Int64?
  private(set) var counted = 0

  init(entries: [(Int64, [UInt8])]) { self.entries = entries }

  func open(_ opener: (Int64, [UInt8]) -> CaseloadFacts?, judge: (CaseloadFacts) -> (counted: Bool, kept: Kept?)) {
    for (survivorID, envelope) in entries {
      guard let facts = opener(survivorID, envelope) else {
        damaged = survivorID
        return
      }
      let verdict = judge(facts)
      if verdict.counted { counted += 1 }
      if let value = verdict.kept { kept.append((survivorID, value)) }
    }
  }
}
