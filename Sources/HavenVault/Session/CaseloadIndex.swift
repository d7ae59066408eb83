import Dispatch
import Foundation
import HavenCrypto
import HavenStore

extension KeyDerivationContext {
  /// Team key (one version) -> that version's caseload entry key (subkey id = 1) and caseload
  /// bucket key (subkey id = 2).
  static let caseload = KeyDerivationContext(uncheckedLabel: "HVNcase1")
}

/// A team's caseload index (docs/FORMAT.md, "Caseload index"): one sealed `CaseloadFacts` per
/// survivor, under a key derived from the team's current key. Triggers in the schema delete a
/// survivor's entry in the same transaction as any change to their case, so an entry is either
/// current or missing; missing entries, and entries under an older team key version, are
/// rebuilt from the case file at the next caseload read.
extension VaultSession {
  static let caseloadEntryDomain = "haven.caseload-entry.v1"

  func caseloadKey(_ db: StoreDatabase, team: TeamRecord, subkey: UInt64 = 1) throws -> KeyCache<CaseloadKeyPurpose>.Entry {
    // New entries are sealed under the version the signed directory says is current: never under
    // an older one that a removed member may still hold.
    try checkCurrentVersion(db, team)
    let name = "\(team.id)/\(team.currentKeyVersion)/\(subkey)"
    if let entry = caseloadKeys.entry(name) { return entry }
    let teamKey = try teamKey(db, team: team, version: team.currentKeyVersion)
    return caseloadKeys.store(
      name, try teamKey.key.deriveSubkey(id: subkey, context: .caseload, as: CaseloadKeyPurpose.self))
  }

  static let caseloadBucketDomain = "haven.caseload-bucket-envelope.v1"

  static func caseloadBucketContext(vaultID: [UInt8], teamID: Int64, bucket: Int64, keyVersion: Int64) -> [UInt8] {
    AssociatedData.encode(
      domain: caseloadBucketDomain, [.bytes(vaultID), .integer(teamID), .integer(bucket), .integer(keyVersion)])
  }

  /// Brings `team`'s caseload index up to date before a read (or rebuilds it whole with
  /// `rebuild`): missing entries from the case files, then missing buckets from the entries.
  /// Returns how many entries were built.
  func updateCaseloadIndex(_ db: StoreDatabase, team: TeamRecord, rebuild: Bool) throws -> Int {
    guard try rebuild || !caseloadIndexIsCurrent(db, team: team) else { return 0 }
    let built = try refreshCaseloadEntries(db, team: team, everything: rebuild)
    try refreshCaseloadBuckets(db, team: team)
    return built
  }

