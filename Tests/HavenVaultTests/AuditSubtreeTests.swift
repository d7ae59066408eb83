import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Proofs from stored subtrees (format 12): the writer stores each perfect subtree of 1,024
/// leaves as it completes, and a proof reads those instead of every leaf. The proofs are the
/// same as from every leaf; a stored subtree edited outside haven makes proofs fail (never a
/// false one verify) and `audit verify` names it.
@Suite("Audit proofs from stored subtrees")
struct AuditSubtreeTests {
  /// A vault whose log passes two whole blocks: a batch of lookups writes one entry per lookup.
  static func longLog() throws -> (VaultFixture, SurvivorReference) {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(team: "trauma-service", details: CaseRecordTests.testperson)
    _ = try wendy.findSurvivors(byEach: Array(repeating: SurvivorSearch.reference(reference), count: 2_200))
    return (fixture, reference)
  }

  static func allLeaves(_ fixture: VaultFixture, size: Int) throws -> [MerkleTree.Hash] {
    try fixture.rawDatabase().read { db in
      try Data.fetchAll(db, sql: "SELECT leaf_hash FROM audit_entries WHERE seq <= ? ORDER BY seq", arguments: [size]).map {
        [UInt8]($0)
      }
    }
  }

  @Test("every block is stored as it completes; proofs equal RFC 6962 PATH over every leaf, and verify")
  func proofsFromBlocks() throws {
    let (fixture, reference) = try Self.longLog()
    let verifier = try AuditVerifier(vaultPath: fixture.path)
    let size = try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT max(tree_size) FROM audit_checkpoints") }!
    #expect(size > 2 * AuditSubtrees.blockSize)
    let leaves = try Self.allLeaves(fixture, size: size)
    let blocks = try fixture.rawDatabase().read { db in try AuditSubtrees.load(db, below: Int.max) }
    #expect(blocks.keys.sorted() == Array(0..<(size / AuditSubtrees.blockSize)))
    for (block, hash) in blocks {
      let start = block * AuditSubtrees.blockSize
      #expect(hash == MerkleTree.root(leaves[start..<start + AuditSubtrees.blockSize]), "block \(block)")
    }
    for seq in [1, 2, 1_023, 1_024, 1_025, 2_048, 2_049, size - 1, size].map(Int64.init) {
      let proof = try verifier.inclusionProof(seq: seq)
      #expect(proof.path == MerkleTree.inclusionProof(index: Int(seq - 1), leaves[...]), "entry \(seq)")
      #expect(proof.verifies(), "entry \(seq)")
    }
    // The subject-access export proves every entry about the survivor the same way.
    let read = try fixture.unlock("wendy").readCaseForExport(reference, purpose: .subjectAccess)
    #expect(read.accessHistory.count > 2_200)
    #expect(read.accessHistory.allSatisfy { $0.proof.verifies() })
    #expect(try verifier.verify().isIntact)
  }

  @Test("a stored subtree edited outside haven: proofs through it fail, audit verify names it; a missing one is read from leaves")
  func editedSubtree() throws {
    let (fixture, _) = try Self.longLog()
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "UPDATE audit_subtrees SET hash = ? WHERE block = 1", arguments: [Data(repeating: 7, count: 32)])
      try db.execute(sql: "DELETE FROM audit_subtrees WHERE block = 0")
    }
    let verifier = try AuditVerifier(vaultPath: fixture.path)
    // Entry 5's path passes block 1 whole: the edited hash makes it fail, never pass falsely.
    #expect(!(try verifier.inclusionProof(seq: 5).verifies()))
    // Entry 1,500's path passes block 0, now missing: its leaves are read instead.
    #expect(try verifier.inclusionProof(seq: 1_500).verifies())
    let result = try verifier.verify()
    #expect(result.problem?.contains("the stored subtree hash of entries 1025-2048 does not match them") == true)
  }

  @Test("a log written before format 12 gets its blocks from the migration")
  func backfilled() throws {
    let (fixture, _) = try Self.longLog()
    let before = try fixture.rawDatabase().read { db in try AuditSubtrees.load(db, below: Int.max) }
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "DELETE FROM audit_subtrees")
      try AuditSubtrees.backfill(db)
    }
    #expect(try fixture.rawDatabase().read { db in try AuditSubtrees.load(db, below: Int.max) } == before)
  }
}
