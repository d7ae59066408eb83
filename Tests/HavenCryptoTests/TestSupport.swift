import Testing

@testable import HavenCrypto

/// Builds a key from published test-vector bytes (never used outside tests).
func testKey<P: KeyPurpose>(_ hex: String, as _: P.Type = P.self) throws -> SecretKey<P> {
  let bytes = try #require(Hex.decode(hex))
  let storage = try SecureBytes(count: bytes.count)
  storage.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
  return try SecretKey<P>(adopting: storage)
}

func hex(_ text: String) -> [UInt8] {
  Hex.decode(text)!
}
