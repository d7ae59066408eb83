/// Failures of the cryptographic layer. Deliberately small and free of secret material: callers
/// add the context (which record, which field, which file) that a person needs to act.
public enum CryptoError: Error, Equatable, Sendable {
  /// The ciphertext, its associated data or the key is not the one it was made with.
  case authenticationFailed
  /// A ciphertext or encoded value is shorter or longer than its format allows.
  case malformedInput(String)
  /// An envelope names a version or suite this build does not implement; never guessed at.
  case unsupportedVersion(UInt8)
  /// `sodium_malloc` refused: too many live guarded allocations or no memory.
  case outOfSecureMemory
  /// Argon2id could not run with the requested limits (usually not enough memory).
  case keyDerivationFailed
  /// The passphrase is empty, too long, or otherwise unusable.
  case unusablePassphrase(String)
  /// A public key is not a valid curve point, or a signature does not verify.
  case invalidPublicKeyOrSignature
}
