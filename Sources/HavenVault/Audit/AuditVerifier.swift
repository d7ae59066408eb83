import Foundation
import HavenCrypto
import HavenStore

/// What `haven audit verify` found.
public struct AuditVerification: Sendable {
  public enum WitnessResult: Sendable, Equatable {
    /// The witnessed tree is a prefix of today's, proved by an RFC 6962 consistency proof.
    case consistent(witnessSize: Int, proofLength: Int)
  }

  public let entries: Int
  public let checkpoints: Int
  /// The size of the latest signed checkpoint.
  public let signedSize: Int
  public let latestSigner: String?
  public let latestTime: String?
  /// Entries after the latest checkpoint: failed unlocks, written without an unlocked key.
  public let unsignedTail: Int
  public let witness: WitnessResult?
  /// The first problem in log order, if any; nil means intact.
  public let problem: String?
  /// For a vault upgraded from format 5: the audit size at which its directory was anchored
  /// (entries up to it are taken as found); 0 for a vault created with a directory; nil for a
  /// vault that has no signed directory yet.
  public let anchoredAt: Int64?
  public let directoryLength: Int64

  public var isIntact: Bool { problem == nil }

  func failing(_ problem: String) -> AuditVerification {
    AuditVerification(
      entries: entries, checkpoints: checkpoints, signedSize: signedSize, latestSigner: latestSigner, latestTime: latestTime,
      unsignedTail: unsignedTail, witness: nil, problem: problem, anchoredAt: anchoredAt, directoryLength: directoryLength)
  }

  public var summary: String {
    if let problem { return "TAMPERED: \(problem)" }
    var text: String
    switch witness {
    case .consistent(let size, let proof):
      text = "intact, and consistent with the witness at size \(size) (consistency proof of \(proof) hashes verified)"
    case nil:
      text = "intact since its own checkpoints, unwitnessed"
    }
    text += ": \(entries) entries, \(checkpoints) signed checkpoints (latest: size \(signedSize)"
    if let latestSigner, let latestTime { text += ", signed by \(latestSigner) at \(latestTime)" }
    text += ")"
    if unsignedTail > 0 { text += "; \(unsignedTail) later failed unlock(s) await the next signed checkpoint" }
    switch anchoredAt {
    case nil:
      text +=
        "; WARNING: no signed directory yet (a format-5 vault not yet anchored): its signers come from its own tables, "
        + "which prove nothing against someone who can edit the file"
    case 0?: text += "; signers checked against the signed directory (\(directoryLength) entries) from entry 1"
    case let size?:
      text +=
        "; signers checked against the signed directory (\(directoryLength) entries) from its anchor at entry \(size); "
        + "entries 1-\(size) predate it and are taken as found"
    }
    return text
  }
}

/// Recomputes the audit log's Merkle tree from its entries and checks every checkpoint and its
/// signature, reading only: it never unlocks a key and never writes, so running it cannot change
/// the evidence it examines. Everything it uses is public (docs/FORMAT.md, "Audit log").
public struct AuditVerifier {
  let database: any StoreQueue
  let metadata: VaultMetadata
  let directory: VaultDirectory

