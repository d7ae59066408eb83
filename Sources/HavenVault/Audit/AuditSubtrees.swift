import Foundation
import HavenCrypto
import HavenStore

/// The audit tree's perfect subtrees of 1,024 leaves, stored as they complete (format 12,
/// docs/FORMAT.md "Stored subtrees"), so that an inclusion proof reads about n/1,024 hashes and
/// at most two blocks of leaves instead of every leaf hash of the log. Like the stored leaf
/// hashes, they are never trusted: every proof is checked against the signed root, so a wrong
/// stored hash can make a true proof fail but never a false one verify, and `haven audit
/// verify` compares each with the entries.
enum AuditSubtrees {
  /// Blocks are perfect subtrees of 2^10 leaves: block b covers leaf indices b*1024 ..< (b+1)*1024.
  static let blockHeight = 10
  static let blockSize = 1 << blockHeight

  /// Stores the block a writer's append completed (in the append's transaction).
  static func store(_ db: StoreDatabase, block: Int, hash: MerkleTree.Hash) throws {
    try db.cachedStatement(
      sql: "INSERT INTO audit_subtrees (block, hash) VALUES (?, ?) ON CONFLICT (block) DO UPDATE SET hash = excluded.hash"
    ).execute(arguments: [
      block, Data(hash),
    ])
  }

  /// Every stored block below `count`, by block number.
  static func load(_ db: StoreDatabase, below count: Int) throws -> [Int: MerkleTree.Hash] {
    var blocks: [Int: MerkleTree.Hash] = [:]
    // A verifier may read a vault that an older haven wrote and no session has migrated yet.
    guard try db.tableExists("audit_subtrees") else { return blocks }
    let rows = try StoreRow.fetchCursor(db, sql: "SELECT block, hash FROM audit_subtrees WHERE block < ?", arguments: [count])
    while let row = try rows.next() { blocks[row[0]] = [UInt8](row[1] as Data) }
    return blocks
  }

  /// Fills the table from the stored leaf hashes of a log written before format 12: each
  /// complete block whose entries all carry a leaf hash (a block with one missing is left to the
  /// prover, which then reads its leaves).
  static func backfill(_ db: StoreDatabase) throws {
    var block: [MerkleTree.Hash] = []
    block.reserveCapacity(blockSize)
    var number = 0
    var expected: Int64 = 1
    var complete = true
    let rows = try StoreRow.fetchCursor(db, sql: "SELECT seq, leaf_hash FROM audit_entries ORDER BY seq")
    while let row = try rows.next() {
      // A gap in the numbering is for `audit verify` to name; nothing past it is stored.
      guard row[0] as Int64 == expected else { return }
      expected += 1
      if let hash = row[1] as Data? { block.append([UInt8](hash)) } else { complete = false }
      if expected - 1 == Int64((number + 1) * blockSize) {
        if complete && block.count == blockSize { try store(db, block: number, hash: MerkleTree.root(block)) }
        number += 1
        block.removeAll(keepingCapacity: true)
        complete = true
      }
    }
  }
}

/// Builds RFC 6962 inclusion paths in a tree of `treeSize` leaves from the stored blocks, reading
/// leaves only inside the blocks a path needs whole (the proved entry's own, and the last,
/// incomplete one). One reader serves many proofs against the same checkpoint.
struct AuditPathReader {
  let db: StoreDatabase
  let treeSize: Int
  private let blocks: [Int: MerkleTree.Hash]
  private var subtrees: [Range<Int>: MerkleTree.Hash] = [:]
  private let leafColumns: String

  init(_ db: StoreDatabase, treeSize: Int) throws {
    self.db = db
    self.treeSize = treeSize
    self.blocks = try AuditSubtrees.load(db, below: treeSize / AuditSubtrees.blockSize)
    self.leafColumns = try AuditEntry.orderedColumns(db)
  }

  /// PATH(seq - 1, D[treeSize]).
  mutating func path(seq: Int64) throws -> [MerkleTree.Hash] {
    try MerkleTree.inclusionProof(index: Int(seq - 1), treeSize: treeSize) { (range: Range<Int>) throws -> MerkleTree.Hash in
      try hash(range)
    }
  }

  /// MTH of the leaves in `range`: perfect ranges of whole blocks from the blocks; anything
  /// inside one block from its leaves; anything else split as RFC 6962 splits it.
  private mutating func hash(_ range: Range<Int>) throws -> MerkleTree.Hash {
    if let known = subtrees[range] { return known }
    let size = AuditSubtrees.blockSize
    let result: MerkleTree.Hash
    if range.count == size && range.lowerBound % size == 0 {
      let block = range.lowerBound / size
      result = try blocks[block] ?? MerkleTree.root(try leaves(range))
    } else if range.count <= size && range.lowerBound / size == (range.upperBound - 1) / size {
      result = MerkleTree.root(try leaves(range))
    } else {
      let split = range.lowerBound + MerkleTree.largestPowerOfTwo(below: range.count)
      result = MerkleTree.nodeHash(try hash(range.lowerBound..<split), try hash(split..<range.upperBound))
    }
    if range.count >= size { subtrees[range] = result }
    return result
  }

  /// The leaf hashes of `range` (0-based indices), as stored, or computed for an entry without one.
  private func leaves(_ range: Range<Int>) throws -> [MerkleTree.Hash] {
    var hashes: [MerkleTree.Hash] = []
    hashes.reserveCapacity(range.count)
    let rows = try StoreRow.fetchCursor(
      db, sql: "SELECT \(leafColumns) FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq",
      arguments: [range.lowerBound, range.upperBound])
    while let row = try rows.next() {
      if let hash = row[10] as Data? {
        hashes.append([UInt8](hash))
      } else {
        hashes.append(AuditEntry(positional: row).leafHash)
      }
    }
    guard hashes.count == range.count else {
      throw VaultError.databaseDamaged(
        "audit entries \(range.lowerBound + 1)-\(range.upperBound) are not all there (run 'haven audit verify')")
    }
    return hashes
  }
}
