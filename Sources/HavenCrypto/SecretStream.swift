import CSodium

/// Authenticated encryption of a long stream in chunks (`crypto_secretstream_xchacha20poly1305`):
/// each chunk is authenticated in order, the last is marked final, so reordering, dropping or
/// truncating chunks fails to decrypt. Used for backups, which can be larger than memory. The
/// stream state holds key material, so it lives in guarded memory.
public struct SecretStreamPush: ~Copyable {
  public static let headerByteCount = Int(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
  public static let overheadByteCount = Int(crypto_secretstream_xchacha20poly1305_ABYTES)
  private let state: SecureBytes
  /// Written once, before the first chunk.
  public let header: [UInt8]

  public init<P: AEADKeyPurpose>(key: borrowing SecretKey<P>) throws(CryptoError) {
    SodiumRuntime.ensureInitialized()
    let state = try SecureBytes(count: crypto_secretstream_xchacha20poly1305_statebytes())
    var header = [UInt8](repeating: 0, count: Self.headerByteCount)
    key.withUnsafeBytes { keyBytes in
      state.withUnsafeMutableBytes { raw in
        _ = crypto_secretstream_xchacha20poly1305_init_push(
          raw.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self), &header,
          keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
      }
    }
    self.state = state
    self.header = header
  }

  /// Encrypts one chunk; `final` marks the end of the stream.
  public func push(_ chunk: UnsafeRawBufferPointer, associatedData: [UInt8], final: Bool) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: chunk.count + Self.overheadByteCount)
    var length: UInt64 = 0
    let tag = UInt8(final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
    state.withUnsafeMutableBytes { raw in
      _ = crypto_secretstream_xchacha20poly1305_push(
        raw.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self), &output, &length,
        chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(chunk.count), associatedData,
        UInt64(associatedData.count), tag)
    }
    return output
  }
}

/// The reading side of `SecretStreamPush`.
public struct SecretStreamPull: ~Copyable {
  private let state: SecureBytes

  public init<P: AEADKeyPurpose>(key: borrowing SecretKey<P>, header: [UInt8]) throws(CryptoError) {
    guard header.count == SecretStreamPush.headerByteCount else { throw .malformedInput("secretstream header must be 24 bytes") }
    SodiumRuntime.ensureInitialized()
    let state = try SecureBytes(count: crypto_secretstream_xchacha20poly1305_statebytes())
    let status = key.withUnsafeBytes { keyBytes in
      state.withUnsafeMutableBytes { raw in
        crypto_secretstream_xchacha20poly1305_init_pull(
          raw.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self), header,
          keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
      }
    }
    guard status == 0 else { throw .authenticationFailed }
    self.state = state
  }

  /// Decrypts one chunk; returns its plaintext and whether it was the final one.
  public func pull(_ chunk: ArraySlice<UInt8>, associatedData: [UInt8]) throws(CryptoError) -> (plaintext: [UInt8], final: Bool) {
    guard chunk.count >= SecretStreamPush.overheadByteCount else { throw .malformedInput("chunk shorter than its tag") }
    var output = [UInt8](repeating: 0, count: chunk.count - SecretStreamPush.overheadByteCount)
    var length: UInt64 = 0
    var tag: UInt8 = 0
    let status = chunk.withUnsafeBytes { input in
      state.withUnsafeMutableBytes { raw in
        crypto_secretstream_xchacha20poly1305_pull(
          raw.baseAddress!.assumingMemoryBound(to: crypto_secretstream_xchacha20poly1305_state.self), &output, &length, &tag,
          input.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(input.count), associatedData,
          UInt64(associatedData.count))
      }
    }
    guard status == 0 else { throw .authenticationFailed }
    return (output, tag == UInt8(crypto_secretstream_xchacha20poly1305_TAG_FINAL))
  }
}
