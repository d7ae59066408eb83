import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Edits the vault file directly, as an insider with SQL access would, and checks that
/// `AuditVerifier` detects and pinpoints each edit (the last ones through a witness).
@Suite("Audit log under direct edits")
struct AuditLogTamperTests {
  /// A vault with a few dozen entries over several signed transactions.
  static func busyVault() throws -> VaultFixture {
    let fixture = try VaultFixture()
    let admin = try fixture.admin()
    try admin.addTeam("north")
    try fixture.addUser("wendy", role: .worker, teams: ["north"])
    let wendy = try fixture.unlock("wendy")
    for index in 1...4 { _ = try wendy.addSurvivor(team: "north", details: SurvivorDetails(name: "Testperson \(index)")) }
    _ = try wendy.listSurvivors()
    return fixture
  }

  func verify(_ fixture: VaultFixture, witness: String? = nil) throws -> AuditVerification {
    try AuditVerifier(vaultPath: fixture.path).verify(witness: witness)
  }

  func edit(_ fixture: VaultFixture, _ sql: String, _ arguments: StoreArguments = []) throws {
    try fixture.rawDatabase().write { db in try db.execute(sql: sql, arguments: arguments) }
  }

  func entryCount(_ fixture: VaultFixture) throws -> Int {
    try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries") ?? 0 }
  }

  @Test("an untouched log is intact, unwitnessed; verification changes no byte of the vault")
  func intact() throws {
    let fixture = try Self.busyVault()
    let before = try Data(contentsOf: URL(fileURLWithPath: fixture.path + "/vault.sqlite"))
    let result = try verify(fixture)
    #expect(result.isIntact)
    #expect(result.summary.hasPrefix("intact since its own checkpoints, unwitnessed"))
    #expect(result.entries == (try entryCount(fixture)))
    #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path + "/vault.sqlite")) == before)
  }

  @Test("a changed entry is named")
  func changed() throws {
    let fixture = try Self.busyVault()
    try edit(fixture, "UPDATE audit_entries SET actor_user_id = 1 WHERE seq = 7")
    #expect(try verify(fixture).problem == "entry 7 was altered: its content no longer matches its recorded leaf hash")
  }

