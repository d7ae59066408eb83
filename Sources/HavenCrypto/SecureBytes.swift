import CSodium

/// A fixed-size buffer in guarded memory: `sodium_malloc` memory between guard pages, locked out
/// of swap where the system allows, wiped on release. Buffers of up to 64 bytes (keys) are slots
/// of a shared guarded region (`SecureArena`), larger ones their own `sodium_malloc`
/// allocation. It is `~Copyable` so a secret has exactly one owner and can never be duplicated
/// into unmanaged memory by accident.
public struct SecureBytes: ~Copyable, @unchecked Sendable {
  private let pointer: UnsafeMutableRawPointer
  public let count: Int
  private let inArena: Bool

  /// Allocates `count` zeroed bytes of guarded memory.
  public init(count: Int) throws(CryptoError) {
    SodiumRuntime.ensureInitialized()
    guard count >= 0 else { throw .outOfSecureMemory }
    if count <= SecureArena.slotByteCount, let slot = SecureArena.shared.allocate() {
      self.pointer = slot
      self.count = count
      self.inArena = true
      return
    }
    guard let raw = sodium_malloc(Swift.max(count, 1)) else { throw .outOfSecureMemory }
    sodium_memzero(raw, Swift.max(count, 1))
    self.pointer = raw
    self.count = count
    self.inArena = false
  }

  /// Allocates `count` bytes filled from the system CSPRNG.
  public static func random(count: Int) throws(CryptoError) -> SecureBytes {
    let bytes = try SecureBytes(count: count)
    bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
    return bytes
  }

  /// Copies `source` into guarded memory. The source is not wiped: use it for data that was never
  /// secret in an unguarded place (test vectors, bytes already read into guarded memory elsewhere).
  public init(copying source: UnsafeRawBufferPointer) throws(CryptoError) {
    self = try SecureBytes(count: source.count)
    if let base = source.baseAddress, source.count > 0 {
      pointer.copyMemory(from: base, byteCount: source.count)
    }
  }

  deinit {
    if inArena { SecureArena.shared.release(pointer) } else { sodium_free(pointer) }
  }

  public func withUnsafeBytes<R: ~Copyable, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    try body(UnsafeRawBufferPointer(start: pointer, count: count))
  }

  /// Writing through the pointer does not change the owner's identity, so this is not `mutating`:
  /// it is how decryption fills a fresh buffer in place.
  public func withUnsafeMutableBytes<R: ~Copyable, E: Error>(
    _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
  ) throws(E) -> R {
    try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
  }

  /// Constant-time comparison, so equality checks on secrets leak nothing through timing.
  public func constantTimeEquals(_ other: borrowing SecureBytes) -> Bool {
    guard count == other.count else { return false }
    return other.withUnsafeBytes { sodium_memcmp(pointer, $0.baseAddress!, count) == 0 }
  }

  /// A new buffer holding bytes `range` of this one.
  public func slice(_ range: Range<Int>) throws(CryptoError) -> SecureBytes {
    precondition(range.lowerBound >= 0 && range.upperBound <= count)
    let part = try SecureBytes(count: range.count)
    part.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: pointer + range.lowerBound, byteCount: range.count) }
    return part
  }
}
