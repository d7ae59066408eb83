import Foundation
import HavenCrypto
import Testing

@testable import HavenVault

/// docs/vectors/directory-v1.json: directory entries, a grant signature and a checkpoint that a
/// verifier with another libsodium binding must accept, and altered ones it must reject
/// (docs/FORMAT.md section 17). Keys come from fixed byte sequences, and Ed25519 signatures are
/// deterministic, so the file is reproducible: `HAVEN_WRITE_VECTORS=1 swift test --filter
/// DirectoryFormatVector` rewrites it after a deliberate format change.
@Suite("docs/FORMAT.md signed directory vectors")
struct DirectoryFormatVectorTests {
  static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/vectors/directory-v1.json")

  static func sequence(_ start: UInt8, _ count: Int = 32) -> [UInt8] { (0..<count).map { start &+ UInt8($0) } }
  static func key<P: KeyPurpose>(_ start: UInt8, as _: P.Type) throws -> SecretKey<P> {
    let storage = try SecureBytes(count: P.byteCount)
    storage.withUnsafeMutableBytes { $0.copyBytes(from: sequence(start, P.byteCount)) }
    return try SecretKey<P>(adopting: storage)
  }
  static func boxPair(_ start: UInt8) throws -> BoxKeyPair {
    try BoxKeyPair(secretKey: key(start, as: BoxSecretKeyPurpose.self))
  }
  static func signingPair(_ start: UInt8) throws -> SigningKeyPair {
    try SigningKeyPair(seed: key(start, as: SigningSeedPurpose.self))
  }

