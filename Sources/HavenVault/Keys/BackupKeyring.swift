import Foundation
import HavenCrypto

#if canImport(Glibc)
  import Glibc
#endif

/// Names one backup generation: 16 random bytes, in every backup file's header and its keyring entry.
public struct BackupGenerationID: Sendable, Hashable, CustomStringConvertible {
  public let bytes: [UInt8]

  public init(bytes: [UInt8]) throws(VaultError) {
    guard bytes.count == 16 else { throw .invalidArgument("a backup generation id is 16 bytes") }
    self.bytes = bytes
  }

  static func random() throws(VaultError) -> BackupGenerationID {
    do {
      let raw = try SecureBytes.random(count: 16)
      return try BackupGenerationID(bytes: raw.withUnsafeBytes { Array($0) })
    } catch {
      throw .storageFailure("no random bytes for a backup generation id")
    }
  }

  public var description: String { Hex.encode(bytes) }
}

/// The backup keyring: a directory kept apart from the vault and from its backups (separate
/// media, not itself backed up), holding one file per backup generation: that generation's key,
/// sealed to the vault's recovery key with a context naming the vault and the generation
/// (docs/FORMAT.md, "Backup file"). Restoring needs the backup, its keyring entry and the
/// recovery key; expiring a generation overwrites and deletes its entry, after which no one, the
/// admin and the recovery key included, can open any copy of that generation's backups.
public struct BackupKeyring: Sendable {
  public let path: String

  public init(path: String) {
    self.path = (path as NSString).standardizingPath
  }

  func entryPath(_ generation: BackupGenerationID) -> String { path + "/" + generation.description + ".key" }

  static func context(vaultID: [UInt8], generation: BackupGenerationID, recovery: BoxPublicKey) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.backup.generation.v1", [.bytes(vaultID), .bytes(generation.bytes), .bytes(recovery.bytes)])
  }

  public func contains(_ generation: BackupGenerationID) -> Bool {
    FileManager.default.fileExists(atPath: entryPath(generation))
  }

  /// Seals a new generation key to the recovery key and writes its entry (never over another).
  func store(
    _ key: borrowing SecretKey<BackupGenerationKeyPurpose>, generation: BackupGenerationID, vaultID: [UInt8],
    recovery: BoxPublicKey
  ) throws(VaultError) {
    VaultDirectory.restrictFileCreationMask()
    if !FileManager.default.fileExists(atPath: path) {
      guard mkdir(path, 0o700) == 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    }
    let sealed: [UInt8]
    do {
      sealed = try KeyGrant.seal(
        key, context: Self.context(vaultID: vaultID, generation: generation, recovery: recovery), to: recovery)
    } catch {
      throw .storageFailure("could not seal the backup generation key")
    }
    let file = entryPath(generation)
    let descriptor = Glibc.open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .cannotCreate(path: file, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    let ok = sealed.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) == $0.count } && fsync(descriptor) == 0
    guard ok else {
      let reason = String(cString: strerror(errno))
      unlink(file)
      throw .cannotCreate(path: file, reason: reason)
    }
  }

  /// Opens a generation's key with the recovery key.
  public func open(
    _ generation: BackupGenerationID, vaultID: [UInt8], recoveryKey: borrowing RecoveryKey
  ) throws(VaultError) -> SecretKey<BackupGenerationKeyPurpose> {
    guard let sealed = FileManager.default.contents(atPath: entryPath(generation)) else {
      throw .backupKeyGone(generation: generation.description)
    }
    do {
      return try KeyGrant.open(
        [UInt8](sealed), context: Self.context(vaultID: vaultID, generation: generation, recovery: recoveryKey.publicKey),
        with: recoveryKey.keyPair, as: BackupGenerationKeyPurpose.self)
    } catch {
      throw .recoveryKeyInvalid(
        "it does not open backup generation \(generation) of this vault (another vault's key, or an altered keyring entry)")
    }
  }

  /// Overwrites the entry with zeros, syncs, and deletes it. False if it was already gone.
  @discardableResult
  public func destroy(_ generation: BackupGenerationID) -> Bool {
    let file = entryPath(generation)
    let descriptor = Glibc.open(file, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return false }
    var status = stat()
    if fstat(descriptor, &status) == 0 {
      let zeros = [UInt8](repeating: 0, count: Int(status.st_size))
      _ = zeros.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
      fsync(descriptor)
    }
    close(descriptor)
    return unlink(file) == 0
  }
}
