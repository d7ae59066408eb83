import Foundation
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// Writes files the command line produces. Never overwrites: an export or a key written over
/// another would destroy what someone was relying on. Secrets and exports are 0600.
enum OutputFile {
  static func create(_ path: String, bytes: [UInt8], mode: mode_t = 0o600) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw VaultError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    try write(descriptor, bytes, path: path)
  }

  /// Creates the file and hands its descriptor to `body` (for secrets written from guarded memory).
  static func withNewDescriptor(_ path: String, mode: mode_t = 0o600, _ body: (Int32) throws -> Void) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw VaultError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    do {
      try body(descriptor)
    } catch {
      unlink(path)
      throw error
    }
  }

  /// A new directory (or an existing empty one) for the files of an export.
  static func directory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true else {
        throw VaultError.cannotCreate(path: path, reason: "it exists and is not an empty directory")
      }
      return
    }
    guard mkdir(path, 0o700) == 0 else { throw VaultError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
  }

  private static func write(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let code = errno
        unlink(path)
        if code == ENOSPC || code == EDQUOT { throw VaultError.diskFull("writing \(path)") }
        throw VaultError.cannotCreate(path: path, reason: String(cString: strerror(code)))
      }
      offset += written
    }
  }
}
