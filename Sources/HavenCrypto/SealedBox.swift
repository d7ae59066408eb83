import CSodium

/// X25519 sealed boxes (`crypto_box_seal`): anyone can encrypt to a public key, only the holder of
/// the secret key can open. A sealed box does not say who sealed it and does not bind context, so
/// Haven always seals a `KeyGrantPayload`-style structure that names what the key is for, and signs
/// what it seals where the sender matters.
public enum SealedBox {
  public static let overheadByteCount = Int(crypto_box_sealbytes())

  public static func seal(_ plaintext: UnsafeRawBufferPointer, to recipient: BoxPublicKey) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    var output = [UInt8](repeating: 0, count: plaintext.count + overheadByteCount)
    _ = crypto_box_seal(
      &output, plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count), recipient.bytes)
    return output
  }

  /// Opens into guarded memory: everything Haven seals contains key material.
  public static func open(_ sealed: [UInt8], with keyPair: borrowing BoxKeyPair) throws(CryptoError) -> SecureBytes {
    guard sealed.count >= overheadByteCount else { throw .malformedInput("sealed box too short") }
    let output = try SecureBytes(count: sealed.count - overheadByteCount)
    let status = keyPair.secretKey.withUnsafeBytes { secret in
      output.withUnsafeMutableBytes { out in
        crypto_box_seal_open(
          out.baseAddress!.assumingMemoryBound(to: UInt8.self), sealed, UInt64(sealed.count),
          keyPair.publicKey.bytes, secret.baseAddress!.assumingMemoryBound(to: UInt8.self))
      }
    }
    guard status == 0 else { throw .authenticationFailed }
    return output
  }
}