  /// Seals again every bucket of `team` that a changed entry removed (the triggers delete a
  /// bucket whenever one of its entries is written or deleted), from the entries.
  private func refreshCaseloadBuckets(_ db: StoreDatabase, team: TeamRecord) throws {
    let version = team.currentKeyVersion
    let missing = try Int64.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT DISTINCT survivor_id / 64 AS bucket FROM caseload_entries WHERE team_id = ? AND team_key_version = ?
          EXCEPT SELECT bucket FROM caseload_buckets WHERE team_id = ? AND team_key_version = ?
          """), arguments: [team.id, version, team.id, version])
    guard !missing.isEmpty else { return }
    let entryKey = try caseloadKey(db, team: team)
    let bucketKey = try caseloadKey(db, team: team, subkey: 2)
    for bucket in missing {
      var entries: [(survivorID: Int64, plaintext: [UInt8])] = []
      let rows = try StoreRow.fetchCursor(
        db.cachedStatement(
          sql: """
            SELECT survivor_id, facts FROM caseload_entries
            WHERE team_id = ? AND team_key_version = ? AND survivor_id BETWEEN ? AND ? ORDER BY survivor_id
            """),
        arguments: [team.id, version, bucket * CaseloadBucket.size, bucket * CaseloadBucket.size + CaseloadBucket.size - 1])
      while let row = try rows.next() {
        let survivorID: Int64 = row[0]
        let context = Self.caseloadContext(
          vaultID: metadata.vaultID, survivorID: survivorID, teamID: team.id, keyVersion: version)
        guard let plaintext = try? FieldEnvelope.open([UInt8](row[1] as Data), key: entryKey.key, context: context),
          CaseloadFacts(decoding: plaintext) != nil
        else { throw VaultError.fieldAuthenticationFailed(table: "caseload_entries", recordID: survivorID, field: "facts") }
        entries.append((survivorID, plaintext))
      }
      let sealed = FieldEnvelope.seal(
        CaseloadBucket.encoded(entries), key: bucketKey.key,
        context: Self.caseloadBucketContext(vaultID: metadata.vaultID, teamID: team.id, bucket: bucket, keyVersion: version))
      try db.cachedStatement(
        sql: """
          INSERT INTO caseload_buckets (team_id, bucket, team_key_version, entries, facts) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (team_id, bucket) DO UPDATE SET team_key_version = excluded.team_key_version,
            entries = excluded.entries, facts = excluded.facts
          """
      ).execute(arguments: [team.id, bucket, version, entries.count, Data(sealed)])
    }
  }

  static func caseloadContext(vaultID: [UInt8], survivorID: Int64, teamID: Int64, keyVersion: Int64) -> [UInt8] {
    AssociatedData.encode(
      domain: caseloadEntryDomain, [.bytes(vaultID), .integer(survivorID), .integer(teamID), .integer(keyVersion)])
  }

  /// Whether every survivor of `team` is in a bucket under its current key version: one index
  /// scan of the team's survivors against the buckets' member counts, instead of comparing the
  /// entries row by row. Buckets hold only the team's survivors (any change to an entry deletes
  /// its bucket, and a survivor that moves or goes takes its entry with it), so equal numbers of
  /// survivors and bucket members, and of buckets, mean nothing is missing.
  private func caseloadIndexIsCurrent(_ db: StoreDatabase, team: TeamRecord) throws -> Bool {
    guard
      let survivors = try StoreRow.fetchOne(
        db.cachedStatement(sql: "SELECT count(*), count(DISTINCT id / 64) FROM survivors WHERE team_id = ?"),
        arguments: [team.id]),
      let buckets = try StoreRow.fetchOne(
        db.cachedStatement(
          sql: "SELECT count(*), coalesce(sum(entries), 0) FROM caseload_buckets WHERE team_id = ? AND team_key_version = ?"),
        arguments: [team.id, team.currentKeyVersion])
    else { return false }
    return (survivors[0] as Int) == (buckets[1] as Int) && (survivors[1] as Int) == (buckets[0] as Int)
  }

  /// Builds the entries of `team`'s survivors that have none under its current key version.
  /// With `everything`, every entry of the team is rebuilt (after one failed authentication).
  /// Returns how many were built.
  private func refreshCaseloadEntries(_ db: StoreDatabase, team: TeamRecord, everything: Bool) throws -> Int {
    let key = try caseloadKey(db, team: team)
    if everything {
      try db.execute(sql: "DELETE FROM caseload_entries WHERE team_id = ?", arguments: [team.id])
      try db.execute(sql: "DELETE FROM caseload_buckets WHERE team_id = ?", arguments: [team.id])
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
        sql: """
          INSERT INTO caseload_entries (team_id, survivor_id, team_key_version, facts) VALUES (?, ?, ?, ?)
          ON CONFLICT (survivor_id) DO UPDATE SET team_id = excluded.team_id,
            team_key_version = excluded.team_key_version, facts = excluded.facts
          """
      ).execute(arguments: [team.id, row.id, team.currentKeyVersion, Data(sealed)])
    }
    return stale.count
  }

  /// Opens every bucket of `team` (all current after `updateCaseloadIndex`), counts the cases
  /// `judge` counts and keeps those it returns a value for. The database is read on this thread in
  /// chunks while earlier chunks are opened and judged on the other cores (each bucket is
  /// independent). A bucket that fails authentication or does not parse is reported as damage.
  func scanCaseloadIndex<Kept: Sendable>(
    _ db: StoreDatabase, team: TeamRecord, judge: @escaping @Sendable (CaseloadFacts) -> (counted: Bool, kept: Kept?)
  ) throws -> (counted: Int, kept: [(survivorID: Int64, kept: Kept)]) {
    let key = try caseloadKey(db, team: team, subkey: 2)
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
      let chunk = CaseloadChunk<Kept>(buckets: pending)
      chunks.append(chunk)
      pending.removeAll(keepingCapacity: true)
      queue.async(group: group) {
        chunk.open { bucket, envelope in
          let context = Self.caseloadBucketContext(vaultID: vaultID, teamID: teamID, bucket: bucket, keyVersion: version)
          return try? FieldEnvelope.open(envelope, key: sharedKey.key, context: context)
        } judge: {
          judge($0)
        }
      }
    }
    // Chunks already dispatched finish before this returns, even when the read fails.
    defer { group.wait() }
    let rows = try StoreRow.fetchCursor(
      db.cachedStatement(
        sql: "SELECT bucket, facts FROM caseload_buckets WHERE team_id = ? AND team_key_version = ? ORDER BY bucket"),
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
        throw VaultError.fieldAuthenticationFailed(table: "caseload_buckets", recordID: damaged, field: "facts")
      }
      kept += chunk.kept
      counted += chunk.counted
    }
    return (counted, kept)
  }
}

/// One chunk of a caseload scan: its sealed buckets in, what was kept (or the first damaged
/// bucket) out. Written by one worker, read after the scan's group has finished.
private final class CaseloadChunk<Kept>: @unchecked Sendable {
  static var size: Int { 32 }
  let buckets: [(Int64, [UInt8])]
  private(set) var kept: [(survivorID: Int64, kept: Kept)] = []
  private(set) var damaged: Int64?
  private(set) var counted = 0

  init(buckets: [(Int64, [UInt8])]) { self.buckets = buckets }

  func open(_ opener: (Int64, [UInt8]) -> [UInt8]?, judge: (CaseloadFacts) -> (counted: Bool, kept: Kept?)) {
    for (bucket, envelope) in buckets {
      guard let plaintext = opener(bucket, envelope),
        CaseloadBucket.visit(
          plaintext, bucket: bucket,
          { survivorID, facts in
            let verdict = judge(facts)
            if verdict.counted { counted += 1 }
            if let value = verdict.kept { kept.append((survivorID, value)) }
          })
      else {
        damaged = bucket
        return
      }
    }
  }
}
