import HavenCrypto

/// A user's key file (docs/FORMAT.md, "Key file"): the user's X25519 and Ed25519 secret keys,
/// encrypted under a key that Argon2id derives from their passphrase. Everything before the nonce
/// is the header and is authenticated as associated data, so no header byte (limits, salt, vault,
/// name, public keys) can be changed without the file failing to open.
struct KeyFile: Equatable {
  static let magic = Array("HAVENKEY".utf8)
  static let formatVersion: UInt8 = 1
  static let algorithmArgon2id13: UInt8 = 2
  static let secretByteCount = BoxSecretKeyPurpose.byteCount + SigningSeedPurpose.byteCount

  let limits: KDFLimits
  let salt: [UInt8]
  let vaultID: [UInt8]
  let userName: String
  let boxPublicKey: BoxPublicKey
  let signingPublicKey: SigningPublicKey
  /// Filled in last by `seal`: the ciphertext authenticates the header as associated data.
  var sealedSecrets: [UInt8]

  var header: [UInt8] {
    var bytes = KeyFile.magic + [KeyFile.formatVersion, KeyFile.algorithmArgon2id13]
    bytes += withUnsafeBytes(of: limits.opsLimit.bigEndian) { Array($0) }
    bytes += withUnsafeBytes(of: limits.memLimit.bigEndian) { Array($0) }
    bytes += salt + vaultID + [UInt8(userName.utf8.count)] + Array(userName.utf8)
    bytes += boxPublicKey.bytes + signingPublicKey.bytes
    return bytes
  }

  var encoded: [UInt8] { header + sealedSecrets }

  /// BLAKE2b-256 of the whole file, recorded in the users table: any change to the file is then
  /// reported as an altered key file before Argon2id runs, instead of as a wrong passphrase.
  var digest: [UInt8] { KeyFile.digest(of: encoded) }

  static func digest(of bytes: [UInt8]) -> [UInt8] {
    BLAKE2b.hash(bytes, outputByteCount: 32)
  }

  /// Encrypts a new identity's secrets under the passphrase.
  static func seal(
    identity: borrowing UserKeyPairs, passphrase: borrowing Passphrase, level: KDFLevel, vaultID: [UInt8], userName: String
  ) throws(VaultError) -> KeyFile {
    do {
      let salt = Argon2id.randomSalt()
      let fileKey = try Argon2id.deriveKey(from: passphrase, salt: salt, limits: level.limits, as: KeyFileKeyPurpose.self)
      var file = KeyFile(
        limits: level.limits, salt: salt, vaultID: vaultID, userName: userName,
        boxPublicKey: identity.box.publicKey, signingPublicKey: identity.signing.publicKey, sealedSecrets: [])
      let secrets = try SecureBytes(count: secretByteCount)
      identity.box.secretKey.withUnsafeBytes { box in
        identity.signingSeed.withUnsafeBytes { seed in
          secrets.withUnsafeMutableBytes { out in
            out.baseAddress!.copyMemory(from: box.baseAddress!, byteCount: box.count)
            (out.baseAddress! + box.count).copyMemory(from: seed.baseAddress!, byteCount: seed.count)
          }
        }
      }
      let header = file.header
      file.sealedSecrets = secrets.withUnsafeBytes { XChaCha20Poly1305.seal($0, key: fileKey, associatedData: header) }
      return file
    } catch {
      throw cryptoFailure(error, user: userName)
    }
  }

