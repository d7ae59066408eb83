import Foundation
import HavenCrypto
import HavenStore

/// Proof that one audit entry is in the log, against a signed checkpoint, revealing no other
/// entry: the entry's leaf data, its index, and the RFC 6962 audit path (docs/FORMAT.md).
public struct AuditInclusionProof: Sendable {
  public let seq: Int64
  /// 0-based leaf index (seq - 1).
  public let leafIndex: Int
  public let leafData: [UInt8]
  public let leafHash: MerkleTree.Hash
  public let treeSize: Int
  public let path: [MerkleTree.Hash]
  /// The signed checkpoint note the proof is against.
  public let checkpoint: String

  /// Checks the proof against the root in the checkpoint note (its signature is checked by
  /// `haven audit verify`, or by any signed-note implementation).
  public func verifies() -> Bool {
    guard let note = try? SignedNote(parsing: checkpoint), let tree = try? Checkpoint(parsing: note.text), tree.size == treeSize
    else {
      return false
    }
    return MerkleTree.leafHash(leafData) == leafHash
      && MerkleTree.verifyInclusion(leafHash: leafHash, index: leafIndex, treeSize: treeSize, proof: path, root: tree.root)
  }
}

extension AuditVerifier {
  /// An inclusion proof of entry `seq` against the latest checkpoint that covers it.
  public func inclusionProof(seq: Int64) throws(VaultError) -> AuditInclusionProof {
    do {
      return try database.read { db in
        guard
          let checkpoint = try StoreRow.fetchOne(
            db, sql: "SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1"),
          let row = try StoreRow.fetchOne(db, sql: "SELECT * FROM audit_entries WHERE seq = ?", arguments: [seq])
        else { throw VaultError.notFound(kind: "audit entry", name: String(seq)) }
        let size: Int = checkpoint["tree_size"]
        guard seq >= 1, seq <= size else {
          throw VaultError.invalidArgument("entry \(seq) is not yet covered by a signed checkpoint (latest covers 1-\(size))")
        }
        // Stored subtree and leaf hashes: the proof is checked against the signed root
        // (`verifies`), so a wrong stored hash cannot make a false proof verify.
        var reader = try AuditPathReader(db, treeSize: size)
        let path = try reader.path(seq: seq)
        let entry = AuditEntry(row: row)
        return AuditInclusionProof(
          seq: seq, leafIndex: Int(seq - 1), leafData: entry.leafData, leafHash: entry.leafHash, treeSize: size,
          path: path, checkpoint: checkpoint["note"])
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}
