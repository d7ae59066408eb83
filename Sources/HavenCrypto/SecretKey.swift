/// A secret key of one purpose, held in guarded memory and wiped when its owner lets it go.
/// There is no way to read it into an ordinary array: the bytes are only visible inside
/// `withUnsafeBytes`, for the duration of one libsodium call.
public struct SecretKey<Purpose: KeyPurpose>: ~Copyable, @unchecked Sendable {
  let storage: SecureBytes

  /// Takes ownership of guarded bytes that already hold a key of this purpose.
  public init(adopting storage: consuming SecureBytes) throws(CryptoError) {
    guard storage.count == Purpose.byteCount else {
      throw .malformedInput("\(Purpose.displayName) must be \(Purpose.byteCount) bytes")
    }
    self.storage = storage
  }

  /// A fresh key from the system CSPRNG.
  public static func random() throws(CryptoError) -> SecretKey<Purpose> {
    try SecretKey(adopting: SecureBytes.random(count: Purpose.byteCount))
  }

  public func withUnsafeBytes<R: ~Copyable, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    try storage.withUnsafeBytes(body)
  }

  /// An independent copy in its own guarded allocation (for handing a key to a second owner).
  public func duplicate() throws(CryptoError) -> SecretKey<Purpose> {
    try storage.withUnsafeBytes { (raw) throws(CryptoError) in try SecretKey(adopting: SecureBytes(copying: raw)) }
  }

  public func constantTimeEquals(_ other: borrowing SecretKey<Purpose>) -> Bool {
    storage.constantTimeEquals(other.storage)
  }
}