  /// Builds every vector from the fixed keys.
  static func build() throws -> [String: Any] {
    let vaultID = sequence(0x00, 16)
    let adminBox = try boxPair(0x60)
    let adminSigning = try signingPair(0x80)
    let recovery = RecoveryKey(keyPair: try boxPair(0xa0))
    let recoverySigning = try recovery.signingKeyPair()
    let statistics = try boxPair(0xc0)
    let auditKey = try key(0xe0, as: AuditKeyPurpose.self)
    let auditReason = try boxPair(0x20)
    let wendyBox = try boxPair(0x40)
    let wendySigning = try signingPair(0x50)
    let admin = DirectoryUser(id: 1, name: "ada", role: .admin, box: adminBox.publicKey, signing: adminSigning.publicKey)
    let wendy = DirectoryUser(id: 2, name: "wendy", role: .worker, box: wendyBox.publicKey, signing: wendySigning.publicKey)
    let genesis = DirectoryEvent.genesis(
      DirectoryGenesis(
        admin: admin, recovery: recovery.publicKey, recoverySigning: recoverySigning.publicKey, statistics: statistics.publicKey,
        statisticsCommitment: KeyGrant.commitment(
          to: statistics.secretKey, vaultID: vaultID, kind: .statistics, teamID: nil, version: 1),
        auditCommitment: KeyGrant.commitment(to: auditKey, vaultID: vaultID, kind: .audit, teamID: nil, version: 1),
        auditReason: auditReason.publicKey,
        auditReasonCommitment: KeyGrant.commitment(
          to: auditReason.secretKey, vaultID: vaultID, kind: .auditReason, teamID: nil, version: 1)))
    func entry(
      _ seq: Int64, _ previous: [UInt8], author: Int64, _ event: DirectoryEvent, signer: borrowing SigningKeyPair
    )
      -> [String: Any]
    {
      let body = DirectoryEntry.body(vaultID: vaultID, seq: seq, previousHash: previous, author: author, event: event)
      return ["body": Hex.encode(body), "signature": Hex.encode(signer.sign(body)), "hash": Hex.encode(SHA256.hash(body))]
    }
    let first = entry(1, DirectoryEntry.noPrevious, author: 1, genesis, signer: adminSigning)
    let firstHash = Hex.decode(first["hash"] as! String)!
    let second = entry(2, firstHash, author: 1, .userAdd(wendy), signer: adminSigning)
    let secondHash = Hex.decode(second["hash"] as! String)!
    let third = entry(3, secondHash, author: 1, .teamAdd(teamID: 1, name: "north"), signer: adminSigning)
    let forgedSignature = entry(2, firstHash, author: 1, .userAdd(wendy), signer: wendySigning)
    let notAnAdmin = entry(3, secondHash, author: 2, .teamAdd(teamID: 1, name: "north"), signer: wendySigning)
    let wrongPrevious = entry(2, DirectoryEntry.noPrevious, author: 1, .userAdd(wendy), signer: adminSigning)

    // The audit key granted to wendy by ada under directory length 2 (the sealed bytes are
    // random, so the vector fixes them: only their hash is signed).
    let sealed = sequence(0x90, 80)
    let grantBody = KeyGrant.signatureBody(
      vaultID: vaultID, kind: .audit, teamID: nil, version: 1, recipient: wendyBox.publicKey, sealed: sealed, granter: 1,
      directoryLength: 2)
    let tooEarly = KeyGrant.signatureBody(
      vaultID: vaultID, kind: .audit, teamID: nil, version: 1, recipient: wendyBox.publicKey, sealed: sealed, granter: 1,
      directoryLength: 1)

    let checkpoint = Checkpoint(
      origin: "haven/" + Hex.encode(vaultID), size: 5, root: sequence(0x30),
      extensions: [
        "time 2026-01-01T00:00:00Z", DirectoryLine(length: 3, head: SHA256.hash(Hex.decode(third["body"] as! String)!)).text,
      ])
    let keyName = "haven/\(Hex.encode(vaultID))/ada"
    let note = try SignedNote.sign(text: checkpoint.text, name: keyName, with: adminSigning)
    let byWendy = try SignedNote.sign(text: checkpoint.text, name: "haven/\(Hex.encode(vaultID))/wendy", with: wendySigning)
    var state = DirectoryState(vaultID: vaultID)
    for raw in [first, second, third] {
      try state.apply(
        DirectoryEntry.decode(
          body: Hex.decode(raw["body"] as! String)!, signature: Hex.decode(raw["signature"] as! String)!, vaultID: vaultID)!)
    }
    let root = VaultRoot.of(
      state,
      metadata: VaultMetadata(
        vaultID: vaultID, formatVersion: 6, name: "vectors", kdfLevel: .interactive, createdAt: "2026-01-01T00:00:00Z",
        recoveryPublicKey: recovery.publicKey, statisticsPublicKey: statistics.publicKey))!
    let leaf = AuditEntry(
      seq: 7, recordedAt: "2026-01-01T00:00:00Z", actorUserID: 2, action: "survivor.read", target: "survivor:17",
      subject: "00112233445566778899aabbccddeeff", outcome: "ok", detail: nil, reason: nil, breakGlass: false,
      actorSalt: sequence(0x70, 16))
    return [
      "audit_leaf_v2": [
        "note":
          "format-6 audit entry: seq 7, recorded_at 2026-01-01T00:00:00Z, actor 2, survivor.read, target survivor:17, subject 00112233..ff, outcome ok, no detail or reason, break_glass 0, actor_salt seq(0x70, 16)",
        "actor_commitment": Hex.encode(AuditEntry.actorCommitment(salt: sequence(0x70, 16), actor: 2)),
        "leaf_data": Hex.encode(leaf.leafData), "leaf_hash": Hex.encode(leaf.leafHash),
      ],
      "description":
        "Signed directory (docs/FORMAT.md section 17). Keys: X25519 secrets and Ed25519 seeds are byte sequences from the start byte given; vault id 000102...0f. Apply `accept` in order; each `reject` entry must be refused when offered in place of the accepted entry of the same seq.",
      "vault_id": Hex.encode(vaultID),
      "keys": [
        "admin_box_secret_start": "60", "admin_signing_seed_start": "80", "recovery_secret_start": "a0",
        "statistics_secret_start": "c0", "audit_key_start": "e0", "audit_reason_secret_start": "20",
        "wendy_box_secret_start": "40", "wendy_signing_seed_start": "50",
        "admin_signing_public": Hex.encode(adminSigning.publicKey.bytes),
        "wendy_signing_public": Hex.encode(wendySigning.publicKey.bytes),
        "recovery_signing_public": Hex.encode(recoverySigning.publicKey.bytes),
      ],
      "accept": [first, second, third],
      "reject": [
        ["why": "signed by a key other than the author's", "entry": forgedSignature],
        ["why": "team.add by a user who is not an admin", "entry": notAnAdmin],
        ["why": "previous hash is not entry 1's", "entry": wrongPrevious],
      ],
      "root_fingerprint": root.fingerprint,
      "grant_signature": [
        "note":
          "audit key (version 1) to wendy, granted by ada (user 1) under directory length 2; sealed bytes are seq(0x90, 80)",
        "body": Hex.encode(grantBody), "signature": Hex.encode(adminSigning.sign(grantBody)),
        "reject_body_directory_length_1": Hex.encode(tooEarly),
      ],
      "checkpoint": [
        "accept_note": note.encoded,
        "reject_note_signed_by_wendy": byWendy.encoded,
        "note":
          "size 5, root seq(0x30), directory line naming entry 3: valid by ada's key at length 3; wendy's note fails the actor rule only with entries, but is accepted as a signature and must then be checked against the entries it covers",
      ],
    ]
  }

