import Foundation
import HavenCrypto
import HavenStore

/// Appends audit entries and signs checkpoints. Callers pass the `StoreDatabase` of the transaction
/// that performs the access, so the entry, the extended Merkle tree and the signed checkpoint all
/// commit or roll back with it: there is no access without its entry, and no entry a checkpoint
/// does not cover once its transaction commits (docs/FORMAT.md, "Audit log").
enum AuditLog {
  /// Appends one entry in a transaction of its own (vault creation, failed unlocks).
  static func append(
    _ db: StoreDatabase, actor: Int64?, action: AuditAction, target: String? = nil, subject: String? = nil,
    outcome: AuditOutcome = .ok, detail: String? = nil, reason: (Int64) throws -> [UInt8]? = { _ in nil },
    breakGlass: Bool = false
  ) throws {
    let writer = AuditWriter()
    try writer.append(
      db, actor: actor, action: action, target: target, subject: subject, outcome: outcome, detail: detail, reason: reason,
      breakGlass: breakGlass)
    _ = try writer.finish(db)
  }

  /// Writes a checkpoint for the current tree, signed by the acting user, if entries were added
  /// since the last one. Called at the end of every write transaction of an unlocked user.
  static func checkpoint(
    _ db: StoreDatabase, metadata: VaultMetadata, signer: borrowing SigningKeyPair, signerName: String, signerID: Int64,
    frontier known: MerkleFrontier? = nil
  ) throws {
    let frontier = try known ?? AuditTree.load(db)
    let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT max(tree_size) FROM audit_checkpoints")) ?? 0
    guard frontier.size > last else { return }
    let now = Timestamp.now()
    var extensions = ["time \(now)"]
    if let head = try DirectoryLog.head(db) { extensions.append(DirectoryLine(length: head.length, head: head.hash).text) }
    let checkpoint = Checkpoint(origin: origin(metadata), size: frontier.size, root: frontier.root, extensions: extensions)
    let note = try SignedNote.sign(text: checkpoint.text, name: keyName(metadata, user: signerName), with: signer)
    try db.cachedStatement(
      sql: "INSERT INTO audit_checkpoints (tree_size, root_hash, note, signer_user_id, created_at) VALUES (?, ?, ?, ?, ?)"
    ).execute(arguments: [frontier.size, Data(checkpoint.root), note.encoded, signerID, now])
  }

  /// The checkpoint origin line: names the vault by its id.
  static func origin(_ metadata: VaultMetadata) -> String { "haven/\(Hex.encode(metadata.vaultID))" }

  /// A user's signed-note key name.
  static func keyName(_ metadata: VaultMetadata, user: String) -> String { origin(metadata) + "/" + user }
}

/// Appends entries within one transaction, keeping the tree's right edge in memory and writing
/// it back once, at `finish`. Every append of a transaction must go through the same writer:
/// a second writer would read a stale edge.
final class AuditWriter {
  private var frontier: MerkleFrontier?
  /// Subtrees below this position are unchanged since the edge was loaded.
  private var unchanged = Int.max

