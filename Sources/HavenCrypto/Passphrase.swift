import CSodium

#if canImport(Glibc)
  import Glibc
#endif

/// A passphrase held in guarded memory from the moment it is read. It is read straight from a file
/// descriptor or the environment into that memory, so no `String` copy is left behind to linger.
public struct Passphrase: ~Copyable, @unchecked Sendable {
  /// Longer inputs are refused rather than truncated: a silently shortened passphrase is weaker
  /// than the person thinks it is.
  public static let maximumByteCount = 1024
  /// The minimum for a new passphrase (an existing one is only checked against its key file).
  public static let minimumNewByteCount = 12

  private let buffer: SecureBytes
  public let byteCount: Int

  private init(buffer: consuming SecureBytes, byteCount: Int) {
    self.buffer = buffer
    self.byteCount = byteCount
  }

  /// Reads one passphrase from `descriptor` up to end of file or the first newline (a trailing
  /// `\r` is dropped too). Used for passphrase files, pipes, and the no-echo terminal.
  public static func read(fromFileDescriptor descriptor: Int32) throws(CryptoError) -> Passphrase {
    let buffer = try SecureBytes(count: maximumByteCount + 1)
    var length = 0
    let failed: Bool = buffer.withUnsafeMutableBytes { raw in
      var byte: UInt8 = 0
      while length <= maximumByteCount {
        let got = Glibc.read(descriptor, &byte, 1)
        if got < 0 && errno == EINTR { continue }
        if got < 0 { return true }
        if got == 0 || byte == UInt8(ascii: "\n") { break }
        raw[length] = byte
        length += 1
      }
      byte = 0
      if length > 0 && raw[length - 1] == UInt8(ascii: "\r") { length -= 1 }
      return false
    }
    if failed { throw .unusablePassphrase("it could not be read") }
    return try validated(buffer: buffer, length: length)
  }

  /// Takes a passphrase out of the environment: copies it into guarded memory, then overwrites the
  /// variable's bytes in place (the process's initial environment block, which is what
  /// `/proc/PID/environ` shows) and removes the variable, so it is readable for no longer than
  /// start-up takes. The parent process's environment still holds it (docs/cli.md).
  public static func takeFromEnvironment(_ name: String) throws(CryptoError) -> Passphrase? {
    guard let value = getenv(name) else { return nil }
    let length = strlen(value)
    defer {
      memset(value, 0, length)
      unsetenv(name)
    }
    guard length <= maximumByteCount else {
      throw .unusablePassphrase("it is longer than \(maximumByteCount) bytes")
    }
    let buffer = try SecureBytes(count: maximumByteCount + 1)
    buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: value, byteCount: length) }
    return try validated(buffer: buffer, length: length)
  }

  /// Copies a passphrase held in a `String`. The `String` itself cannot be wiped, so this is for
  /// tests and in-process callers that already hold it; the CLI never uses it.
  public init(copying text: String) throws(CryptoError) {
    let bytes = Array(text.utf8)
    guard bytes.count <= Passphrase.maximumByteCount else {
      throw .unusablePassphrase("it is longer than \(Passphrase.maximumByteCount) bytes")
    }
    let buffer = try SecureBytes(count: Passphrase.maximumByteCount + 1)
    buffer.withUnsafeMutableBytes { raw in
      for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    self = try Passphrase.validated(buffer: buffer, length: bytes.count)
  }

  private static func validated(buffer: consuming SecureBytes, length: Int) throws(CryptoError) -> Passphrase {
    guard length > 0 else { throw .unusablePassphrase("it is empty") }
    guard length <= maximumByteCount else {
      throw .unusablePassphrase("it is longer than \(maximumByteCount) bytes")
    }
    return Passphrase(buffer: buffer, byteCount: length)
  }

  /// Whether this passphrase is acceptable for a new key file.
  public func checkStrengthForNewKeyFile() throws(CryptoError) {
    guard byteCount >= Passphrase.minimumNewByteCount else {
      throw .unusablePassphrase("a new passphrase needs at least \(Passphrase.minimumNewByteCount) characters")
    }
  }

  func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<byteCount])) }
  }
}

extension Passphrase {
  /// Constant-time comparison, for "type it again" confirmation.
  public func matches(_ other: borrowing Passphrase) -> Bool {
    guard byteCount == other.byteCount else { return false }
    return withUnsafeBytes { mine in
      other.withUnsafeBytes { theirs in sodium_memcmp(mine.baseAddress!, theirs.baseAddress!, byteCount) == 0 }
    }
  }
}
