@_spi(KnownAnswerTests) import HavenCrypto
import Testing

@Suite("Argon2id")
struct Argon2idTests {
  @Test("accepts the reference $argon2id$ string for \"password\"/\"somesalt\" and rejects others")
  func referenceString() throws {
    let encoded = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
    #expect(Argon2id.verify(encoded: encoded, passphrase: try Passphrase(copying: "password")))
    #expect(!Argon2id.verify(encoded: encoded, passphrase: try Passphrase(copying: "passwore")))
  }

  @Test("raw derivation matches the Argon2 reference CLI (argon2 ABCDEFGHIJKLMNOP -id -v 13 -k 1024 -t 5)")
  func rawDerivation() throws {
    let salt = Array("ABCDEFGHIJKLMNOP".utf8)
    let limits = KDFLimits(opsLimit: 5, memLimit: 1024 * 1024)
    let derived: SecretKey<TestVectorKeyPurpose> = try Argon2id.deriveKeyWithoutPolicy(
      from: try Passphrase(copying: "123"), salt: salt, limits: limits)
    let expected = try testKey(
      "3c5d010180ba0cf5b6b858cba23b318e42d33088983c404598599c3b029ecac6", as: TestVectorKeyPurpose.self)
    let matches = derived.constantTimeEquals(expected)
    #expect(matches)
    let other: SecretKey<TestVectorKeyPurpose> = try Argon2id.deriveKeyWithoutPolicy(
      from: try Passphrase(copying: "124"), salt: salt, limits: limits)
    let otherMatches = other.constantTimeEquals(expected)
    #expect(!otherMatches)
  }

  @Test("refuses limits below the interactive floor or above the sensitive ceiling")
  func policy() throws {
    let weak = KDFLimits(opsLimit: 1, memLimit: 8 * 1024)
    #expect(throws: CryptoError.self) { try weak.checkWithinPolicy() }
    #expect(throws: CryptoError.self) {
      _ = try Argon2id.deriveKey(
        from: Passphrase(copying: "long enough pass"), salt: Argon2id.randomSalt(), limits: weak, as: KeyFileKeyPurpose.self)
    }
    let huge = KDFLimits(opsLimit: 4, memLimit: KDFLevel.sensitive.limits.memLimit * 2)
    #expect(throws: CryptoError.self) { try huge.checkWithinPolicy() }
    for level in KDFLevel.allCases { try level.limits.checkWithinPolicy() }
  }

  @Test("refuses empty and over-long passphrases")
  func passphraseBounds() throws {
    #expect(throws: CryptoError.self) { _ = try Passphrase(copying: "") }
    #expect(throws: CryptoError.self) { _ = try Passphrase(copying: String(repeating: "a", count: 1025)) }
    #expect(throws: CryptoError.self) { _ = try Passphrase(copying: "short").checkStrengthForNewKeyFile() }
    try Passphrase(copying: String(repeating: "a", count: 1024)).checkStrengthForNewKeyFile()
  }
}
