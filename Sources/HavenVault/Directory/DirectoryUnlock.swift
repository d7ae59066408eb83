import Foundation
import HavenCrypto
import HavenStore

extension VaultSession {
  /// Builds the session of a user whose key file has opened, after replaying the signed
  /// directory and checking the tables and the latest checkpoint against it. A vault upgraded
  /// from format 5 is anchored here by its first admin to unlock; until then no one else may.
  static func verifyingDirectory(
    vault: Vault, user: UserRecord, keys: consuming UserKeyPairs, verifiedUpTo prefix: DirectoryPrefix? = nil
  ) throws -> VaultSession {
    let vaultID = vault.metadata.vaultID
    let session = VaultSession(vault: vault, user: user, keys: keys, directory: DirectoryState(vaultID: vaultID))
    if try vault.database.read(DirectoryLog.isEmpty) {
      guard user.role == .admin else {
        throw VaultError.permissionDenied(
          action: "unlock",
          reason:
            "this vault was upgraded from format 5 and its signed directory is not anchored yet: an admin must unlock it once first"
        )
      }
      try session.transaction { db in try DirectoryAnchor.write(db, session: session) }
    }
    try vault.database.read { db in
      let state = try DirectoryLog.load(db, vaultID: vaultID, verifiedUpTo: prefix)
      guard let signed = state.activeUser(user.id), signed.name == user.name, signed.role == user.role,
        signed.box == session.keys.box.publicKey, signed.signing == session.keys.signing.publicKey
      else {
        throw VaultError.databaseDamaged(
          "user '\(user.name)' is not enrolled in the signed directory with this key file's keys and role")
      }
      try DirectoryRowCheck.check(db, against: state)
      try LatestCheckpoint.check(db, directory: state, metadata: vault.metadata)
      session.unlockedDirectory = state
    }
    return session
  }
}

extension VaultSession {
  /// The vault's statistics and recovery public keys as the signed directory holds them (the
  /// `vault_meta` copies are checked at unlock; these are what anything is sealed to).
  func signedStatisticsKey() throws -> BoxPublicKey {
    guard let key = unlockedDirectory.statistics else { throw VaultError.databaseDamaged("no signed statistics key") }
    return key
  }

  func signedRecoveryKey() throws -> BoxPublicKey {
    guard let key = unlockedDirectory.recovery else { throw VaultError.databaseDamaged("no signed recovery key") }
    return key
  }
}

/// The newest signed checkpoint must name the directory as it stands, and be signed by a key the
/// directory says was valid then: directory entries cut from the end, or added without a
/// signature, show up here at every unlock (the full check of the log is `haven audit verify`).
enum LatestCheckpoint {
  static func check(_ db: StoreDatabase, directory: DirectoryState, metadata: VaultMetadata) throws {
    guard let note = try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1") else {
      throw VaultError.databaseDamaged("the audit log has no signed checkpoint")
    }
    guard let parsed = try? SignedNote(parsing: note), let checkpoint = try? Checkpoint(parsing: parsed.text),
      let line = DirectoryLine(checkpoint: checkpoint)
    else {
      throw VaultError.databaseDamaged("the latest checkpoint does not name the signed directory")
    }
    guard line.length == directory.length, line.head == directory.head else {
      throw VaultError.databaseDamaged(
        line.length > directory.length
          ? "directory entries \(directory.length + 1)-\(line.length) were removed (the latest checkpoint covers them)"
          : "the directory does not match the one the latest checkpoint signed: it was edited outside haven")
    }
    guard let signature = parsed.signatures.first,
      let name = signature.name.split(separator: "/").last.map(String.init),
      let signer = directory.user(named: name), let key = directory.signingKey(of: signer.id, at: line.length),
      parsed.isSigned(by: signature.name, publicKey: key)
    else {
      throw VaultError.databaseDamaged("the latest checkpoint is not signed by a key the signed directory held valid")
    }
  }
}

/// A checkpoint's `directory N HEAD` extension line: the directory's length and the hash of its
/// last entry when the checkpoint was signed (docs/FORMAT.md, "Audit log").
struct DirectoryLine: Equatable {
  let length: Int64
  let head: [UInt8]

  static let prefix = "directory "

  init(length: Int64, head: [UInt8]) {
    self.length = length
    self.head = head
  }

  init?(checkpoint: Checkpoint) {
    guard let text = checkpoint.extensions.first(where: { $0.hasPrefix(DirectoryLine.prefix) }) else { return nil }
    let parts = text.dropFirst(DirectoryLine.prefix.count).split(separator: " ")
    guard parts.count == 2, let length = Int64(parts[0]), length > 0, let head = Data(base64Encoded: String(parts[1])),
      head.count == 32
    else { return nil }
    self.init(length: length, head: [UInt8](head))
  }

  var text: String { DirectoryLine.prefix + "\(length) " + Data(head).base64EncodedString() }
}