  /// Returns the new entry's sequence number (a row that names its audit entry stores it).
  @discardableResult
  func append(
    _ db: StoreDatabase, actor: Int64?, action: AuditAction, target: String? = nil, subject: String? = nil,
    outcome: AuditOutcome = .ok, detail: String? = nil, reason: (Int64) throws -> [UInt8]? = { _ in nil },
    breakGlass: Bool = false
  ) throws -> Int64 {
    var edge = try frontier ?? AuditTree.load(db)
    let seq = Int64(edge.size) + 1
    let entry = AuditEntry(
      seq: seq, recordedAt: Timestamp.now(), actorUserID: actor, action: action.rawValue, target: target, subject: subject,
      outcome: outcome.rawValue, detail: detail, reason: try reason(seq), breakGlass: breakGlass, actorSalt: Random.bytes(16))
    let leafHash = entry.leafHash
    try db.cachedStatement(
      sql: """
        INSERT INTO audit_entries (seq, recorded_at, actor_user_id, action, target, subject, outcome, detail, reason, break_glass,
          leaf_hash, actor_salt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      seq, entry.recordedAt, actor, entry.action, target, subject, entry.outcome, detail, entry.reason.map { Data($0) },
      breakGlass ? 1 : 0, Data(leafHash), entry.actorSalt.map { Data($0) },
    ])
    let before = edge.subtrees.count
    if let block = edge.append(leafHash: leafHash, completing: AuditSubtrees.blockHeight) {
      try AuditSubtrees.store(db, block: edge.size / AuditSubtrees.blockSize - 1, hash: block)
    }
    unchanged = min(unchanged, min(before, edge.subtrees.count) - 1)
    frontier = edge
    return seq
  }

  /// Writes the edge back if entries were appended; returns it (nil when nothing was appended).
  func finish(_ db: StoreDatabase) throws -> MerkleFrontier? {
    guard let frontier else { return nil }
    try AuditTree.save(db, frontier, unchangedPrefix: unchanged)
    return frontier
  }
}

/// The Merkle tree's right edge, kept in the database so each transaction costs O(log n).
enum AuditTree {
  static func load(_ db: StoreDatabase) throws -> MerkleFrontier {
    guard let size = try Int.fetchOne(db.cachedStatement(sql: "SELECT size FROM audit_tree_state WHERE singleton = 1")) else {
      return try rebuild(db)
    }
    // max(seq) is an index lookup; counting rows would make every append cost O(n). A row
    // deleted from the middle is left for `haven audit verify` to name.
    let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM audit_entries")) ?? 0
    guard size == last else {
      throw VaultError.databaseDamaged(
        "the audit log ends at entry \(last) but its tree at \(size): it was edited outside haven (run 'haven audit verify')")
    }
    let subtrees = try StoreRow.fetchAll(db.cachedStatement(sql: "SELECT height, hash FROM audit_frontier ORDER BY position")).map
    {
      MerkleFrontier.Subtree(height: $0["height"], hash: [UInt8]($0["hash"] as Data))
    }
    return MerkleFrontier(subtrees: subtrees, size: size)
  }

  static func save(_ db: StoreDatabase, _ frontier: MerkleFrontier, unchangedPrefix: Int) throws {
    let keep = max(unchangedPrefix, 0)
    try db.cachedStatement(sql: "DELETE FROM audit_frontier WHERE position >= ?").execute(arguments: [keep])
    for (position, subtree) in frontier.subtrees.enumerated().dropFirst(keep) {
      try db.cachedStatement(sql: "INSERT INTO audit_frontier (position, height, hash) VALUES (?, ?, ?)").execute(arguments: [
        position, subtree.height, Data(subtree.hash),
      ])
    }
    try db.execute(
      sql:
        "INSERT INTO audit_tree_state (singleton, size) VALUES (1, ?) ON CONFLICT(singleton) DO UPDATE SET size = excluded.size",
      arguments: [frontier.size])
  }

  /// Builds the tree over entries written before the audit log had one (vaults of format 2),
  /// renumbering nothing: their sequence numbers must already run 1, 2, 3, ...
  private static func rebuild(_ db: StoreDatabase) throws -> MerkleFrontier {
    var frontier = MerkleFrontier()
    let rows = try StoreRow.fetchAll(db, sql: "SELECT * FROM audit_entries ORDER BY seq")
    for row in rows {
      let entry = AuditEntry(row: row)
      guard entry.seq == Int64(frontier.size) + 1 else {
        throw VaultError.databaseDamaged(
          "audit entries are not numbered 1, 2, 3, ...: entry \(entry.seq) follows \(frontier.size)")
      }
      try db.cachedStatement(sql: "UPDATE audit_entries SET leaf_hash = ? WHERE seq = ?").execute(arguments: [
        Data(entry.leafHash), entry.seq,
      ])
      if let block = frontier.append(leafHash: entry.leafHash, completing: AuditSubtrees.blockHeight) {
        try AuditSubtrees.store(db, block: frontier.size / AuditSubtrees.blockSize - 1, hash: block)
      }
    }
    try save(db, frontier, unchangedPrefix: 0)
    return frontier
  }
}

/// UTC timestamps in ISO 8601 with seconds, the one format stored everywhere.
enum Timestamp {
  static func now() -> String {
    format(Date())
  }

  /// ISO 8601 in UTC to the second (`2025-04-02T09:30:00Z`), as `Date.formatted(.iso8601)`
  /// writes it, without Foundation's formatter: every record and audit entry carries one.
  static func format(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { DecimalText.padded(Int(value), width: 2) }
    return "\(DecimalText.padded(Int(parts.tm_year) + 1900, width: 4))-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
      + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}