  /// Opens a vault read-only for verification.
  public init(vaultPath: String) throws(VaultError) {
    let directory = VaultDirectory(path: vaultPath)
    guard directory.exists else { throw .noVault(path: directory.path) }
    do {
      let database = try VaultStores.openForReading(directory)
      let metadata = try database.read { db -> VaultMetadata in
        guard let version = try VaultMetadata.storedFormatVersion(db) else { throw VaultError.notAVault(path: directory.path) }
        guard version <= VaultFormat.currentVersion else {
          throw VaultError.newerFormat(found: version, supported: VaultFormat.currentVersion)
        }
        guard try db.tableExists("audit_checkpoints") else {
          throw VaultError.invalidArgument(
            "this vault's audit log predates signed checkpoints (format \(version)); open it once with haven to upgrade")
        }
        guard let metadata = try VaultMetadata.load(db) else { throw VaultError.notAVault(path: directory.path) }
        return metadata
      }
      self.init(database: database, metadata: metadata, directory: directory)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  init(database: any StoreQueue, metadata: VaultMetadata, directory: VaultDirectory) {
    self.database = database
    self.metadata = metadata
    self.directory = directory
  }

  /// Verifies the whole log, and its consistency with a witnessed checkpoint if one is given.
  /// With `root`, also requires the vault's signed directory to start from that root fingerprint
  /// (kept outside the vault, e.g. in `Keys/`), so a vault rebuilt around new founding keys fails.
  public func verify(witness witnessText: String? = nil, root: String? = nil) throws(VaultError) -> AuditVerification {
    do {
      return try database.read { db in
        let result = try verify(db, witnessText: witnessText)
        guard let root, result.isIntact else { return result }
        let signers = try CheckpointSigners.load(db, metadata: metadata)
        let found = signers.directory.flatMap { VaultRoot.of($0, metadata: metadata) }?.fingerprint
        guard found == root.trimmingCharacters(in: .whitespacesAndNewlines) else {
          return result.failing(
            "the vault's root is \(found ?? "missing (no signed directory)"), not the given root \(root): its founding keys "
              + "were replaced, or this is another vault")
        }
        return result
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  private func verify(_ db: StoreDatabase, witnessText: String?) throws -> AuditVerification {
    var problem: String?
    func fail(_ text: String) { if problem == nil { problem = text } }
    let signers: CheckpointSigners
    do {
      signers = try CheckpointSigners.load(db, metadata: metadata)
    } catch let error as VaultError {
      return AuditVerification(
        entries: 0, checkpoints: 0, signedSize: 0, latestSigner: nil, latestTime: nil, unsignedTail: 0, witness: nil,
        problem: "the signed directory does not verify: \(error.message)", anchoredAt: nil, directoryLength: 0)
    }

    // Checkpoints: each must be a well-formed note of this vault, signed by a key the directory
    // held valid at the directory length it names.
    var checkpoints: [Int: CheckpointSigners.Signed] = [:]
    var lastDirectoryLength: Int64 = 0
    for row in try StoreRow.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size") {
      let size: Int = row["tree_size"]
      do {
        let checkpoint = try signers.check(try SignedNote(parsing: row["note"]))
        guard checkpoint.size == size, checkpoint.root == [UInt8](row["root_hash"] as Data) else {
          fail("the checkpoint row of size \(size) does not match its own signed note")
          continue
        }
        if let length = checkpoint.directoryLength {
          if length < lastDirectoryLength {
            fail(
              "the checkpoint of size \(size) names directory length \(length) after one named \(lastDirectoryLength) "
                + "(rule: the directory only grows)")
          }
          lastDirectoryLength = length
        }
        checkpoints[size] = checkpoint
      } catch let error as CheckpointSigners.Problem {
        fail("the checkpoint of size \(size) \(error.text)")
      } catch {
        fail("the checkpoint of size \(size) is not a valid signed note")
      }
    }
    if let directory = signers.directory, lastDirectoryLength != directory.length {
      fail(
        "directory entries \(lastDirectoryLength + 1)-\(directory.length) are covered by no signed checkpoint "
          + "(rule: every directory change is signed into the log): they were added outside haven")
    }

    // Entries, in order: numbered 1, 2, 3, ...; each content matching its recorded leaf hash; the
    // tree at each checkpoint's size matching the signed root.
    var frontier = MerkleFrontier()
    // The stored subtrees (format 12) are a cache for proofs; each must match the entries.
    let storedBlocks = try AuditSubtrees.load(db, below: Int.max)
    // Every leaf is kept only when a witness asks for a consistency proof.
    var leaves: [MerkleTree.Hash] = []
    var lastSignedSize = 0
    var tailIsFailedUnlocks = true
    // Who wrote the entries since the last checkpoint (failed unlocks aside): the next
    // checkpoint must be signed by that one user, who wrote them in one transaction.
    var rangeActors = Set<Int64>()
    func isFailedUnlock(_ entry: AuditEntry) -> Bool {
      entry.action == AuditAction.unlock.rawValue && entry.outcome == AuditOutcome.failed.rawValue
    }
    func consume(_ pending: PendingLeafHashes) {
      let hashes = pending.wait()
      for (index, entry) in pending.entries.enumerated() {
        let expected = Int64(frontier.size) + 1
        if entry.seq != expected {
          fail("entry \(expected) is missing: the log jumps from entry \(expected - 1) to \(entry.seq) (deleted or renumbered)")
        }
        let leafHash = hashes[index]
        if let stored = pending.stored[index], stored != leafHash {
          fail("entry \(entry.seq) was altered: its content no longer matches its recorded leaf hash")
        }
        if let block = frontier.append(leafHash: leafHash, completing: AuditSubtrees.blockHeight) {
          let number = frontier.size / AuditSubtrees.blockSize - 1
          if let stored = storedBlocks[number], stored != block {
            fail(
              "the stored subtree hash of entries \(number * AuditSubtrees.blockSize + 1)-\(frontier.size) does not match them "
                + "(it is a cache for proofs, written by haven as the log grows): it was edited outside haven")
          }
        }
        if witnessText != nil { leaves.append(leafHash) }
        let failedUnlock = isFailedUnlock(entry)
        if !failedUnlock, let actor = entry.actorUserID { rangeActors.insert(actor) }
        if let checkpoint = checkpoints[frontier.size] {
          if checkpoint.root != frontier.root {
            fail(
              "entries \(lastSignedSize + 1)-\(frontier.size) do not match the checkpoint signed at size \(frontier.size) by \(checkpoint.signer): "
                + "an entry in that range was altered, inserted, deleted or reordered")
          }
          if let signerID = checkpoint.signerID, let other = rangeActors.first(where: { $0 != signerID }) {
            fail(
              "the checkpoint of size \(frontier.size) is signed by \(checkpoint.signer) (\(checkpoint.fingerprint)) but entries "
                + "\(lastSignedSize + 1)-\(frontier.size) include user \(other)'s (rule: a checkpoint is signed by the actor of "
                + "the entries it covers)")
          }
          lastSignedSize = frontier.size
          tailIsFailedUnlocks = true
          rangeActors = []
        } else if !failedUnlock {
          tailIsFailedUnlocks = false
        }
      }
    }
    // Rows are decoded here in batches; each batch is hashed on the other cores while the next
    // is read, then checked in order.
    let batchSize = 8192
    var inFlight: PendingLeafHashes?
    var entries: [AuditEntry] = []
    var stored: [[UInt8]?] = []
    entries.reserveCapacity(batchSize)
    stored.reserveCapacity(batchSize)
    let rows = try StoreRow.fetchCursor(db, sql: "SELECT \(try AuditEntry.orderedColumns(db)) FROM audit_entries ORDER BY seq")
    while let row = try rows.next() {
      entries.append(AuditEntry(positional: row))
      stored.append((row[10] as Data?).map { [UInt8]($0) })
      if entries.count == batchSize {
        let next = PendingLeafHashes.begin(entries, stored: stored)
        if let inFlight { consume(inFlight) }
        inFlight = next
        entries.removeAll(keepingCapacity: true)
        stored.removeAll(keepingCapacity: true)
      }
    }
    if let inFlight { consume(inFlight) }
    if !entries.isEmpty { consume(PendingLeafHashes.begin(entries, stored: stored)) }
    let size = frontier.size
    if let beyond = checkpoints.keys.filter({ $0 > size }).min() {
      fail(
        "the log ends at entry \(size) but a checkpoint was signed at size \(beyond): entries \(size + 1)-\(beyond) were deleted")
    }
    if size > lastSignedSize && !tailIsFailedUnlocks {
      fail("entries \(lastSignedSize + 1)-\(size) were added without a signed checkpoint (inserted outside haven)")
    }
    if checkpoints.isEmpty { fail("the log has no signed checkpoint") }
    let latest = checkpoints[lastSignedSize]

    var witness: AuditVerification.WitnessResult?
    if let witnessText, problem == nil {
      witness = try checkWitness(witnessText, signers: signers, leaves: leaves[..<lastSignedSize], fail: fail)
    }
    return AuditVerification(
      entries: size, checkpoints: checkpoints.count, signedSize: lastSignedSize, latestSigner: latest?.signer,
      latestTime: latest?.time,
      unsignedTail: size - lastSignedSize, witness: problem == nil ? witness : nil, problem: problem,
      anchoredAt: signers.directory.map { $0.anchor?.auditSize ?? 0 }, directoryLength: signers.directory?.length ?? 0)
  }

  private func checkWitness(
    _ text: String, signers: CheckpointSigners, leaves: ArraySlice<MerkleTree.Hash>, fail: (String) -> Void
  ) throws -> AuditVerification.WitnessResult? {
    let witnessed: CheckpointSigners.Signed
    do {
      witnessed = try signers.check(try SignedNote(parsing: text))
    } catch let error as CheckpointSigners.Problem {
      fail("the witness \(error.text)")
      return nil
    } catch {
      fail("the witness is not a signed checkpoint note")
      return nil
    }
    guard witnessed.size <= leaves.count else {
      fail(
        "the log is shorter than the witnessed one (\(leaves.count) signed entries, witness \(witnessed.size)): it was truncated or an older copy of the vault restored"
      )
      return nil
    }
    let proof = MerkleTree.consistencyProof(oldSize: witnessed.size, leaves)
    guard
      MerkleTree.verifyConsistency(
        oldSize: witnessed.size, newSize: leaves.count, oldRoot: witnessed.root, newRoot: MerkleTree.root(leaves), proof: proof)
    else {
      fail("the log diverges from the witness: its first \(witnessed.size) entries are not the ones witnessed")
      return nil
    }
    return .consistent(witnessSize: witnessed.size, proofLength: proof.count)
  }

  /// The current signing key of every active user, by signed-note key name: what a recipient
  /// of exports (or a witness of checkpoints) should trust, once checked out of band.
  public func currentSigners() throws(VaultError) -> [(keyName: String, publicKey: SigningPublicKey)] {
    do {
      return try database.read { db in
        try StoreRow.fetchAll(db, sql: "SELECT name, signing_public_key FROM users WHERE removed_at IS NULL ORDER BY name")
          .flatMap {
            let key = try SigningPublicKey(bytes: [UInt8]($0["signing_public_key"] as Data))
            // Each key under its user's name, and under its fingerprint (subject-access exports).
            return [
              (AuditLog.keyName(metadata, user: $0["name"]), key),
              (SignerName.anonymous(vaultIDHex: Hex.encode(metadata.vaultID), key: key), key),
            ]
          }
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// The latest signed checkpoint note, for an auditor to keep outside the vault as a witness.
  public func latestCheckpoint() throws(VaultError) -> String {
    do {
      guard
        let note = try database.read({ db in
          try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
        })
      else { throw VaultError.notFound(kind: "checkpoint", name: "latest") }
      return note
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}
