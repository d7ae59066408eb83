import HavenCrypto
import Testing

@Suite("Crypto hygiene: nonces")
struct NonceUniquenessTests {
  @Test("1,000,000 encryptions under one key: no nonce repeats")
  func noRepeatedNonce() throws {
    let key = try SecretKey<TestVectorKeyPurpose>.random()
    var seen = Set<[UInt8]>()
    seen.reserveCapacity(1_000_000)
    let message: [UInt8] = [1, 2, 3]
    for _ in 0..<1_000_000 {
      seen.insert(Array(XChaCha20Poly1305.seal(message, key: key, associatedData: [])[..<XChaCha20Poly1305.nonceByteCount]))
    }
    #expect(seen.count == 1_000_000)
  }
}
