import CSodium

/// Argon2id work factors. Names follow libsodium's constants; `moderate` is the default for real
/// vaults. Tests may use `interactive`; nothing below `interactive` is ever accepted from a file.
public enum KDFLevel: String, CaseIterable, Sendable, Codable {
  case interactive, moderate, sensitive

  public var limits: KDFLimits {
    switch self {
    case .interactive:
      KDFLimits(opsLimit: UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), memLimit: UInt64(crypto_pwhash_MEMLIMIT_INTERACTIVE))
    case .moderate:
      KDFLimits(opsLimit: UInt64(crypto_pwhash_OPSLIMIT_MODERATE), memLimit: UInt64(crypto_pwhash_MEMLIMIT_MODERATE))
    case .sensitive:
      KDFLimits(opsLimit: UInt64(crypto_pwhash_OPSLIMIT_SENSITIVE), memLimit: UInt64(crypto_pwhash_MEMLIMIT_SENSITIVE))
    }
  }

  /// The level whose limits these are, if any.
  public init?(limits: KDFLimits) {
    guard let level = KDFLevel.allCases.first(where: { $0.limits == limits }) else { return nil }
    self = level
  }
}

/// The cost parameters stored beside a passphrase-derived key.
public struct KDFLimits: Equatable, Sendable {
  public let opsLimit: UInt64
  public let memLimit: UInt64

  public init(opsLimit: UInt64, memLimit: UInt64) {
    self.opsLimit = opsLimit
    self.memLimit = memLimit
  }

  /// Refuses limits below the interactive floor (a tampered file would make guessing cheap) and
  /// above the sensitive ceiling (a tampered file would make unlocking exhaust the machine).
  public func checkWithinPolicy() throws(CryptoError) {
    let floor = KDFLevel.interactive.limits
    let ceiling = KDFLevel.sensitive.limits
    guard opsLimit >= floor.opsLimit, memLimit >= floor.memLimit,
      opsLimit <= ceiling.opsLimit * 4, memLimit <= ceiling.memLimit
    else {
      throw .malformedInput("Argon2id limits outside the accepted range (opslimit \(opsLimit), memlimit \(memLimit))")
    }
  }
}

/// Argon2id (`crypto_pwhash`, algorithm ARGON2ID13): stretches a passphrase into a key.
public enum Argon2id {
  public static let saltByteCount = Int(crypto_pwhash_SALTBYTES)

  public static func randomSalt() -> [UInt8] {
    Random.bytes(saltByteCount)
  }

  /// Derives a key of the given purpose. Refuses limits outside policy before spending any work.
  public static func deriveKey<P: PassphraseDerivedPurpose>(
    from passphrase: borrowing Passphrase, salt: [UInt8], limits: KDFLimits, as _: P.Type = P.self
  ) throws(CryptoError) -> SecretKey<P> {
    try limits.checkWithinPolicy()
    return try deriveKeyWithoutPolicy(from: passphrase, salt: salt, limits: limits)
  }

  /// The raw derivation; known-answer tests use it with the small limits of published vectors.
  @_spi(KnownAnswerTests)
  public static func deriveKeyWithoutPolicy<P: KeyPurpose>(
    from passphrase: borrowing Passphrase, salt: [UInt8], limits: KDFLimits, as _: P.Type = P.self
  ) throws(CryptoError) -> SecretKey<P> {
    guard salt.count == saltByteCount else { throw .malformedInput("Argon2id salt must be \(saltByteCount) bytes") }
    let output = try SecureBytes(count: P.byteCount)
    let status = passphrase.withUnsafeBytes { pass in
      output.withUnsafeMutableBytes { out in
        crypto_pwhash(
          out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(out.count),
          pass.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(pass.count),
          salt, limits.opsLimit, Int(limits.memLimit), crypto_pwhash_ALG_ARGON2ID13)
      }
    }
    guard status == 0 else { throw .keyDerivationFailed }
    return try SecretKey(adopting: output)
  }

  /// Checks a passphrase against an encoded `$argon2id$...` string (libsodium's `pwhash_str`
  /// format); used to confirm compatibility with published Argon2id vectors.
  public static func verify(encoded: String, passphrase: borrowing Passphrase) -> Bool {
    SodiumRuntime.ensureInitialized()
    return passphrase.withUnsafeBytes { pass in
      crypto_pwhash_str_verify(encoded, pass.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(pass.count)) == 0
    }
  }
}
