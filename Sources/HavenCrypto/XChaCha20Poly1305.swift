import CSodium

/// XChaCha20-Poly1305-IETF authenticated encryption with associated data. The 24-byte nonce is
/// large enough to be chosen at random for every message, so callers never supply one (a reused
/// nonce would break confidentiality); only known-answer tests may, through the SPI below.
public enum XChaCha20Poly1305 {
  public static let keyByteCount = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
  public static let nonceByteCount = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
  public static let tagByteCount = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

  /// Encrypts under a fresh random nonce; returns `nonce || ciphertext || tag`.
  public static func seal<P: AEADKeyPurpose>(
    _ plaintext: UnsafeRawBufferPointer, key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    var nonce = [UInt8](repeating: 0, count: nonceByteCount)
    randombytes_buf(&nonce, nonceByteCount)
    return nonce + sealDetachedNonce(plaintext, key: key, nonce: nonce, associatedData: associatedData)
  }

  public static func seal<P: AEADKeyPurpose>(
    _ plaintext: [UInt8], key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) -> [UInt8] {
    plaintext.withUnsafeBytes { seal($0, key: key, associatedData: associatedData) }
  }

  /// Encrypts with a caller-chosen nonce; returns `ciphertext || tag` without the nonce.
  /// Only for reproducing published test vectors.
  @_spi(KnownAnswerTests)
  public static func sealDetachedNonce<P: AEADKeyPurpose>(
    _ plaintext: UnsafeRawBufferPointer, key: borrowing SecretKey<P>, nonce: [UInt8], associatedData: [UInt8]
  ) -> [UInt8] {
    precondition(nonce.count == nonceByteCount)
    var output = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
    var outputLength: UInt64 = 0
    key.withUnsafeBytes { keyBytes in
      _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
        &output, &outputLength,
        plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
        associatedData, UInt64(associatedData.count), nil, nonce,
        keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
    return output
  }

  /// Splits `nonce || ciphertext || tag` and checks its length before any decryption is tried.
  private static func split(
    _ sealed: ArraySlice<UInt8>
  ) throws(CryptoError) -> (
    nonce: ArraySlice<UInt8>, body: ArraySlice<UInt8>
  ) {
    guard sealed.count >= nonceByteCount + tagByteCount else {
      throw .malformedInput("ciphertext shorter than nonce and tag")
    }
    let bodyStart = sealed.startIndex + nonceByteCount
    return (sealed[sealed.startIndex..<bodyStart], sealed[bodyStart...])
  }

  private static func split(_ sealed: [UInt8]) throws(CryptoError) -> (nonce: ArraySlice<UInt8>, body: ArraySlice<UInt8>) {
    try split(sealed[...])
  }

  /// Decrypts ordinary content (a name, a note) into an array; the caller decides how to show it.
  public static func open<P: AEADKeyPurpose>(
    _ sealed: [UInt8], key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    try open(sealed[...], key: key, associatedData: associatedData)
  }

  /// As `open`, for `nonce || ciphertext || tag` inside a larger buffer (an envelope after its
  /// version byte), without copying it out first.
  public static func open<P: AEADKeyPurpose>(
    _ sealed: ArraySlice<UInt8>, key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    let (nonce, body) = try split(sealed)
    var output = [UInt8](repeating: 0, count: body.count - tagByteCount)
    let status = output.withUnsafeMutableBytes { out in
      decrypt(into: out, body: body, nonce: nonce, key: key, associatedData: associatedData)
    }
    guard status == 0 else { throw .authenticationFailed }
    return output
  }

  /// Decrypts secret material straight into guarded memory, so it never touches an array.
  public static func openSecret<P: AEADKeyPurpose>(
    _ sealed: [UInt8], key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) throws(CryptoError) -> SecureBytes {
    let (nonce, body) = try split(sealed)
    let output = try SecureBytes(count: body.count - tagByteCount)
    let status = output.withUnsafeMutableBytes { out in
      decrypt(into: out, body: body, nonce: nonce, key: key, associatedData: associatedData)
    }
    guard status == 0 else { throw .authenticationFailed }
    return output
  }

  /// Decrypts a wrapped key of a known purpose into guarded memory.
  public static func openKey<P: AEADKeyPurpose, Wrapped: KeyPurpose>(
    _ sealed: [UInt8], key: borrowing SecretKey<P>, associatedData: [UInt8], as _: Wrapped.Type
  ) throws(CryptoError) -> SecretKey<Wrapped> {
    guard sealed.count == nonceByteCount + Wrapped.byteCount + tagByteCount else {
      throw .malformedInput("wrapped \(Wrapped.displayName) has the wrong length")
    }
    return try SecretKey<Wrapped>(adopting: openSecret(sealed, key: key, associatedData: associatedData))
  }

  /// Decrypts a wrapped key into an existing guarded key of the same purpose (a reused slot):
  /// on failure the slot is wiped, never left holding a partial or earlier key.
  public static func openKey<P: AEADKeyPurpose, Wrapped: KeyPurpose>(
    _ sealed: ArraySlice<UInt8>, key: borrowing SecretKey<P>, associatedData: [UInt8], into target: borrowing SecretKey<Wrapped>
  ) throws(CryptoError) {
    guard sealed.count == nonceByteCount + Wrapped.byteCount + tagByteCount else {
      throw .malformedInput("wrapped \(Wrapped.displayName) has the wrong length")
    }
    let (nonce, body) = try split(sealed)
    let status = target.storage.withUnsafeMutableBytes { out in
      decrypt(into: out, body: body, nonce: nonce, key: key, associatedData: associatedData)
    }
    guard status == 0 else {
      target.storage.withUnsafeMutableBytes { out in sodium_memzero(out.baseAddress, out.count) }
      throw .authenticationFailed
    }
  }

  /// Encrypts a key for storage (the wrapped form `openKey` reverses).
  public static func sealKey<P: AEADKeyPurpose, Wrapped: KeyPurpose>(
    _ wrapped: borrowing SecretKey<Wrapped>, key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) -> [UInt8] {
    wrapped.withUnsafeBytes { seal($0, key: key, associatedData: associatedData) }
  }

  private static func decrypt<P: AEADKeyPurpose>(
    into out: UnsafeMutableRawBufferPointer, body: ArraySlice<UInt8>, nonce: ArraySlice<UInt8>,
    key: borrowing SecretKey<P>, associatedData: [UInt8]
  ) -> Int32 {
    var outputLength: UInt64 = 0
    return key.withUnsafeBytes { keyBytes in
      body.withUnsafeBufferPointer { bodyBytes in
        nonce.withUnsafeBufferPointer { nonceBytes in
          crypto_aead_xchacha20poly1305_ietf_decrypt(
            out.baseAddress?.assumingMemoryBound(to: UInt8.self), &outputLength, nil,
            bodyBytes.baseAddress!, UInt64(bodyBytes.count),
            associatedData, UInt64(associatedData.count), nonceBytes.baseAddress!,
            keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
      }
    }
  }
}
