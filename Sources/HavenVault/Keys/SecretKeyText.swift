import HavenCrypto

#if canImport(Glibc)
  import Glibc
#endif

/// The text form of an X25519 secret held by a person rather than a vault (the recovery key, an
/// export recipient's identity): `PREFIX` then grouped base32 of `secret || first 4 bytes of
/// BLAKE2b-256(secret)`, so a typo is caught before any decryption is tried. Written and read
/// straight between guarded memory and a file descriptor: the secret never becomes a `String`.
enum SecretKeyText {
  static let checksumByteCount = 4

  static func write(
    _ secret: borrowing SecretKey<BoxSecretKeyPurpose>, prefix: String, to descriptor: Int32, what: String
  ) throws(VaultError) {
    do {
      let raw = try SecureBytes(count: BoxSecretKeyPurpose.byteCount + checksumByteCount)
      secret.withUnsafeBytes { secret in
        let checksum = BLAKE2b.hash(Array(secret), outputByteCount: 32).prefix(checksumByteCount)
        raw.withUnsafeMutableBytes { out in
          out.baseAddress!.copyMemory(from: secret.baseAddress!, byteCount: secret.count)
          for (index, byte) in checksum.enumerated() { out[secret.count + index] = byte }
        }
      }
      let text = try Base32.encodeGrouped(raw, prefix: prefix)
      let ok = text.withUnsafeBytes { bytes in bytes.count == Glibc.write(descriptor, bytes.baseAddress!, bytes.count) }
      guard ok else { throw VaultError.cannotCreate(path: what, reason: String(cString: strerror(errno))) }
    } catch let error as VaultError {
      throw error
    } catch {
      throw .storageFailure("could not encode \(what)")
    }
  }

  /// Reads and checks the text; `invalid` turns a reason into the caller's error.
  static func read(
    fromFileDescriptor descriptor: Int32, prefix: String, invalid: (String) -> VaultError
  ) throws(VaultError) -> SecretKey<BoxSecretKeyPurpose> {
    do {
      let text = try SecureBytes(count: 256)
      var length = 0
      text.withUnsafeMutableBytes { out in
        while length < out.count {
          let got = Glibc.read(descriptor, out.baseAddress! + length, out.count - length)
          if got < 0 && errno == EINTR { continue }
          if got <= 0 { break }
          length += got
        }
      }
      let raw = try Base32.decodeGrouped(text, length: length, prefix: prefix)
      guard raw.count == BoxSecretKeyPurpose.byteCount + checksumByteCount else { throw invalid("it has the wrong length") }
      let secret = try raw.slice(0..<BoxSecretKeyPurpose.byteCount)
      let valid = secret.withUnsafeBytes { bytes in
        raw.withUnsafeBytes { all in
          BLAKE2b.hash(Array(bytes), outputByteCount: 32).prefix(checksumByteCount).elementsEqual(all.suffix(checksumByteCount))
        }
      }
      guard valid else { throw invalid("its checksum does not match (a typo?)") }
      return try SecretKey(adopting: secret)
    } catch let error as VaultError {
      throw error
    } catch {
      throw invalid("it is not a \(prefix)... key")
    }
  }
}
