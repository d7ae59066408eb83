import Foundation
import HavenCrypto
import Testing

@testable import HavenVault

/// Recomputes the audit-log worked example of docs/FORMAT.md (docs/vectors/audit-v1.json).
@Suite("docs/FORMAT.md audit-log worked example")
struct AuditFormatVectorTests {
  static var vector: [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/vectors/audit-v1.json")
    return (try? JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]) ?? [:]
  }

  @Test("stored subtrees (format 12): each block is its 1,024 leaves' MTH, and a path read through them is PATH")
  func storedSubtrees() throws {
    let vector = try #require(Self.vector["stored_subtrees"] as? [String: Any])
    let count = try #require(vector["leaf_count"] as? Int)
    let leaves = (0..<count).map { (index: Int) -> MerkleTree.Hash in
      let data = withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) }
      return MerkleTree.leafHash(data)
    }
    var frontier = MerkleFrontier()
    var blocks: [MerkleTree.Hash] = []
    for leaf in leaves {
      if let block = frontier.append(leafHash: leaf, completing: AuditSubtrees.blockHeight) { blocks.append(block) }
    }
    #expect(blocks.map(Hex.encode) == [vector["block_0"] as? String, vector["block_1"] as? String].compactMap { $0 })
    #expect(Hex.encode(frontier.root) == vector["root"] as? String)
    let expected = try #require(vector["inclusion_proof_index_4"] as? [String])
    #expect(MerkleTree.inclusionProof(index: 4, leaves[...]).map(Hex.encode) == expected)
    #expect(
      MerkleTree.verifyInclusion(
        leafHash: leaves[4], index: 4, treeSize: count, proof: expected.map { Hex.decode($0)! }, root: frontier.root))
  }

  @Test("entries encode to the stated leaves; leaves give the root; the note verifies; the proofs verify")
  func workedExample() throws {
    let vector = Self.vector
    let entries = try #require(vector["entries"] as? [[String: Any]])
    var leaves: [MerkleTree.Hash] = []
    for raw in entries {
      let entry = AuditEntry(
        seq: Int64(raw["seq"] as! Int), recordedAt: raw["recorded_at"] as! String,
        actorUserID: (raw["actor_user_id"] as? Int).map(Int64.init),
        action: raw["action"] as! String, target: raw["target"] as? String, subject: raw["subject"] as? String,
        outcome: raw["outcome"] as! String,
        detail: raw["detail"] as? String, reason: nil, breakGlass: (raw["break_glass"] as? Int) == 1)
      #expect(Hex.encode(entry.leafData) == raw["leaf_data"] as? String)
      #expect(Hex.encode(entry.leafHash) == raw["leaf_hash"] as? String)
      #expect(Hex.encode(SHA256.hash([0x00] + Hex.decode(raw["leaf_data"] as! String)!)) == raw["leaf_hash"] as? String)
      leaves.append(entry.leafHash)
    }
    let root = MerkleTree.root(leaves)
    #expect(Hex.encode(root) == vector["root_size_3"] as? String)
    let name = try #require(vector["signer_key_name"] as? String)
    let publicKey = try SigningPublicKey(bytes: Hex.decode(vector["signer_public_key"] as! String)!)
    #expect(Hex.encode(SignedNote.keyID(name: name, publicKey: publicKey)) == vector["signer_key_id"] as? String)
    let note = try SignedNote(parsing: try #require(vector["checkpoint_note"] as? String))
    #expect(note.isSigned(by: name, publicKey: publicKey))
    let checkpoint = try Checkpoint(parsing: note.text)
    #expect(checkpoint.size == 3 && checkpoint.root == root)
    let inclusion = (vector["inclusion_proof_seq_2_index_1_size_3"] as! [String]).map { Hex.decode($0)! }
    #expect(MerkleTree.inclusionProof(index: 1, leaves[...]) == inclusion)
    #expect(MerkleTree.verifyInclusion(leafHash: leaves[1], index: 1, treeSize: 3, proof: inclusion, root: root))
    let consistency = (vector["consistency_proof_1_to_3"] as! [String]).map { Hex.decode($0)! }
    #expect(MerkleTree.consistencyProof(oldSize: 1, leaves[...]) == consistency)
    #expect(
      MerkleTree.verifyConsistency(
        oldSize: 1, newSize: 3, oldRoot: Hex.decode(vector["root_size_1"] as! String)!, newRoot: root, proof: consistency))
  }
}
