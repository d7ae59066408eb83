import CSodium

/// SHA-256 (`crypto_hash_sha256`), for formats that other tools must check with any SHA-256
/// implementation (signed-note key ids, RFC 6962 Merkle trees).
public enum SHA256 {
  public static func hash(_ message: [UInt8]) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    var output = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
    crypto_hash_sha256(&output, message, UInt64(message.count))
    return output
  }

  /// SHA-256 of one prefix byte followed by `message`, without concatenating them: RFC 6962 leaf
  /// hashes over large logs are computed this way.
  public static func hash(prefix: UInt8, _ message: UnsafeRawBufferPointer) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    var state = crypto_hash_sha256_state()
    var first = prefix
    var output = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
    crypto_hash_sha256_init(&state)
    crypto_hash_sha256_update(&state, &first, 1)
    if let base = message.baseAddress {
      crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(message.count))
    }
    crypto_hash_sha256_final(&state, &output)
    return output
  }
}
