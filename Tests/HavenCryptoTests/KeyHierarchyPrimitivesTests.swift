import HavenCrypto
import Testing

@Suite("Sealed boxes, key derivation, hybrid agreement and envelopes")
struct KeyHierarchyPrimitivesTests {
  @Test("a sealed box opens only with the recipient's secret key")
  func sealedBox() throws {
    let recipient = try BoxKeyPair.generate()
    let stranger = try BoxKeyPair.generate()
    let secret = try SecretKey<TeamKeyPurpose>.random()
    let sealed = secret.withUnsafeBytes { SealedBox.seal($0, to: recipient.publicKey) }
    let opened = try SealedBox.open(sealed, with: recipient)
    let same178 = try SecretKey<TeamKeyPurpose>(adopting: opened).constantTimeEquals(secret)
    #expect(same178)
    #expect(throws: CryptoError.authenticationFailed) { _ = try SealedBox.open(sealed, with: stranger) }
    var altered = sealed
    altered[altered.count - 1] ^= 1
    #expect(throws: CryptoError.authenticationFailed) { _ = try SealedBox.open(altered, with: recipient) }
  }

  @Test("a key pair rebuilt from its secret half has the same public key")
  func rebuildKeyPair() throws {
    let pair = try BoxKeyPair.generate()
    let rebuilt = try BoxKeyPair(secretKey: pair.secretKey.duplicate())
    #expect(rebuilt.publicKey == pair.publicKey)
  }

  @Test("crypto_kdf subkeys are deterministic and separated by id and context")
  func subkeys() throws {
    // libsodium's crypto_kdf is BLAKE2b keyed with the root, salt = id, personal = context; check
    // the separation properties Haven relies on.
    let root = try SecretKey<TeamKeyPurpose>.random()
    let a = try root.deriveSubkey(id: 1, context: .recordWrapping, as: RecordWrappingKeyPurpose.self)
    let b = try root.deriveSubkey(id: 1, context: .recordWrapping, as: RecordWrappingKeyPurpose.self)
    let c = try root.deriveSubkey(id: 2, context: .recordWrapping, as: RecordWrappingKeyPurpose.self)
    let d = try root.deriveSubkey(id: 1, context: .blindIndexRoot, as: RecordWrappingKeyPurpose.self)
    let same768 = a.constantTimeEquals(b)
    #expect(same768)
    let same482 = a.constantTimeEquals(c)
    #expect(!same482)
    let same224 = a.constantTimeEquals(d)
    #expect(!same224)
  }

  @Test("hybrid agreement gives the recipient the sender's key, and nobody else")
  func hybrid() throws {
    let statistics = try BoxKeyPair.generate()
    let agreed = try HybridKeyAgreement.agree(with: statistics.publicKey, label: "haven.test", as: StatisticsFieldKeyPurpose.self)
    let recovered = try HybridKeyAgreement.recover(
      ephemeral: agreed.ephemeralPublicKey, recipient: statistics, label: "haven.test", as: StatisticsFieldKeyPurpose.self)
    let same901 = recovered.constantTimeEquals(agreed.key)
    #expect(same901)
    let stranger = try BoxKeyPair.generate()
    let wrong = try HybridKeyAgreement.recover(
      ephemeral: agreed.ephemeralPublicKey, recipient: stranger, label: "haven.test", as: StatisticsFieldKeyPurpose.self)
    let same544 = wrong.constantTimeEquals(agreed.key)
    #expect(!same544)
    let otherLabel = try HybridKeyAgreement.recover(
      ephemeral: agreed.ephemeralPublicKey, recipient: statistics, label: "haven.other", as: StatisticsFieldKeyPurpose.self)
    let same454 = otherLabel.constantTimeEquals(agreed.key)
    #expect(!same454)
  }

  @Test("associated data encoding is unambiguous")
  func associatedData() {
    let ab = AssociatedData.encode(domain: "d", [.text("ab"), .text("c")])
    let a = AssociatedData.encode(domain: "d", [.text("a"), .text("bc")])
    #expect(ab != a)
    #expect(AssociatedData.encode(domain: "d", [.integer(1)]) == [0, 0, 0, 1, 100, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1])
  }

  @Test("a field envelope refuses other contexts and unknown versions")
  func envelope() throws {
    let key = try SecretKey<RecordKeyPurpose>.random()
    let context = AssociatedData.encode(domain: "haven.field.v1", [.text("survivor"), .integer(7), .text("name")])
    let elsewhere = AssociatedData.encode(domain: "haven.field.v1", [.text("survivor"), .integer(8), .text("name")])
    let envelope = FieldEnvelope.seal(Array("Test Person".utf8), key: key, context: context)
    #expect(envelope.count == 11 + FieldEnvelope.overheadByteCount)
    #expect(try FieldEnvelope.open(envelope, key: key, context: context) == Array("Test Person".utf8))
    #expect(throws: CryptoError.authenticationFailed) { try FieldEnvelope.open(envelope, key: key, context: elsewhere) }
    var future = envelope
    future[0] = 0x02
    #expect(throws: CryptoError.unsupportedVersion(0x02)) { try FieldEnvelope.open(future, key: key, context: context) }
    #expect(throws: CryptoError.self) { try FieldEnvelope.open([], key: key, context: context) }
  }
}
