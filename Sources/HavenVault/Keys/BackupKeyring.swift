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

  /// The plain first line of an entry: which vault, and when the generation was made, so expiry
  /// can find every generation, including those made after the vault it runs on was restored.
  static let entryTag = "haven-backup-key-1"

  /// One entry as listed: its generation, vault and creation time (nothing secret).
  public struct Entry: Sendable, Equatable {
    public let generation: BackupGenerationID
    public let vaultID: [UInt8]
    public let createdAt: String
  }

  /// Every entry of the keyring that parses (others are left alone and not reported).
  public func entries() -> [Entry] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.filter { $0.hasSuffix(".key") }.sorted().compactMap { name in
      guard let id = Hex.decode(String(name.dropLast(4))), let generation = try? BackupGenerationID(bytes: id),
        let data = FileManager.default.contents(atPath: path + "/" + name), let (entry, _) = Self.parse([UInt8](data), generation)
      else { return nil }
      return entry
    }
  }

  static func parse(_ bytes: [UInt8], _ generation: BackupGenerationID) -> (Entry, [UInt8])? {
    guard let newline = bytes.firstIndex(of: 0x0a) else { return nil }
    let fields = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ")
    guard fields.count == 3, fields[0] == entryTag, let vaultID = Hex.decode(String(fields[1])), vaultID.count == 16 else {
      return nil
    }
    return (Entry(generation: generation, vaultID: vaultID, createdAt: String(fields[2])), Array(bytes[(newline + 1)...]))
  }

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
    recovery: BoxPublicKey, createdAt: String
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
    let bytes = Array("\(Self.entryTag) \(Hex.encode(vaultID)) \(createdAt)\n".utf8) + sealed
    let ok = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) == $0.count } && fsync(descriptor) == 0
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
    guard let data = FileManager.default.contents(atPath: entryPath(generation)) else {
      throw .backupKeyGone(generation: generation.description)
    }
    guard let (entry, sealed) = Self.parse([UInt8](data), generation), entry.vaultID == vaultID else {
      throw .recoveryKeyInvalid("the keyring entry of generation \(generation) is damaged or belongs to another vault")
    }
    do {
      return try KeyGrant.open(
        sealed, context: Self.context(vaultID: vaultID, generation: generation, recovery: recoveryKey.publicKey),
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
