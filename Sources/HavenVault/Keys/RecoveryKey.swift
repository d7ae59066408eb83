import HavenCrypto

#if canImport(Glibc)
  import Glibc
#endif

/// The vault's recovery key: an X25519 key pair to which every team key and the statistics key is
/// also sealed, so losing every member's passphrase does not lose a team's records. Its secret is
/// shown once, at `haven init`, as text for offline custody (docs/FORMAT.md, "Recovery key"):
///
///     HAVEN-RECOVERY-1-XXXXXX-XXXXXX-...   (base32 of secret || first 4 bytes of BLAKE2b-256(secret))
public struct RecoveryKey: ~Copyable, @unchecked Sendable {
  static let prefix = "HAVEN-RECOVERY-1-"
  static let checksumByteCount = 4
  let keyPair: BoxKeyPair

  init(keyPair: consuming BoxKeyPair) { self.keyPair = keyPair }

  static func generate() throws(CryptoError) -> RecoveryKey {
    RecoveryKey(keyPair: try BoxKeyPair.generate())
  }

  var publicKey: BoxPublicKey { keyPair.publicKey }

  /// Writes the display text straight from guarded memory to a file descriptor (a terminal or a
  /// 0600 file), so the secret never becomes a `String`.
  public func writeText(to descriptor: Int32) throws(VaultError) {
    do {
      let raw = try SecureBytes(count: BoxSecretKeyPurpose.byteCount + RecoveryKey.checksumByteCount)
      keyPair.secretKey.withUnsafeBytes { secret in
        let checksum = BLAKE2b.hash(Array(secret), outputByteCount: 32).prefix(RecoveryKey.checksumByteCount)
        raw.withUnsafeMutableBytes { out in
          out.baseAddress!.copyMemory(from: secret.baseAddress!, byteCount: secret.count)
          for (index, byte) in checksum.enumerated() { out[secret.count + index] = byte }
        }
      }
      let text = try Base32.encodeGrouped(raw, prefix: RecoveryKey.prefix)
      let ok = text.withUnsafeBytes { bytes in bytes.count == write(descriptor, bytes.baseAddress!, bytes.count) }
      guard ok else { throw VaultError.cannotCreate(path: "recovery key output", reason: String(cString: strerror(errno))) }
    } catch let error as VaultError {
      throw error
    } catch {
      throw .storageFailure("could not encode the recovery key")
    }
  }

  /// Reads and checks recovery-key text from a file descriptor into guarded memory.
  public static func read(fromFileDescriptor descriptor: Int32) throws(VaultError) -> RecoveryKey {
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
      let raw = try Base32.decodeGrouped(text, length: length, prefix: RecoveryKey.prefix)
      guard raw.count == BoxSecretKeyPurpose.byteCount + checksumByteCount else {
        throw VaultError.recoveryKeyInvalid("it has the wrong length")
      }
      let secret = try raw.slice(0..<BoxSecretKeyPurpose.byteCount)
      let valid = secret.withUnsafeBytes { bytes in
        raw.withUnsafeBytes { all in
          BLAKE2b.hash(Array(bytes), outputByteCount: 32).prefix(checksumByteCount).elementsEqual(all.suffix(checksumByteCount))
        }
      }
      guard valid else { throw VaultError.recoveryKeyInvalid("its checksum does not match (a typo?)") }
      return RecoveryKey(keyPair: try BoxKeyPair(secretKey: SecretKey(adopting: secret)))
    } catch let error as VaultError {
      throw error
    } catch {
      throw .recoveryKeyInvalid("it is not a Haven recovery key")
    }
  }
}
