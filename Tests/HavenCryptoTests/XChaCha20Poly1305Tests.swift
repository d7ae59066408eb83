@_spi(KnownAnswerTests) import HavenCrypto
import Testing

@Suite("XChaCha20-Poly1305")
struct XChaCha20Poly1305Tests {
  // draft-irtf-cfrg-xchacha-03, appendix A.3.1.
  let plaintext = Array(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
      .utf8)
  let associatedData = hex("50515253c0c1c2c3c4c5c6c7")
  let nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
  let expected = hex(
    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
      + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
      + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
      + "21f9664c97637da9768812f615c68b13b52e" + "c0875924c1c7987947deafd8780acf49")

  @Test("reproduces the draft-irtf-cfrg-xchacha A.3.1 vector")
  func knownAnswer() throws {
    let key = try testKey("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", as: TestVectorKeyPurpose.self)
    let sealed = plaintext.withUnsafeBytes {
      XChaCha20Poly1305.sealDetachedNonce($0, key: key, nonce: nonce, associatedData: associatedData)
    }
    #expect(sealed == expected)
    let opened = try XChaCha20Poly1305.open(nonce + expected, key: key, associatedData: associatedData)
    #expect(opened == plaintext)
  }

  @Test("round-trips under a random nonce, and two seals of one message differ")
  func roundTrip() throws {
    let key = try SecretKey<RecordKeyPurpose>.random()
    let first = XChaCha20Poly1305.seal(plaintext, key: key, associatedData: associatedData)
    let second = XChaCha20Poly1305.seal(plaintext, key: key, associatedData: associatedData)
    #expect(first != second)
    #expect(try XChaCha20Poly1305.open(first, key: key, associatedData: associatedData) == plaintext)
  }

  @Test("refuses a wrong key, altered associated data and every single altered byte")
  func tamperIsDetected() throws {
    let key = try SecretKey<RecordKeyPurpose>.random()
    let other = try SecretKey<RecordKeyPurpose>.random()
    let sealed = XChaCha20Poly1305.seal(Array("short".utf8), key: key, associatedData: associatedData)
    #expect(throws: CryptoError.authenticationFailed) {
      try XChaCha20Poly1305.open(sealed, key: other, associatedData: associatedData)
    }
    #expect(throws: CryptoError.authenticationFailed) {
      try XChaCha20Poly1305.open(sealed, key: key, associatedData: associatedData + [0])
    }
    for index in sealed.indices {
      var altered = sealed
      altered[index] ^= 0x01
      #expect(throws: CryptoError.authenticationFailed) {
        try XChaCha20Poly1305.open(altered, key: key, associatedData: associatedData)
      }
    }
    #expect(throws: CryptoError.self) { try XChaCha20Poly1305.open(Array(sealed.prefix(30)), key: key, associatedData: []) }
  }

  @Test("opens a wrapped key straight into guarded memory")
  func keyWrapping() throws {
    let wrapping = try SecretKey<RecordWrappingKeyPurpose>.random()
    let recordKey = try SecretKey<RecordKeyPurpose>.random()
    let wrapped = XChaCha20Poly1305.sealKey(recordKey, key: wrapping, associatedData: [1, 2, 3])
    let unwrapped = try XChaCha20Poly1305.openKey(wrapped, key: wrapping, associatedData: [1, 2, 3], as: RecordKeyPurpose.self)
    let same484 = unwrapped.constantTimeEquals(recordKey)
    #expect(same484)
    #expect(throws: CryptoError.authenticationFailed) {
      _ = try XChaCha20Poly1305.openKey(wrapped, key: wrapping, associatedData: [1, 2, 4], as: RecordKeyPurpose.self)
    }
  }
}
