import HavenCrypto

/// A user's two long-term key pairs: X25519 to receive sealed keys, Ed25519 to sign what they
/// write (audit checkpoints). Only ever complete in memory after an unlock.
public struct UserKeyPairs: ~Copyable, @unchecked Sendable {
  let box: BoxKeyPair
  let signingSeed: SecretKey<SigningSeedPurpose>
  let signing: SigningKeyPair

  init(box: consuming BoxKeyPair, signingSeed: consuming SecretKey<SigningSeedPurpose>) throws(CryptoError) {
    let signing = try SigningKeyPair(seed: signingSeed)
    self.box = box
    self.signingSeed = signingSeed
    self.signing = signing
  }

  static func generate() throws(CryptoError) -> UserKeyPairs {
    try UserKeyPairs(box: BoxKeyPair.generate(), signingSeed: SecretKey.random())
  }

  /// `generate()` with its failure expressed as a vault error.
  static func generateForVault() throws(VaultError) -> UserKeyPairs {
    do {
      return try generate()
    } catch {
      throw .storageFailure("key generation failed: \(error)")
    }
  }
}
