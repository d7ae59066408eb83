import HavenCrypto
import HavenStore

/// How a log (a restored backup's, or today's) stands against a checkpoint kept outside the
/// vault: the question a restore must answer before anyone relies on the restored records.
public enum WitnessRelation: Sendable, Equatable {
  /// The log's latest signed checkpoint is the witnessed one.
  case same(size: Int)
  /// The log extends the witness, proved by an RFC 6962 consistency proof.
  case newer(witnessSize: Int, size: Int)
  /// The log is shorter than the witness: an older copy. Entries after it are not in it.
  case older(size: Int, witnessSize: Int)
  /// The log does not contain the witnessed history, or the witness is not this vault's.
  case diverging(String)

  public var summary: String {
    switch self {
    case .same(let size): "the same as the witness (\(size) entries)"
    case .newer(let witness, let size):
      "newer than the witness: it extends the witnessed \(witness) entries to \(size) (consistency proof verified)"
    case .older(let size, let witness):
      "older than the witness: \(size) entries against \(witness) witnessed; the \(witness - size) later entries, and the work they record, are not in it"
    case .diverging(let reason): "diverging from the witness: \(reason)"
    }
  }
}

extension AuditVerifier {
  /// Compares the log's signed history with a witnessed checkpoint note.
  public func relation(toWitness text: String) throws(VaultError) -> WitnessRelation {
    do {
      return try database.read { db in
        let signers = try CheckpointSigners.load(db, metadata: metadata)
        let witnessed: CheckpointSigners.Signed
        do {
          witnessed = try signers.check(try SignedNote(parsing: text))
        } catch let problem as CheckpointSigners.Problem {
          return .diverging("the witness \(problem.text)")
        } catch {
          return .diverging("the witness is not a signed checkpoint note")
        }
        let signedSize = try Int.fetchOne(db, sql: "SELECT max(tree_size) FROM audit_checkpoints") ?? 0
        guard witnessed.size <= signedSize else { return .older(size: signedSize, witnessSize: witnessed.size) }
        let leaves = try StoreRow.fetchAll(
          db, sql: "SELECT * FROM audit_entries WHERE seq <= ? ORDER BY seq", arguments: [signedSize]
        )
        .map { AuditEntry(row: $0).leafHash }
        let proof = MerkleTree.consistencyProof(oldSize: witnessed.size, leaves[...])
        guard
          MerkleTree.verifyConsistency(
            oldSize: witnessed.size, newSize: leaves.count, oldRoot: witnessed.root, newRoot: MerkleTree.root(leaves),
            proof: proof)
        else { return .diverging("its first \(witnessed.size) entries are not the ones witnessed") }
        return witnessed.size == signedSize ? .same(size: signedSize) : .newer(witnessSize: witnessed.size, size: signedSize)
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// SQLite's own check of the database file's structure (`PRAGMA integrity_check`). A server
  /// store checks its own pages (data checksums, `amcheck` run by its administrator): there is no
  /// file here to check, and the audit log's verification does not depend on it.
  public func integrityCheck() throws(VaultError) -> String? {
    guard database.kind == .sqlite else { return nil }
    do {
      let result = try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
      return result == ["ok"] ? nil : result.prefix(5).joined(separator: "; ")
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Whether `publicKey` is, or was, the signing key of `user` in this vault.
  public func isSigningKey(_ publicKey: SigningPublicKey, of user: String) throws(VaultError) -> Bool {
    do {
      return try database.read { db in
        let signers = try CheckpointSigners.load(db, metadata: metadata)
        guard let directory = signers.directory else {
          return signers.unanchored[AuditLog.keyName(metadata, user: user)]?.contains(publicKey) ?? false
        }
        guard let id = directory.user(named: user)?.id else { return false }
        return directory.signingKeys.contains { $0.userID == id && $0.key == publicKey }
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// The vault id, for comparing a backup with the vault it claims to be.
  public var vaultID: [UInt8] { metadata.vaultID }
}
