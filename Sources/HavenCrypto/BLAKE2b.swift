import CSodium

/// BLAKE2b (`crypto_generichash`). Keyed, it makes blind indexes and pseudonyms: equal inputs give
/// equal outputs only to whoever holds the key. Unkeyed, it fingerprints public values.
public enum BLAKE2b {
  public static let minimumOutputByteCount = Int(crypto_generichash_BYTES_MIN)
  public static let maximumOutputByteCount = Int(crypto_generichash_BYTES_MAX)

  public static func hash(_ message: [UInt8], outputByteCount: Int = 32) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    precondition((minimumOutputByteCount...maximumOutputByteCount).contains(outputByteCount))
    var output = [UInt8](repeating: 0, count: outputByteCount)
    crypto_generichash(&output, outputByteCount, message, UInt64(message.count), nil, 0)
    return output
  }

  public static func keyedHash<P: KeyedHashPurpose>(
    _ message: [UInt8], key: borrowing SecretKey<P>, outputByteCount: Int
  ) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    precondition((minimumOutputByteCount...maximumOutputByteCount).contains(outputByteCount))
    var output = [UInt8](repeating: 0, count: outputByteCount)
    key.withUnsafeBytes { keyBytes in
      _ = crypto_generichash(
        &output, outputByteCount, message, UInt64(message.count),
        keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), keyBytes.count)
    }
    return output
  }

  /// A key of another purpose derived from an X25519 secret: BLAKE2b keyed with the secret over a
  /// context message. Lets the holder of one long-term secret (the statistics key) make keys
  /// that only they can remake (per-recipient export pseudonyms) without storing new secrets.
  public static func deriveKey<Target: KeyPurpose>(
    fromBoxSecret secret: borrowing SecretKey<BoxSecretKeyPurpose>, message: [UInt8], as _: Target.Type = Target.self
  ) throws(CryptoError) -> SecretKey<Target> {
    SodiumRuntime.ensureInitialized()
    let output = try SecureBytes(count: Target.byteCount)
    secret.withUnsafeBytes { keyBytes in
      output.withUnsafeMutableBytes { out in
        _ = crypto_generichash(
          out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count, message, UInt64(message.count),
          keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), keyBytes.count)
      }
    }
    return try SecretKey(adopting: output)
  }

  /// A commitment to a secret key: BLAKE2b-256 keyed with the key over a context naming it. It
  /// reveals nothing of the key, and lets whoever later opens a copy of the key check that it is
  /// the one that was announced (a forged key gives another value).
  public static func commitment<P: KeyPurpose>(to key: borrowing SecretKey<P>, context: [UInt8]) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    precondition((Int(crypto_generichash_KEYBYTES_MIN)...Int(crypto_generichash_KEYBYTES_MAX)).contains(P.byteCount))
    var output = [UInt8](repeating: 0, count: 32)
    key.withUnsafeBytes { keyBytes in
      _ = crypto_generichash(
        &output, 32, context, UInt64(context.count), keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), keyBytes.count)
    }
    return output
  }
}
