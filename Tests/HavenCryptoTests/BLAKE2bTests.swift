import HavenCrypto
import Testing

@Suite("BLAKE2b")
struct BLAKE2bTests {
  @Test("reproduces RFC 7693 appendix A (BLAKE2b-512 of \"abc\")")
  func rfc7693() {
    let expected = hex(
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
        + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    #expect(BLAKE2b.hash(Array("abc".utf8), outputByteCount: 64) == expected)
  }

  @Test("reproduces the BLAKE2 reference keyed vector (key 00..3f, empty input, 64-byte output)")
  func keyedReference() throws {
    let key = try testKey(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", as: LongTestVectorKeyPurpose.self)
    let expected = hex(
      "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
        + "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568")
    #expect(BLAKE2b.keyedHash([], key: key, outputByteCount: 64) == expected)
  }

  @Test("keyed hashes differ per key and per input, unkeyed ones do not depend on a key")
  func keyedDiffers() throws {
    let key = try SecretKey<BlindIndexKeyPurpose>.random()
    let a = BLAKE2b.keyedHash(Array("Jane Example".utf8), key: key, outputByteCount: 16)
    let b = BLAKE2b.keyedHash(Array("Jane Exampl".utf8), key: key, outputByteCount: 16)
    #expect(a.count == 16)
    #expect(a != b)
    #expect(BLAKE2b.hash(Array("x".utf8)) == BLAKE2b.hash(Array("x".utf8)))
  }

  @Test("SHA-256 of \"abc\" (FIPS 180-2)")
  func sha256() {
    #expect(SHA256.hash(Array("abc".utf8)) == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
  }
}
