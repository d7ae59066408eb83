import Foundation
import HavenCrypto
import HavenStore

/// The `directory_entries` table: appends signed entries inside the caller's transaction and
/// replays them, verifying every signature and rule, into a `DirectoryState`.
enum DirectoryLog {
  /// Replays the whole chain. A vault upgraded from format 5 and not yet anchored has none.
  static func load(_ db: StoreDatabase, vaultID: [UInt8], verifiedUpTo prefix: DirectoryPrefix? = nil) throws -> DirectoryState {
    try extend(DirectoryState(vaultID: vaultID), db, verifiedUpTo: prefix)
  }

  static func isEmpty(_ db: StoreDatabase) throws -> Bool {
    try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM directory_entries)") ?? false)
  }

  /// Applies the entries written since `state` was built, after checking that its last entry is
  /// still the one it saw (a chain cut back or rewritten under a running process is refused).
  static func extend(
    _ state: DirectoryState, _ db: StoreDatabase, verifiedUpTo prefix: DirectoryPrefix? = nil
  ) throws
    -> DirectoryState
  {
    var state = state
    if state.length > 0 {
      guard
        let row = try StoreRow.fetchOne(
          db.cachedStatement(sql: "SELECT body FROM directory_entries WHERE seq = ?"), arguments: [state.length])
      else {
        throw VaultError.databaseDamaged("directory entry \(state.length) has gone: the directory was cut back")
      }
      guard SHA256.hash([UInt8](row["body"] as Data)) == state.head else {
        throw VaultError.databaseDamaged("directory entry \(state.length) was rewritten")
      }
    }
    let rows = try StoreRow.fetchCursor(
      db.cachedStatement(sql: "SELECT seq, body, signature FROM directory_entries WHERE seq > ? ORDER BY seq"),
      arguments: [state.length])
    while let row = try rows.next() {
      let seq: Int64 = row["seq"]
      guard
        let entry = DirectoryEntry.decode(
          body: [UInt8](row["body"] as Data), signature: [UInt8](row["signature"] as Data), vaultID: state.vaultID),
        entry.seq == seq
      else { throw VaultError.databaseDamaged("directory entry \(seq) is not a well-formed entry of this vault") }
      let vouched = prefix.map { seq <= $0.length } ?? false
      do {
        try state.apply(entry, signatureChecked: vouched)
      } catch {
        throw VaultError.databaseDamaged(error.message)
      }
      if let prefix, seq == prefix.length, state.head != prefix.head {
        throw VaultError.databaseDamaged(prefix.rewritten)
      }
    }
    if let prefix, state.length < prefix.length { throw VaultError.databaseDamaged(prefix.rewritten) }
    return state
  }

  /// Appends an event signed by its author, after the chain's current last entry. Returns the
  /// directory's new length.
  @discardableResult
  static func append(
    _ db: StoreDatabase, vaultID: [UInt8], event: DirectoryEvent, author: Int64, sign: ([UInt8]) -> [UInt8]
  ) throws -> Int64 {
    let last = try StoreRow.fetchOne(
      db.cachedStatement(sql: "SELECT seq, body FROM directory_entries ORDER BY seq DESC LIMIT 1"))
    let seq = (last?["seq"] as Int64? ?? 0) + 1
    let previous = last.map { SHA256.hash([UInt8]($0["body"] as Data)) } ?? DirectoryEntry.noPrevious
    let body = DirectoryEntry.body(vaultID: vaultID, seq: seq, previousHash: previous, author: author, event: event)
    try db.cachedStatement(
      sql: "INSERT INTO directory_entries (seq, body, signature, recorded_at) VALUES (?, ?, ?, ?)"
    ).execute(arguments: [seq, Data(body), Data(sign(body)), Timestamp.now()])
    return seq
  }

  /// The chain's length and head, as checkpoints name it.
  static func head(_ db: StoreDatabase) throws -> (length: Int64, hash: [UInt8])? {
    guard
      let row = try StoreRow.fetchOne(
        db.cachedStatement(sql: "SELECT seq, body FROM directory_entries ORDER BY seq DESC LIMIT 1"))
    else { return nil }
    return (row["seq"], SHA256.hash([UInt8](row["body"] as Data)))
  }
}

/// How far this workstation verified a vault's directory before (its pin): the length and the
/// hash of the last entry then. Entries up to it need no signature check if the chain still
/// reaches that head; a chain that no longer does was rolled back or rewritten.
struct DirectoryPrefix: Equatable {
  let length: Int64
  let head: [UInt8]
  let pins: String

  var rewritten: String {
    "its signed directory no longer contains entry \(length) as this workstation verified it (\(pins)): "
      + "the vault was rolled back to an older copy or its history rewritten (if you restored an older backup on "
      + "purpose, remove this vault's line from that file and unlock again)"
  }
}
