import HavenCrypto
import HavenStore

/// Someone who can open sealed keys and so pass them on: an unlocked user (their own grants) or
/// the recovery key (the grants sealed to it). Key duties and recovery share one algorithm and
/// differ only in the holder. Every grant a holder makes is signed by it.
protocol KeyHolder: AnyObject {
  /// The grant recipient this holder opens: a user id, or nil for the recovery key.
  var recipientID: Int64? { get }
  var publicKey: BoxPublicKey { get }
  /// The author id of what this holder signs: its user id, or 0 for the recovery key.
  var authorID: Int64 { get }
  func sign(_ message: [UInt8]) -> [UInt8]
  func openGrant<P: KeyPurpose>(
    _ sealed: [UInt8], context: [UInt8], as type: P.Type
  ) throws(CryptoError) -> SecretKey<P>
}

extension KeyHolder {
  /// Opens this holder's grant of a key, or returns nil if it holds none. The grant must be
  /// signed by someone the directory says could grant that key to this holder, and the key
  /// inside must match the commitment the directory holds: otherwise nothing is returned and the
  /// vault is reported altered.
  func heldKey<P: KeyPurpose>(
    _ db: StoreDatabase, directory: DirectoryState, kind: GrantedKeyKind, teamID: Int64?, version: Int64, as type: P.Type
  ) throws -> SecretKey<P>? {
    guard let grant = try KeyGrantStore.grant(db, kind: kind, teamID: teamID, version: version, recipient: recipientID) else {
      return nil
    }
    let what = "the \(kind.rawValue) key grant\(teamID.map { " of team \($0)" } ?? "") version \(version)"
    if let problem = directory.problem(with: grant, kind: kind, teamID: teamID, version: version, recipient: recipientID) {
      throw VaultError.databaseDamaged("\(what) is refused: \(problem); it was not used")
    }
    let context = KeyGrant.context(vaultID: directory.vaultID, kind: kind, teamID: teamID, version: version, recipient: publicKey)
    let key: SecretKey<P>
    do {
      key = try openGrant(grant.sealed, context: context, as: type)
    } catch {
      throw VaultError.databaseDamaged(
        "a sealed \(kind.rawValue) key (version \(version)) failed to open: it was altered or swapped")
    }
    if let expected = directory.commitment(kind: kind, teamID: teamID, version: version) {
      let found = KeyGrant.commitment(to: key, vaultID: directory.vaultID, kind: kind, teamID: teamID, version: version)
      guard found == expected else {
        throw VaultError.databaseDamaged(
          "\(what) holds a key other than the one the signed directory announced: a forged key was sealed; it was not used")
      }
    }
    return key
  }

  /// Seals `key` to a recipient and signs the grant as this holder.
  func makeGrant<P: KeyPurpose>(
    _ key: borrowing SecretKey<P>, directory: DirectoryState, kind: GrantedKeyKind, teamID: Int64?, version: Int64,
    to recipient: BoxPublicKey
  ) throws -> StoredGrant {
    let context = KeyGrant.context(vaultID: directory.vaultID, kind: kind, teamID: teamID, version: version, recipient: recipient)
    let sealed = try KeyGrant.seal(key, context: context, to: recipient)
    let body = KeyGrant.signatureBody(
      vaultID: directory.vaultID, kind: kind, teamID: teamID, version: version, recipient: recipient, sealed: sealed,
      granter: authorID, directoryLength: directory.length)
    return StoredGrant(
      sealed: sealed, granter: recipientID == nil ? nil : authorID, directoryLength: directory.length, signature: sign(body))
  }
}

final class UserKeyHolder: KeyHolder {
  let session: VaultSession
  init(_ session: VaultSession) { self.session = session }
  var recipientID: Int64? { session.user.id }
  var authorID: Int64 { session.user.id }
  var publicKey: BoxPublicKey { session.keys.box.publicKey }
  func sign(_ message: [UInt8]) -> [UInt8] { session.keys.signing.sign(message) }
  func openGrant<P: KeyPurpose>(_ sealed: [UInt8], context: [UInt8], as type: P.Type) throws(CryptoError) -> SecretKey<P> {
    try KeyGrant.open(sealed, context: context, with: session.keys.box, as: type)
  }
}

final class RecoveryKeyHolder: KeyHolder {
  let recoveryKey: RecoveryKey
  let signing: SigningKeyPair
  init(_ recoveryKey: consuming RecoveryKey) throws(CryptoError) {
    signing = try recoveryKey.signingKeyPair()
    self.recoveryKey = recoveryKey
  }
  var recipientID: Int64? { nil }
  var authorID: Int64 { DirectoryEntry.recoveryAuthor }
  var publicKey: BoxPublicKey { recoveryKey.publicKey }
  func sign(_ message: [UInt8]) -> [UInt8] { signing.sign(message) }
  func openGrant<P: KeyPurpose>(_ sealed: [UInt8], context: [UInt8], as type: P.Type) throws(CryptoError) -> SecretKey<P> {
    try KeyGrant.open(sealed, context: context, with: recoveryKey.keyPair, as: type)
  }
}