  @Test("the vectors file matches what the code produces, and its accept/reject cases hold")
  func vectors() throws {
    let built = try Self.build()
    let data = try JSONSerialization.data(withJSONObject: built, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    if ProcessInfo.processInfo.environment["HAVEN_WRITE_VECTORS"] == "1" { try data.write(to: Self.url) }
    let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.url)) as! [String: Any]
    #expect(NSDictionary(dictionary: stored).isEqual(to: built), "docs/vectors/directory-v1.json is out of date")

    let vaultID = Hex.decode(stored["vault_id"] as! String)!
    func decode(_ raw: [String: Any]) -> DirectoryEntry? {
      DirectoryEntry.decode(
        body: Hex.decode(raw["body"] as! String)!, signature: Hex.decode(raw["signature"] as! String)!, vaultID: vaultID)
    }
    let accepted = (stored["accept"] as! [[String: Any]]).map(decode)
    var state = DirectoryState(vaultID: vaultID)
    var states: [DirectoryState] = [state]
    for entry in accepted {
      try state.apply(try #require(entry))
      states.append(state)
    }
    for reject in stored["reject"] as! [[String: Any]] {
      let entry = try #require(decode(reject["entry"] as! [String: Any]))
      var before = states[Int(entry.seq) - 1]
      #expect(throws: DirectoryViolation.self, "\(reject["why"]!)") { try before.apply(entry) }
    }
    let grant = stored["grant_signature"] as! [String: String]
    let admin = try SigningPublicKey(bytes: Hex.decode((stored["keys"] as! [String: String])["admin_signing_public"]!)!)
    #expect(admin.isValidSignature(Hex.decode(grant["signature"]!)!, for: Hex.decode(grant["body"]!)!))
    #expect(!admin.isValidSignature(Hex.decode(grant["signature"]!)!, for: Hex.decode(grant["reject_body_directory_length_1"]!)!))
    let checkpoints = stored["checkpoint"] as! [String: String]
    let note = try SignedNote(parsing: checkpoints["accept_note"]!)
    #expect(note.isSigned(by: "haven/\(Hex.encode(vaultID))/ada", publicKey: admin))
    let line = try #require(DirectoryLine(checkpoint: try Checkpoint(parsing: note.text)))
    #expect(line.length == 3 && line.head == state.head)
    let forged = try SignedNote(parsing: checkpoints["reject_note_signed_by_wendy"]!)
    #expect(!forged.isSigned(by: "haven/\(Hex.encode(vaultID))/wendy", publicKey: admin))
  }
}
