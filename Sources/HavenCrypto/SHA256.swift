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
}
