import CSodium

/// An X25519 public key: a recipient of sealed boxes. Public, so an ordinary value.
public struct BoxPublicKey: Sendable, Hashable {
  public static let byteCount = Int(crypto_box_PUBLICKEYBYTES)
  public let bytes: [UInt8]

  public init(bytes: [UInt8]) throws(CryptoError) {
    guard bytes.count == BoxPublicKey.byteCount else { throw .malformedInput("X25519 public key must be 32 bytes") }
    self.bytes = bytes
  }
}

/// An X25519 key pair whose secret half stays in guarded memory.
public struct BoxKeyPair: ~Copyable, @unchecked Sendable {
  public let publicKey: BoxPublicKey
  public let secretKey: SecretKey<BoxSecretKeyPurpose>

  public static func generate() throws(CryptoError) -> BoxKeyPair {
    SodiumRuntime.ensureInitialized()
    let secret = try SecureBytes(count: BoxSecretKeyPurpose.byteCount)
    var publicBytes = [UInt8](repeating: 0, count: BoxPublicKey.byteCount)
    secret.withUnsafeMutableBytes { _ = crypto_box_keypair(&publicBytes, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    return BoxKeyPair(publicKey: try BoxPublicKey(bytes: publicBytes), secretKey: try SecretKey(adopting: secret))
  }

  /// Rebuilds the pair from its secret half (the public half is recomputed, never trusted).
  public init(secretKey: consuming SecretKey<BoxSecretKeyPurpose>) throws(CryptoError) {
    var publicBytes = [UInt8](repeating: 0, count: BoxPublicKey.byteCount)
    secretKey.withUnsafeBytes { _ = crypto_scalarmult_base(&publicBytes, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    let publicKey = try BoxPublicKey(bytes: publicBytes)
    self.publicKey = publicKey
    self.secretKey = secretKey
  }

  private init(publicKey: BoxPublicKey, secretKey: consuming SecretKey<BoxSecretKeyPurpose>) {
    self.publicKey = publicKey
    self.secretKey = secretKey
  }
}
