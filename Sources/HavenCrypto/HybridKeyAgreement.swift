import CSodium

/// A symmetric key agreed between a fresh ephemeral X25519 key and a long-term recipient key.
public struct AgreedKey<Purpose: AEADKeyPurpose>: ~Copyable, @unchecked Sendable {
  /// Stored beside what the key encrypts, so the recipient can derive the same key.
  public let ephemeralPublicKey: BoxPublicKey
  public let key: SecretKey<Purpose>

  /// Hands the key to a new owner once the ephemeral public key has been stored.
  public consuming func takeKey() -> SecretKey<Purpose> {
    key
  }
}

/// Lets anyone encrypt to a role (e.g. every worker writes statistical fields the `reporting` role
/// can read) without holding that role's secret: one X25519 agreement per record, then AEAD per
/// field. The key is BLAKE2b-256 keyed with the X25519 shared secret over
/// `AssociatedData.encode(label, [ephemeral public, recipient public])` (docs/FORMAT.md).
public enum HybridKeyAgreement {
  public static func agree<P: AEADKeyPurpose>(
    with recipient: BoxPublicKey, label: String, as _: P.Type = P.self
  ) throws(CryptoError) -> AgreedKey<P> {
    let ephemeral = try BoxKeyPair.generate()
    let key: SecretKey<P> = try derive(
      secret: ephemeral.secretKey, peer: recipient, ephemeral: ephemeral.publicKey, recipient: recipient, label: label)
    return AgreedKey(ephemeralPublicKey: ephemeral.publicKey, key: key)
  }

  public static func recover<P: AEADKeyPurpose>(
    ephemeral: BoxPublicKey, recipient keyPair: borrowing BoxKeyPair, label: String, as _: P.Type = P.self
  ) throws(CryptoError) -> SecretKey<P> {
    try derive(secret: keyPair.secretKey, peer: ephemeral, ephemeral: ephemeral, recipient: keyPair.publicKey, label: label)
  }

  private static func derive<P: AEADKeyPurpose>(
    secret: borrowing SecretKey<BoxSecretKeyPurpose>, peer: BoxPublicKey,
    ephemeral: BoxPublicKey, recipient: BoxPublicKey, label: String
  ) throws(CryptoError) -> SecretKey<P> {
    let shared = try SecureBytes(count: Int(crypto_scalarmult_BYTES))
    let output = try SecureBytes(count: P.byteCount)
    try derive(
      secret: secret, peer: peer, ephemeral: ephemeral, recipient: recipient, label: label, shared: shared, into: output)
    return try SecretKey(adopting: output)
  }

  /// The agreement itself, into caller-owned guarded buffers.
  static func derive(
    secret: borrowing SecretKey<BoxSecretKeyPurpose>, peer: BoxPublicKey, ephemeral: BoxPublicKey, recipient: BoxPublicKey,
    label: String, shared: borrowing SecureBytes, into output: borrowing SecureBytes
  ) throws(CryptoError) {
    let status = secret.withUnsafeBytes { sk in
      shared.withUnsafeMutableBytes { out in
        crypto_scalarmult(
          out.baseAddress!.assumingMemoryBound(to: UInt8.self), sk.baseAddress!.assumingMemoryBound(to: UInt8.self), peer.bytes)
      }
    }
    guard status == 0 else { throw .invalidPublicKeyOrSignature }
    let message = AssociatedData.encode(domain: label, [.bytes(ephemeral.bytes), .bytes(recipient.bytes)])
    shared.withUnsafeBytes { key in
      output.withUnsafeMutableBytes { out in
        _ = crypto_generichash(
          out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count, message, UInt64(message.count),
          key.baseAddress!.assumingMemoryBound(to: UInt8.self), key.count)
      }
    }
  }
}

/// One guarded key slot re-derived per record, for readers that recover a key for every one of
/// many records (a report over every survivor): guarded allocations cost several system calls
/// each, so the slot and its scratch are allocated once and overwritten, then wiped on release.
public final class ReusableAgreedKey<P: AEADKeyPurpose>: @unchecked Sendable {
  private let shared: SecureBytes
  public let key: SecretKey<P>

  public init() throws(CryptoError) {
    shared = try SecureBytes(count: Int(crypto_scalarmult_BYTES))
    key = try SecretKey(adopting: SecureBytes(count: P.byteCount))
  }

  /// Overwrites `key` with the key agreed for `ephemeral` (as `HybridKeyAgreement.recover`).
  public func recover(ephemeral: BoxPublicKey, recipient keyPair: borrowing BoxKeyPair, label: String) throws(CryptoError) {
    try HybridKeyAgreement.derive(
      secret: keyPair.secretKey, peer: ephemeral, ephemeral: ephemeral, recipient: keyPair.publicKey, label: label,
      shared: shared, into: key.storage)
  }

  /// Overwrites `key` with a key unwrapped from a field envelope (as `FieldEnvelope.sealKey`
  /// makes), so a reader holding a stored wrap of the key skips the agreement.
  public func unwrap<W: AEADKeyPurpose>(
    _ envelope: [UInt8], key wrappingKey: borrowing SecretKey<W>, context: [UInt8]
  ) throws(CryptoError) {
    try FieldEnvelope.openKey(envelope, key: wrappingKey, context: context, into: key)
  }

  /// `key` wrapped under `wrappingKey` in a field envelope, for storage.
  public func wrapped<W: AEADKeyPurpose>(under wrappingKey: borrowing SecretKey<W>, context: [UInt8]) -> [UInt8] {
    FieldEnvelope.sealKey(key, key: wrappingKey, context: context)
  }
}
