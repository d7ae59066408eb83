import Foundation
import HavenCrypto
import HavenStore

/// Which keys may sign which checkpoint, replayed from the signed directory (docs/FORMAT.md,
/// "Checkpoint validity"): a checkpoint names the directory length it was signed under, and only a
/// key enrolled by then and not yet retired or removed counts, so a key planted in the file, a
/// removed user's key or a reset user's old key signs nothing new. Checkpoints of a re-anchored
/// vault's older history (no directory line) count from the keys the anchor lists for that user.
/// A vault with no directory at all (format 5, not yet anchored) falls back to its own tables,
/// and says that this proves nothing against someone who can edit the file.
struct CheckpointSigners {
  let metadata: VaultMetadata
  /// nil when the vault has no signed directory yet.
  let directory: DirectoryState?
  /// Only for a vault with no directory: every key its tables list per user.
  let unanchored: [String: [SigningPublicKey]]

  static func load(_ db: StoreDatabase, metadata: VaultMetadata) throws -> CheckpointSigners {
    if try db.tableExists("directory_entries"),
      try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM directory_entries)") == true
    {
      return CheckpointSigners(
        metadata: metadata, directory: try DirectoryLog.load(db, vaultID: metadata.vaultID), unanchored: [:])
    }
    var keys: [String: [SigningPublicKey]] = [:]
    for row in try StoreRow.fetchAll(db, sql: "SELECT id, name, signing_public_key FROM users") {
      var userKeys = try Data.fetchAll(
        db, sql: "SELECT signing_public_key FROM retired_signing_keys WHERE user_id = ?", arguments: [row["id"] as Int64]
      ).map { try SigningPublicKey(bytes: [UInt8]($0)) }
      userKeys.append(try SigningPublicKey(bytes: [UInt8](row["signing_public_key"] as Data)))
      keys[AuditLog.keyName(metadata, user: row["name"])] = userKeys
    }
    return CheckpointSigners(metadata: metadata, directory: nil, unanchored: keys)
  }

  /// A checkpoint that passed: who signed it, with which key, under which directory length.
  struct Signed {
    let size: Int
    let root: MerkleTree.Hash
    let signer: String
    let signerID: Int64?
    let fingerprint: String
    let time: String?
    /// nil for a checkpoint that predates the directory.
    let directoryLength: Int64?
  }

  struct Problem: Error { let text: String }

  func check(_ note: SignedNote) throws(Problem) -> Signed {
    let checkpoint: Checkpoint
    do { checkpoint = try Checkpoint(parsing: note.text) } catch { throw Problem(text: "is not a tlog checkpoint") }
    guard checkpoint.origin == AuditLog.origin(metadata) else {
      throw Problem(text: "is from another vault (origin \(checkpoint.origin))")
    }
    let time = checkpoint.extensions.first { $0.hasPrefix("time ") }.map { String($0.dropFirst(5)) }
    guard let signature = note.signatures.first else { throw Problem(text: "has no signature") }
    let name = String(signature.name.split(separator: "/").last ?? "")
    guard signature.name == AuditLog.keyName(metadata, user: name) else {
      throw Problem(text: "is signed under a key name that is not this vault's (\(signature.name))")
    }
    guard let directory else {
      guard let key = unanchored[signature.name]?.first(where: { note.isSigned(by: signature.name, publicKey: $0) }) else {
        throw Problem(text: "is not signed by any user of this vault")
      }
      return Signed(
        size: checkpoint.size, root: checkpoint.root, signer: name, signerID: nil, fingerprint: KeyFingerprint.of(key),
        time: time, directoryLength: nil)
    }
    guard let user = directory.user(named: name) else { throw Problem(text: "is signed by '\(name)', who was never enrolled") }
    if let line = DirectoryLine(checkpoint: checkpoint) {
      guard line.length <= directory.length, directory.heads[Int(line.length) - 1] == line.head else {
        throw Problem(text: "names directory entry \(line.length), which is not in this vault's signed directory")
      }
      guard let key = directory.signingKey(of: user.id, at: line.length) else {
        throw Problem(
          text: "is signed as '\(name)', who held no valid signing key at directory length \(line.length) "
            + "(rule: only keys enrolled and not retired or removed by then count)")
      }
      guard note.isSigned(by: signature.name, publicKey: key) else {
        throw Problem(
          text: "is not signed by \(name)'s key valid at directory length \(line.length) (\(KeyFingerprint.of(key))): "
            + "a key the directory does not hold valid then signed it")
      }
      return Signed(
        size: checkpoint.size, root: checkpoint.root, signer: name, signerID: user.id, fingerprint: KeyFingerprint.of(key),
        time: time, directoryLength: line.length)
    }
    guard let anchor = directory.anchor, checkpoint.size <= Int(anchor.auditSize) else {
      throw Problem(text: "does not name the signed directory (rule: every checkpoint after the directory began names it)")
    }
    let anchored = directory.signingKeys.filter { $0.userID == user.id && $0.from == 1 }.map(\.key)
    guard let key = anchored.first(where: { note.isSigned(by: signature.name, publicKey: $0) }) else {
      throw Problem(text: "predates the directory and is not signed by a key the anchor lists for '\(name)'")
    }
    return Signed(
      size: checkpoint.size, root: checkpoint.root, signer: name, signerID: nil, fingerprint: KeyFingerprint.of(key),
      time: time, directoryLength: nil)
  }
}

/// A short, stable name for a public key that a person can compare out of band: `ed25519:` or
/// `x25519:` and the first 16 hex digits of SHA-256 of the key.
enum KeyFingerprint {
  static func of(_ key: SigningPublicKey) -> String { "ed25519:" + Hex.encode(Array(SHA256.hash(key.bytes).prefix(8))) }
  static func of(_ key: BoxPublicKey) -> String { "x25519:" + Hex.encode(Array(SHA256.hash(key.bytes).prefix(8))) }
}
