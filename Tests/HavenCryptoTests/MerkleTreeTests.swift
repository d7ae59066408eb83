import HavenCrypto
import Testing

@Suite("RFC 6962 Merkle trees")
struct MerkleTreeTests {
  // Certificate Transparency's test leaves (merkle_tree_test.cc) and the published roots of the
  // trees of their first 1..8 leaves.
  static let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map {
    hex($0)
  }
  static let roots = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  ]

  @Test("reproduces the published roots of Certificate Transparency's test tree, by recursion and by frontier")
  func publishedRoots() {
    let hashes = Self.leaves.map(MerkleTree.leafHash)
    var frontier = MerkleFrontier()
    for size in 1...8 {
      frontier.append(leafHash: hashes[size - 1])
      #expect(MerkleTree.root(hashes.prefix(size)) == hex(Self.roots[size - 1]), "size \(size)")
      #expect(frontier.root == hex(Self.roots[size - 1]), "frontier size \(size)")
    }
    #expect(MerkleTree.root([]) == hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
  }

  @Test("proofs for many leaves at once equal RFC 6962 PATH for every leaf of trees up to 70 leaves")
  func batchProofs() {
    for size in 1...70 {
      let leaves = (0..<size).map { MerkleTree.leafHash([UInt8(truncatingIfNeeded: $0), 7]) }
      let batch = MerkleTree.inclusionProofs(indices: Array(0..<size), leaves)
      for index in 0..<size {
        #expect(batch[index] == MerkleTree.inclusionProof(index: index, leaves[...]), "size \(size) index \(index)")
      }
    }
  }

  @Test("PATH from subtree hashes equals PATH from leaves; a frontier reports each perfect subtree it completes")
  func pathFromSubtrees() {
    for size in 1...70 {
      let leaves = (0..<size).map { MerkleTree.leafHash([UInt8(truncatingIfNeeded: $0), 9]) }
      var asked: [Range<Int>] = []
      for index in 0..<size {
        let proof = MerkleTree.inclusionProof(index: index, treeSize: size) { (range: Range<Int>) -> MerkleTree.Hash in
          asked.append(range)
          return MerkleTree.root(leaves[range])
        }
        #expect(proof == MerkleTree.inclusionProof(index: index, leaves[...]), "size \(size) index \(index)")
      }
      // Every range asked for that is a power of two long starts at a multiple of its length:
      // a perfect subtree a writer could have stored.
      for range in asked where range.count & (range.count - 1) == 0 {
        #expect(range.lowerBound % range.count == 0, "size \(size): \(range) is not aligned")
      }
    }
    var frontier = MerkleFrontier()
    let leaves = (0..<40).map { MerkleTree.leafHash([UInt8($0)]) }
    for (index, leaf) in leaves.enumerated() {
      let completed = frontier.append(leafHash: leaf, completing: 3)
      let size = index + 1
      #expect(completed == (size % 8 == 0 ? MerkleTree.root(leaves[(size - 8)..<size]) : nil), "size \(size)")
    }
    #expect(frontier.root == MerkleTree.root(leaves))
  }

  @Test("every inclusion and consistency proof of trees up to 33 leaves verifies, and a wrong one does not")
  func proofs() {
    let hashes = (0..<33).map { MerkleTree.leafHash([UInt8($0)]) }
    for size in 1...33 {
      let tree = hashes.prefix(size)
      let root = MerkleTree.root(tree)
      for index in 0..<size {
        let proof = MerkleTree.inclusionProof(index: index, tree)
        #expect(MerkleTree.verifyInclusion(leafHash: hashes[index], index: index, treeSize: size, proof: proof, root: root))
        #expect(
          !MerkleTree.verifyInclusion(leafHash: hashes[(index + 1) % 33], index: index, treeSize: size, proof: proof, root: root))
      }
      for oldSize in 0...size {
        let proof = MerkleTree.consistencyProof(oldSize: oldSize, tree)
        let oldRoot = MerkleTree.root(hashes.prefix(oldSize))
        #expect(MerkleTree.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof))
        if oldSize > 0 && oldSize < size {
          var forged = hashes
          forged[oldSize - 1] = MerkleTree.leafHash([0xff])
          let forgedRoot = MerkleTree.root(forged.prefix(size))
          #expect(
            !MerkleTree.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: forgedRoot, proof: proof))
        }
      }
      #expect(!MerkleTree.verifyConsistency(oldSize: size + 1, newSize: size, oldRoot: root, newRoot: root, proof: []))
    }
  }
}

@Suite("C2SP signed notes and checkpoints")
struct SignedNoteTests {
  @Test("a checkpoint note signs, encodes, parses and verifies; any change breaks it")
  func roundTrip() throws {
    let key = try SigningKeyPair(seed: .random())
    let checkpoint = Checkpoint(
      origin: "haven/0011", size: 8, root: hex(MerkleTreeTests.roots[7]), extensions: ["time 2026-11-25T15:00:00Z"])
    let note = try SignedNote.sign(text: checkpoint.text, name: "haven/0011/ada", with: key)
    let encoded = note.encoded
    #expect(encoded.hasPrefix("haven/0011\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt"))
    #expect(encoded.contains("\n\n\u{2014} haven/0011/ada "))
    let parsed = try SignedNote(parsing: encoded)
    #expect(parsed == note)
    #expect(parsed.isSigned(by: "haven/0011/ada", publicKey: key.publicKey))
    #expect(try Checkpoint(parsing: parsed.text) == checkpoint)
    let other = try SigningKeyPair(seed: .random())
    #expect(!parsed.isSigned(by: "haven/0011/ada", publicKey: other.publicKey))
    #expect(!parsed.isSigned(by: "haven/0011/bob", publicKey: key.publicKey))
    let altered = try SignedNote(parsing: encoded.replacingOccurrences(of: "\n8\n", with: "\n9\n"))
    #expect(!altered.isSigned(by: "haven/0011/ada", publicKey: key.publicKey))
    for bad in ["", "no blank line\n", "a\n\nnot a signature\n", "a\n\n\u{2014} name !!!\n"] {
      #expect(throws: CryptoError.self) { _ = try SignedNote(parsing: bad) }
    }
    #expect(throws: CryptoError.self) { _ = try Checkpoint(parsing: "origin\nnot-a-number\nAAAA\n") }
  }

  @Test("the key id is SHA-256(name || LF || 0x01 || public key)[0:4], as signed-note specifies")
  func keyID() throws {
    let key = try SigningKeyPair(seed: .random())
    let expected = Array(SHA256.hash(Array("log/ada".utf8) + [0x0a, 0x01] + key.publicKey.bytes).prefix(4))
    #expect(SignedNote.keyID(name: "log/ada", publicKey: key.publicKey) == expected)
  }
}
