import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The on-disk layout of a vault (docs/FORMAT.md, "Vault directory"): a 0700 directory holding the
/// SQLite database and one key file per user, every file 0600.
public struct VaultDirectory: Sendable {
  public let path: String

  public init(path: String) {
    self.path = (path as NSString).standardizingPath
  }

  public var databasePath: String { path + "/vault.sqlite" }
  /// A server vault's connection settings (`ServerStoreSettings`); absent for an embedded vault.
  public var storeSettingsPath: String { path + "/" + ServerStoreSettings.fileName }
  public var keysPath: String { path + "/keys" }
  public func keyFilePath(user: String) -> String { keysPath + "/" + user + ".key" }

  /// New files are private to the owner: SQLite's WAL and shared-memory files and every key file
  /// are created under this mask.
  static func restrictFileCreationMask() {
    umask(0o077)
  }

  var exists: Bool {
    FileManager.default.fileExists(atPath: databasePath) || FileManager.default.fileExists(atPath: storeSettingsPath)
  }

  /// Creates the directory tree for a new vault; refuses a directory that already has content.
  func create() throws(VaultError) {
    VaultDirectory.restrictFileCreationMask()
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue, (try? manager.contentsOfDirectory(atPath: path).isEmpty) == true else {
        throw .vaultAlreadyExists(path: path)
      }
    }
    for directory in [path, keysPath] {
      do {
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
      } catch {
        throw .cannotCreate(path: directory, reason: Self.reason(error))
      }
    }
  }

  /// Writes a file atomically (temporary file, fsync, rename, fsync of the directory), so a crash
  /// leaves either the old or the new key file, never half of one.
  func writeAtomically(_ bytes: [UInt8], to destination: String) throws(VaultError) {
    VaultDirectory.restrictFileCreationMask()
    let temporary = destination + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .cannotCreate(path: temporary, reason: String(cString: strerror(errno))) }
    var written = 0
    let ok = bytes.withUnsafeBytes { raw -> Bool in
      while written < raw.count {
        let result = write(descriptor, raw.baseAddress! + written, raw.count - written)
        if result < 0 && errno == EINTR { continue }
        if result <= 0 { return false }
        written += result
      }
      return fsync(descriptor) == 0
    }
    let failure = String(cString: strerror(errno))
    close(descriptor)
    guard ok, rename(temporary, destination) == 0 else {
      unlink(temporary)
      throw .cannotCreate(path: destination, reason: failure)
    }
    let directory = open((destination as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directory >= 0 {
      fsync(directory)
      close(directory)
    }
  }

  /// Creates the empty directory tree a backup is restored into, refusing one that has content.
  public static func createForRestore(at path: String) throws(VaultError) -> VaultDirectory {
    let directory = VaultDirectory(path: path)
    try directory.create()
    return directory
  }

  /// Removes a restore that failed its checks (only ever a directory `createForRestore` made).
  public func removeFailedRestore() {
    removeNewVaultFiles()
  }

  /// Whether `name` can be a user's name (and so a key file's name).
  public static func isValidUserName(_ name: String) -> Bool {
    (try? Names.validate(name, kind: "user")) != nil
  }

  /// Removes what a failed `haven init` wrote, so a retry starts clean. Only called on a
  /// directory that `create()` found empty or absent.
  func removeNewVaultFiles() {
    for suffix in ["", "-wal", "-shm", "-journal"] { unlink(databasePath + suffix) }
    unlink(storeSettingsPath)
    if let names = try? FileManager.default.contentsOfDirectory(atPath: keysPath) {
      for name in names { unlink(keysPath + "/" + name) }
    }
    rmdir(keysPath)
    rmdir(path)
  }

  func read(_ file: String) -> [UInt8]? {
    FileManager.default.contents(atPath: file).map { [UInt8]($0) }
  }

  func remove(_ file: String) {
    unlink(file)
  }

  private static func reason(_ error: any Error) -> String {
    (error as NSError).localizedDescription
  }
}