  @Test("a changed entry with a recomputed leaf hash is caught by the signed checkpoint covering it")
  func changedAndRehashed() throws {
    let fixture = try Self.busyVault()
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "UPDATE audit_entries SET detail = 'nothing to see' WHERE seq = 7")
      let entry = AuditEntry(row: try StoreRow.fetchOne(db, sql: "SELECT * FROM audit_entries WHERE seq = 7")!)
      try db.execute(sql: "UPDATE audit_entries SET leaf_hash = ? WHERE seq = 7", arguments: [Data(entry.leafHash)])
    }
    let problem = try #require(try verify(fixture).problem)
    #expect(problem.contains("do not match the checkpoint signed at size"))
    let range = problem.split(separator: " ")[1].split(separator: "-").compactMap { Int($0) }
    #expect(range.count == 2 && range[0] <= 7 && 7 <= range[1], "\(problem)")
  }

  @Test("a deleted entry, an inserted entry and two swapped entries are each named")
  func deleteInsertSwap() throws {
    let deleted = try Self.busyVault()
    try edit(deleted, "DELETE FROM audit_entries WHERE seq = 5")
    #expect(try verify(deleted).problem == "entry 5 is missing: the log jumps from entry 4 to 6 (deleted or renumbered)")

    let inserted = try Self.busyVault()
    let next = try entryCount(inserted) + 1
    try edit(
      inserted,
      "INSERT INTO audit_entries (seq, recorded_at, action, outcome) VALUES (?, '2026-01-01T00:00:00Z', 'survivor.read', 'ok')",
      [next])
    #expect(try verify(inserted).problem?.contains("were added without a signed checkpoint") == true)

    let swapped = try Self.busyVault()
    try swapped.rawDatabase().write { db in
      let columns = "recorded_at, actor_user_id, action, target, subject, outcome, detail, reason, break_glass, leaf_hash"
      let a = try StoreRow.fetchOne(db, sql: "SELECT \(columns) FROM audit_entries WHERE seq = 8")!
      let b = try StoreRow.fetchOne(db, sql: "SELECT \(columns) FROM audit_entries WHERE seq = 9")!
      for (seq, row) in [(8, b), (9, a)] {
        try db.execute(
          sql:
            "UPDATE audit_entries SET recorded_at = ?, actor_user_id = ?, action = ?, target = ?, subject = ?, outcome = ?, detail = ?, reason = ?, break_glass = ?, leaf_hash = ? WHERE seq = ?",
          arguments: StoreArguments(values: row.values + [seq.storeValue]))
      }
    }
    #expect(try verify(swapped).problem?.hasPrefix("entry 8 was altered") == true)
  }

  @Test("entries cut from the end are caught by the checkpoint that covered them")
  func truncatedRows() throws {
    let fixture = try Self.busyVault()
    let count = try entryCount(fixture)
    try edit(fixture, "DELETE FROM audit_entries WHERE seq > ?", [count - 3])
    #expect(try verify(fixture).problem?.contains("entries \(count - 2)-\(count) were deleted") == true)
  }

  @Test("rows and checkpoints cut together, or an older copy restored, pass alone but fail against a witness")
  func truncatedWithCheckpointsAndRollback() throws {
    let fixture = try Self.busyVault()
    let olderCopy = fixture.root.appendingPathComponent("older")
    try FileManager.default.copyItem(atPath: fixture.path, toPath: olderCopy.path)
    _ = try fixture.unlock("wendy").addSurvivor(team: "north", details: SurvivorDetails(name: "Testperson Later"))
    let witness = try AuditVerifier(vaultPath: fixture.path).latestCheckpoint()
    #expect(try verify(fixture, witness: witness).summary.hasPrefix("intact, and consistent with the witness"))

    // Cut to an earlier checkpoint, consistently: rows, checkpoints and tree state.
    let cutAt = try fixture.rawDatabase().read { db in
      try Int.fetchOne(db, sql: "SELECT tree_size FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1 OFFSET 2")!
    }
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "DELETE FROM audit_entries WHERE seq > ?", arguments: [cutAt])
      try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size > ?", arguments: [cutAt])
    }
    #expect(try verify(fixture).isIntact, "a consistent cut cannot be seen without a witness")
    #expect(try verify(fixture, witness: witness).problem?.contains("shorter than the witnessed one") == true)

    // Restore the older copy whole.
    try FileManager.default.removeItem(atPath: fixture.path)
    try FileManager.default.copyItem(atPath: olderCopy.path, toPath: fixture.path)
    #expect(try verify(fixture).isIntact)
    #expect(try verify(fixture, witness: witness).problem?.contains("shorter than the witnessed one") == true)
  }

  @Test(
    "a whole log replaced by a consistent forgery: unsigned by any user, or signed by a planted user, is refused by the signed directory"
  )
  func forgery() throws {
    let fixture = try Self.busyVault()
    let witness = try AuditVerifier(vaultPath: fixture.path).latestCheckpoint()
    let forger = try SigningKeyPair(seed: .random())
    func forge(signerName: String) throws {
      try fixture.rawDatabase().write { db in
        let metadata = try VaultMetadata.load(db)!
        try db.execute(sql: "DELETE FROM audit_entries; DELETE FROM audit_checkpoints")
        var frontier = MerkleFrontier()
        for seq in Int64(1)...3 {
          let entry = AuditEntry(
            seq: seq, recordedAt: "2026-01-01T00:00:00Z", actorUserID: 1, action: "status.read", target: nil, subject: nil,
            outcome: "ok",
            detail: nil, reason: nil, breakGlass: false)
          try db.execute(
            sql:
              "INSERT INTO audit_entries (seq, recorded_at, actor_user_id, action, outcome, break_glass, leaf_hash) VALUES (?, ?, 1, ?, 'ok', 0, ?)",
            arguments: [seq, entry.recordedAt, entry.action, Data(entry.leafHash)])
          frontier.append(leafHash: entry.leafHash)
        }
        let checkpoint = Checkpoint(origin: AuditLog.origin(metadata), size: 3, root: frontier.root)
        let note = try SignedNote.sign(text: checkpoint.text, name: AuditLog.keyName(metadata, user: signerName), with: forger)
        try db.execute(
          sql: "INSERT INTO audit_checkpoints (tree_size, root_hash, note, signer_user_id, created_at) VALUES (3, ?, ?, 1, 'x')",
          arguments: [Data(frontier.root), note.encoded])
      }
    }
    try forge(signerName: "mallory")
    #expect(try verify(fixture).problem == "the checkpoint of size 3 is signed by 'mallory', who was never enrolled")
    // Signed in the name of a real user, with the wrong key (and without naming the directory).
    try forge(signerName: "ada")
    #expect(
      try verify(fixture).problem
        == "the checkpoint of size 3 does not name the signed directory (rule: every checkpoint after the directory began names it)"
    )
    // A planted user row is not an enrolment: the directory, not the users table, names the signers.
    try forge(signerName: "mallory")
    try fixture.rawDatabase().write { db in
      try db.execute(
        sql:
          "INSERT INTO users (name, role, box_public_key, signing_public_key, key_file_digest, created_at) VALUES ('mallory', 'admin', ?, ?, ?, 'x')",
        arguments: [Data(repeating: 9, count: 32), Data(forger.publicKey.bytes), Data(repeating: 0, count: 32)])
    }
    #expect(try verify(fixture).problem == "the checkpoint of size 3 is signed by 'mallory', who was never enrolled")
    #expect(try verify(fixture, witness: witness).isIntact == false)
  }

  @Test("a bad witness: from another vault, corrupt, or with a forged signature")
  func badWitness() throws {
    let fixture = try Self.busyVault()
    let other = try VaultFixture()
    let foreign = try AuditVerifier(vaultPath: other.path).latestCheckpoint()
    #expect(try verify(fixture, witness: foreign).problem?.contains("is from another vault") == true)
    #expect(try verify(fixture, witness: "not a note at all").problem == "the witness is not a signed checkpoint note")
    let witness = try AuditVerifier(vaultPath: fixture.path).latestCheckpoint()
    let lines = witness.split(separator: "\n", omittingEmptySubsequences: false)
    let bumped = ([lines[0], Substring(String(Int(lines[1])! - 1))] + lines.dropFirst(2)).joined(separator: "\n")
    #expect(try verify(fixture, witness: bumped).problem?.contains("key valid at directory length") == true)
  }

  @Test("an inclusion proof verifies against its checkpoint and fails for any other entry")
  func inclusion() throws {
    let fixture = try Self.busyVault()
    let verifier = try AuditVerifier(vaultPath: fixture.path)
    for seq in Int64(1)...Int64(try entryCount(fixture)) {
      let proof = try verifier.inclusionProof(seq: seq)
      #expect(proof.verifies(), "entry \(seq)")
    }
    let proof = try verifier.inclusionProof(seq: 5)
    let wrong = AuditInclusionProof(
      seq: 5, leafIndex: 5, leafData: proof.leafData, leafHash: proof.leafHash, treeSize: proof.treeSize, path: proof.path,
      checkpoint: proof.checkpoint)
    #expect(!wrong.verifies())
    #expect(throws: VaultError.self) { _ = try verifier.inclusionProof(seq: 10_000) }
  }

  @Test("a writer refuses to extend a log cut short behind its back")
  func writerRefuses() throws {
    let fixture = try Self.busyVault()
    try edit(fixture, "DELETE FROM audit_entries WHERE seq = (SELECT max(seq) FROM audit_entries)")
    #expect(throws: VaultError.self) { _ = try fixture.admin().status() }
  }
}
