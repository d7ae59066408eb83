import HavenCrypto

/// The vault's recovery key: an X25519 key pair to which every team key and the statistics key is
/// also sealed, so losing every member's passphrase does not lose a team's records. Its secret is
/// shown once, at `haven init`, as text for offline custody (docs/FORMAT.md, "Recovery key"):
///
///     HAVEN-RECOVERY-1-XXXXXX-XXXXXX-...   (base32 of secret || first 4 bytes of BLAKE2b-256(secret))
public struct RecoveryKey: ~Copyable, @unchecked Sendable {
  static let prefix = "HAVEN-RECOVERY-1-"
  let keyPair: BoxKeyPair

  init(keyPair: consuming BoxKeyPair) { self.keyPair = keyPair }

  static func generate() throws(CryptoError) -> RecoveryKey {
    RecoveryKey(keyPair: try BoxKeyPair.generate())
  }

  var publicKey: BoxPublicKey { keyPair.publicKey }

  /// Writes the display text straight from guarded memory to a file descriptor (a terminal or a
  /// 0600 file), so the secret never becomes a `String`.
  public func writeText(to descriptor: Int32) throws(VaultError) {
    try SecretKeyText.write(keyPair.secretKey, prefix: RecoveryKey.prefix, to: descriptor, what: "recovery key output")
  }

  /// Reads and checks recovery-key text from a file descriptor into guarded memory.
  public static func read(fromFileDescriptor descriptor: Int32) throws(VaultError) -> RecoveryKey {
    let secret = try SecretKeyText.read(fromFileDescriptor: descriptor, prefix: prefix) { .recoveryKeyInvalid($0) }
    do {
      return RecoveryKey(keyPair: try BoxKeyPair(secretKey: secret))
    } catch {
      throw .recoveryKeyInvalid("it is not a Haven recovery key")
    }
  }
}

extension RecoveryKey {
  /// The recovery key's Ed25519 signing key: seed = BLAKE2b-256 keyed with the X25519 secret over
  /// "haven.recovery.signing.v1". Whoever holds the recovery key can sign grants and team keys
  /// it makes; the vault's genesis entry names the public half (docs/FORMAT.md, "Directory").
  func signingKeyPair() throws(CryptoError) -> SigningKeyPair {
    let seed = try BLAKE2b.deriveKey(
      fromBoxSecret: keyPair.secretKey, message: Array("haven.recovery.signing.v1".utf8), as: SigningSeedPurpose.self)
    return try SigningKeyPair(seed: seed)
  }
}