  /// Parses a key file, checking structure and policy before any expensive work is done.
  static func decode(_ bytes: [UInt8], user: String) throws(VaultError) -> KeyFile {
    var reader = ByteReader(bytes)
    func damaged(_ reason: String) -> VaultError { .keyFileDamaged(user: user, reason: reason) }
    guard let magic = reader.take(8), magic == KeyFile.magic else { throw damaged("it does not start with HAVENKEY") }
    guard let version = reader.take(1)?.first, version == KeyFile.formatVersion else {
      throw damaged("unknown key file version")
    }
    guard let algorithm = reader.take(1)?.first, algorithm == KeyFile.algorithmArgon2id13 else {
      throw damaged("unknown key derivation algorithm")
    }
    guard let ops = reader.takeUInt64(), let mem = reader.takeUInt64(), let salt = reader.take(Argon2id.saltByteCount),
      let vaultID = reader.take(16), let nameLength = reader.take(1)?.first, let name = reader.take(Int(nameLength)),
      let boxPublic = reader.take(BoxPublicKey.byteCount), let signingPublic = reader.take(SigningPublicKey.byteCount)
    else { throw damaged("it is truncated") }
    let sealed = reader.rest
    guard sealed.count == XChaCha20Poly1305.nonceByteCount + secretByteCount + XChaCha20Poly1305.tagByteCount else {
      throw damaged("it is truncated or has trailing bytes")
    }
    let limits = KDFLimits(opsLimit: ops, memLimit: mem)
    do { try limits.checkWithinPolicy() } catch {
      throw damaged("its Argon2id limits are outside policy (below interactive or above sensitive)")
    }
    do {
      return KeyFile(
        limits: limits, salt: salt, vaultID: vaultID, userName: String(decoding: name, as: UTF8.self),
        boxPublicKey: try BoxPublicKey(bytes: boxPublic), signingPublicKey: try SigningPublicKey(bytes: signingPublic),
        sealedSecrets: sealed)
    } catch {
      throw damaged("malformed public key")
    }
  }

  /// Derives the passphrase key and opens the secrets. A wrong passphrase and an altered file are
  /// indistinguishable to AEAD, so the message says both are possible.
  func open(passphrase: borrowing Passphrase) throws(VaultError) -> UserKeyPairs {
    do {
      let fileKey = try Argon2id.deriveKey(from: passphrase, salt: salt, limits: limits, as: KeyFileKeyPurpose.self)
      let secrets: SecureBytes
      do {
        secrets = try XChaCha20Poly1305.openSecret(sealedSecrets, key: fileKey, associatedData: header)
      } catch {
        throw VaultError.wrongPassphrase(user: userName)
      }
      let box = try BoxKeyPair(secretKey: SecretKey(adopting: secrets.slice(0..<BoxSecretKeyPurpose.byteCount)))
      let seed = try SecretKey<SigningSeedPurpose>(
        adopting: secrets.slice(BoxSecretKeyPurpose.byteCount..<KeyFile.secretByteCount))
      let keys = try UserKeyPairs(box: box, signingSeed: seed)
      guard keys.box.publicKey == boxPublicKey, keys.signing.publicKey == signingPublicKey else {
        throw VaultError.keyFileDamaged(user: userName, reason: "its secret keys do not match its public keys")
      }
      return keys
    } catch {
      throw KeyFile.cryptoFailure(error, user: userName)
    }
  }

  private static func cryptoFailure(_ error: any Error, user: String) -> VaultError {
    if let vaultError = error as? VaultError { return vaultError }
    if case .keyDerivationFailed = error as? CryptoError {
      return .storageFailure("Argon2id could not run (not enough memory for the key file's limits)")
    }
    return .keyFileDamaged(user: user, reason: "cryptographic failure")
  }
}

/// Reads fixed-size fields from a byte array without ever reading past its end.
struct ByteReader {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func take(_ count: Int) -> [UInt8]? {
    guard count >= 0, bytes.count - offset >= count else { return nil }
    defer { offset += count }
    return Array(bytes[offset..<offset + count])
  }

  mutating func takeUInt64() -> UInt64? {
    take(8).map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
  }

  var rest: [UInt8] { Array(bytes[offset...]) }
}

/// The key-file parser, for fuzzing only: checks structure and policy as an unlock does, without
/// running Argon2id.
@_spi(Fuzzing)
public enum KeyFileInspection {
  public static func check(_ bytes: [UInt8], user: String) throws(VaultError) {
    _ = try KeyFile.decode(bytes, user: user)
  }
}
