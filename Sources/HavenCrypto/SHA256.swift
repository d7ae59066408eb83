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

  /// SHA-256 of a prefix byte and two byte strings (an RFC 6962 node), without concatenating them.
  public static func hash(prefix: UInt8, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
    SodiumRuntime.ensureInitialized()
    var state = crypto_hash_sha256_state()
    var byte = prefix
    var output = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
    crypto_hash_sha256_init(&state)
    crypto_hash_sha256_update(&state, &byte, 1)
    crypto_hash_sha256_update(&state, first, UInt64(first.count))
    crypto_hash_sha256_update(&state, second, UInt64(second.count))
    crypto_hash_sha256_final(&state, &output)
    return output
  }

  /// SHA-256 over input given in pieces (a file read in chunks), so large files are never held
  /// whole in memory.
  public struct Hasher {
    private var state = crypto_hash_sha256_state()

    public init() {
      SodiumRuntime.ensureInitialized()
      crypto_hash_sha256_init(&state)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
      guard let base = bytes.baseAddress, bytes.count > 0 else { return }
      crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    public mutating func update(_ bytes: [UInt8]) {
      bytes.withUnsafeBytes { update($0) }
    }

    public mutating func finalize() -> [UInt8] {
      var output = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
      crypto_hash_sha256_final(&state, &output)
      return output
    }
  }
}
