/// The versioned envelope every encrypted field is stored in (docs/FORMAT.md, "Field envelope"):
///
///     0x01 || nonce (24) || XChaCha20-Poly1305 ciphertext || tag (16)
///
/// The version byte names the suite; anything else is refused, never guessed. The associated data
/// is the caller's context (vault, table, record, field, key version) with the version byte
/// prepended, so a ciphertext copied to another record, field or suite fails to open.
public enum FieldEnvelope {
  public static let currentVersion: UInt8 = 0x01
  public static let overheadByteCount = 1 + XChaCha20Poly1305.nonceByteCount + XChaCha20Poly1305.tagByteCount

  public static func seal<P: AEADKeyPurpose>(
    _ plaintext: [UInt8], key: borrowing SecretKey<P>, context: [UInt8]
  ) -> [UInt8] {
    [currentVersion] + XChaCha20Poly1305.seal(plaintext, key: key, associatedData: [currentVersion] + context)
  }

  public static func open<P: AEADKeyPurpose>(
    _ envelope: [UInt8], key: borrowing SecretKey<P>, context: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    guard let version = envelope.first else { throw .malformedInput("empty envelope") }
    guard version == currentVersion else { throw .unsupportedVersion(version) }
    // No copies of the envelope and one buffer for the associated data: readers open fields by
    // the million.
    var associatedData: [UInt8] = []
    associatedData.reserveCapacity(context.count + 1)
    associatedData.append(version)
    associatedData.append(contentsOf: context)
    return try XChaCha20Poly1305.open(envelope[1...], key: key, associatedData: associatedData)
  }

  /// Seals a key (a record key wrapped under a team's wrapping key) in the same envelope.
  public static func sealKey<P: AEADKeyPurpose, Wrapped: KeyPurpose>(
    _ wrapped: borrowing SecretKey<Wrapped>, key: borrowing SecretKey<P>, context: [UInt8]
  ) -> [UInt8] {
    [currentVersion] + XChaCha20Poly1305.sealKey(wrapped, key: key, associatedData: [currentVersion] + context)
  }

  public static func openKey<P: AEADKeyPurpose, Wrapped: KeyPurpose>(
    _ envelope: [UInt8], key: borrowing SecretKey<P>, context: [UInt8], as type: Wrapped.Type
  ) throws(CryptoError) -> SecretKey<Wrapped> {
    guard let version = envelope.first else { throw .malformedInput("empty envelope") }
    guard version == currentVersion else { throw .unsupportedVersion(version) }
    return try XChaCha20Poly1305.openKey(
      Array(envelope.dropFirst()), key: key, associatedData: [version] + context, as: type)
  }

  /// Opens a wrapped key into an existing guarded key (a slot reused for many records).
  public static func openKey<P: AEADKeyPurpose, Wrapped: KeyPurpose>(
    _ envelope: [UInt8], key: borrowing SecretKey<P>, context: [UInt8], into target: borrowing SecretKey<Wrapped>
  ) throws(CryptoError) {
    guard let version = envelope.first else { throw .malformedInput("empty envelope") }
    guard version == currentVersion else { throw .unsupportedVersion(version) }
    try XChaCha20Poly1305.openKey(envelope[1...], key: key, associatedData: [version] + context, into: target)
  }
}
