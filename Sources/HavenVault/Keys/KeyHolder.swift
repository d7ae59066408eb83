import GRDB
import HavenCrypto

/// Someone who can open sealed keys and so pass them on: an unlocked user (their own grants) or
/// the recovery key (the grants sealed to it). Key duties and recovery share one algorithm and
/// differ only in the holder.
protocol KeyHolder: AnyObject {
  /// The grant recipient this holder opens: a user id, or nil for the recovery key.
  var recipientID: Int64? { get }
  var publicKey: BoxPublicKey { get }
  func openGrant<P: KeyPurpose>(
    _ sealed: [UInt8], context: [UInt8], as type: P.Type
  ) throws(CryptoError) -> SecretKey<P>
}

extension KeyHolder {
  /// Opens this holder's grant of a key, or returns nil if it holds none.
  func heldKey<P: KeyPurpose>(
    _ db: Database, vaultID: [UInt8], kind: GrantedKeyKind, teamID: Int64?, version: Int64, as type: P.Type
  ) throws -> SecretKey<P>? {
    guard let sealed = try KeyGrantStore.sealed(db, kind: kind, teamID: teamID, version: version, recipient: recipientID) else {
      return nil
    }
    let context = KeyGrant.context(vaultID: vaultID, kind: kind, teamID: teamID, version: version, recipient: publicKey)
    do {
      return try openGrant(sealed, context: context, as: type)
    } catch {
      throw VaultError.databaseDamaged(
        "a sealed \(kind.rawValue) key (version \(version)) failed to open: it was altered or swapped")
    }
  }
}

final class UserKeyHolder: KeyHolder {
  let session: VaultSession
  init(_ session: VaultSession) { self.session = session }
  var recipientID: Int64? { session.user.id }
  var publicKey: BoxPublicKey { session.keys.box.publicKey }
  func openGrant<P: KeyPurpose>(_ sealed: [UInt8], context: [UInt8], as type: P.Type) throws(CryptoError) -> SecretKey<P> {
    try KeyGrant.open(sealed, context: context, with: session.keys.box, as: type)
  }
}

final class RecoveryKeyHolder: KeyHolder {
  let recoveryKey: RecoveryKey
  init(_ recoveryKey: consuming RecoveryKey) { self.recoveryKey = recoveryKey }
  var recipientID: Int64? { nil }
  var publicKey: BoxPublicKey { recoveryKey.publicKey }
  func openGrant<P: KeyPurpose>(_ sealed: [UInt8], context: [UInt8], as type: P.Type) throws(CryptoError) -> SecretKey<P> {
    try KeyGrant.open(sealed, context: context, with: recoveryKey.keyPair, as: type)
  }
}
