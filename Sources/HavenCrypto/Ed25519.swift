import CSodium

/// An Ed25519 verification key.
public struct SigningPublicKey: Sendable, Hashable {
  public static let byteCount = Int(crypto_sign_PUBLICKEYBYTES)
  public static let signatureByteCount = Int(crypto_sign_BYTES)
  public let bytes: [UInt8]

  public init(bytes: [UInt8]) throws(CryptoError) {
    guard bytes.count == SigningPublicKey.byteCount else { throw .malformedInput("Ed25519 public key must be 32 bytes") }
    self.bytes = bytes
  }

  /// Verifies a detached signature; false for any malformed or non-matching input.
  public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
    SodiumRuntime.ensureInitialized()
    guard signature.count == SigningPublicKey.signatureByteCount else { return false }
    return crypto_sign_verify_detached(signature, message, UInt64(message.count), bytes) == 0
  }
}

/// An Ed25519 key pair built from a 32-byte seed (the seed is what key files store).
public struct SigningKeyPair: ~Copyable, @unchecked Sendable {
  public let publicKey: SigningPublicKey
  private let secretKey: SecretKey<SigningSecretKeyPurpose>

  public init(seed: borrowing SecretKey<SigningSeedPurpose>) throws(CryptoError) {
    SodiumRuntime.ensureInitialized()
    let expanded = try SecureBytes(count: SigningSecretKeyPurpose.byteCount)
    var publicBytes = [UInt8](repeating: 0, count: SigningPublicKey.byteCount)
    seed.withUnsafeBytes { seedBytes in
      expanded.withUnsafeMutableBytes { out in
        _ = crypto_sign_seed_keypair(
          &publicBytes, out.baseAddress!.assumingMemoryBound(to: UInt8.self),
          seedBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
      }
    }
    let publicKey = try SigningPublicKey(bytes: publicBytes)
    let secretKey = try SecretKey<SigningSecretKeyPurpose>(adopting: expanded)
    self.publicKey = publicKey
    self.secretKey = secretKey
  }

  public func sign(_ message: [UInt8]) -> [UInt8] {
    var signature = [UInt8](repeating: 0, count: SigningPublicKey.signatureByteCount)
    secretKey.withUnsafeBytes { sk in
      _ = crypto_sign_detached(
        &signature, nil, message, UInt64(message.count), sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
    return signature
  }
}
