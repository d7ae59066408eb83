import Foundation
import HavenCrypto
import HavenStore

/// The vault's root: its first directory entry (the genesis, naming the first admin's keys, the
/// recovery and statistics public keys and the vault id; or an upgraded vault's anchor), named by
/// a fingerprint a person can compare out of band and pin outside the file (docs/FORMAT.md,
/// "Root fingerprint"): `haven-root-` and the first 16 bytes of SHA-256 of entry 1's body, in hex
/// groups of four. Everything else the directory holds was signed in a chain from it.
public struct VaultRoot: Sendable, Equatable {
  public let fingerprint: String
  public let vaultID: String
  public let origin: String
  /// The founding (or anchoring) admin and their signing key's fingerprint.
  public let admin: String
  public let adminSigningKey: String
  public let recoveryKey: String
  public let statisticsKey: String
  /// True for a vault upgraded from format 5, whose root is its anchor.
  public let anchored: Bool

  static func of(_ directory: DirectoryState, metadata: VaultMetadata) -> VaultRoot? {
    guard let root = directory.rootEntry, let admin = directory.users[root.author] else { return nil }
    var anchored = false
    if case .anchor = root.event { anchored = true }
    return VaultRoot(
      fingerprint: fingerprint(ofRootBody: root.body(vaultID: directory.vaultID)), vaultID: Hex.encode(directory.vaultID),
      origin: AuditLog.origin(metadata), admin: admin.name, adminSigningKey: KeyFingerprint.of(admin.signing),
      recoveryKey: directory.recovery.map(KeyFingerprint.of) ?? "-",
      statisticsKey: directory.statistics.map(KeyFingerprint.of) ?? "-", anchored: anchored)
  }

  static func fingerprint(ofRootBody body: [UInt8]) -> String {
    let hex = Hex.encode(Array(SHA256.hash(body).prefix(16)))
    let groups = stride(from: 0, to: hex.count, by: 4).map { offset -> String in
      let start = hex.index(hex.startIndex, offsetBy: offset)
      return String(hex[start..<hex.index(start, offsetBy: 4)])
    }
    return "haven-root-" + groups.joined(separator: "-")
  }

  /// The fingerprint of the stored entry 1, before anything else is replayed; nil if none.
  static func storedFingerprint(_ db: StoreDatabase) throws -> String? {
    try Data.fetchOne(db, sql: "SELECT body FROM directory_entries WHERE seq = 1").map { fingerprint(ofRootBody: [UInt8]($0)) }
  }

  /// The text `haven init` writes for `Keys/`: public facts only.
  public var text: String {
    """
    # Haven vault root (public; compare it out of band before trusting a copy of this vault)
    root \(fingerprint)
    vault-id \(vaultID)
    origin \(origin)
    \(anchored ? "anchored-by" : "first-admin") \(admin) \(adminSigningKey)
    recovery-key \(recoveryKey)
    statistics-key \(statisticsKey)

    """
  }
}

extension Vault {
  /// The vault's root, replayed and verified from its signed directory; nil for a format-5 vault
  /// that no admin has anchored yet.
  public func root() throws(VaultError) -> VaultRoot? {
    do {
      return try database.read { db in
        VaultRoot.of(try DirectoryLog.load(db, vaultID: metadata.vaultID), metadata: metadata)
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}

extension Vault {
  /// Pins this vault's root and directory on this workstation (after `haven init`).
  public func pin(in pins: RootPins) throws(VaultError) {
    do {
      let directory = try database.read { db in try DirectoryLog.load(db, vaultID: metadata.vaultID) }
      guard let root = VaultRoot.of(directory, metadata: metadata) else { return }
      try pins.check(directory, root: root)
    } catch {
      throw VaultError.wrapping(error)
    }
  }
}

/// Roots pinned on this workstation, outside any vault directory, like SSH's known_hosts: the
/// first unlock of a vault records its root and how far its directory reached; later unlocks
/// refuse a vault whose root changed or whose directory no longer contains what was seen (a copy
/// rolled back, or rebuilt around a forged genesis). One line per vault:
/// `VAULT-ID ROOT-FINGERPRINT DIRECTORY-LENGTH HEAD-HASH-HEX`.
public struct RootPins: Sendable {
  public let path: String

  public init(path: String) { self.path = path }

  /// `$HAVEN_KNOWN_VAULTS`, else `$XDG_CONFIG_HOME/haven/known_vaults`, else `~/.config/haven/known_vaults`.
  public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> RootPins? {
    if let path = environment["HAVEN_KNOWN_VAULTS"], !path.isEmpty { return RootPins(path: path) }
    if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return RootPins(path: config + "/haven/known_vaults") }
    if let home = environment["HOME"], !home.isEmpty { return RootPins(path: home + "/.config/haven/known_vaults") }
    return nil
  }

  struct Pin: Equatable {
    let fingerprint: String
    let length: Int64
    let head: String
  }

  func read() -> [String: Pin] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var pins: [String: Pin] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ")
      guard parts.count == 4, let length = Int64(parts[2]) else { continue }
      pins[String(parts[0])] = Pin(fingerprint: String(parts[1]), length: length, head: String(parts[3]))
    }
    return pins
  }

  func write(_ pins: [String: Pin]) throws(VaultError) {
    let directory = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let text =
        "# Haven vault roots pinned on this workstation: vault-id root directory-length head\n"
        + pins.keys.sorted().map { "\($0) \(pins[$0]!.fingerprint) \(pins[$0]!.length) \(pins[$0]!.head)\n" }.joined()
      let temporary = path + ".tmp.\(getpid())"
      try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
      chmod(temporary, 0o600)
      guard rename(temporary, path) == 0 else { throw VaultError.cannotCreate(path: path, reason: "rename failed") }
    } catch let error as VaultError {
      throw error
    } catch {
      throw .cannotCreate(path: path, reason: "cannot write the pinned roots")
    }
  }

  /// Refuses a vault whose entry 1 is not the root pinned for its id, before anything else is
  /// read from its directory.
  func checkRoot(_ db: StoreDatabase, vaultID: [UInt8]) throws {
    let id = Hex.encode(vaultID)
    guard let pinned = read()[id]?.fingerprint, let found = try VaultRoot.storedFingerprint(db), found != pinned else { return }
    throw VaultError.rootChanged(vaultID: id, pinned: pinned, found: found, pins: path)
  }

  /// What this workstation verified of a vault's directory before, if it pinned it.
  func verifiedPrefix(vaultID: [UInt8]) -> DirectoryPrefix? {
    guard let pin = read()[Hex.encode(vaultID)], let head = Hex.decode(pin.head), pin.length > 0 else { return nil }
    return DirectoryPrefix(length: pin.length, head: head, pins: path)
  }

  /// Checks a vault's directory against its pin, then records how far it now reaches. Holds an
  /// exclusive lock on `PATH.lock` so two haven processes never lose each other's pins.
  func check(_ directory: DirectoryState, root: VaultRoot) throws(VaultError) {
    let folder = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if lock >= 0 { flock(lock, LOCK_EX) }
    defer { if lock >= 0 { close(lock) } }
    var pins = read()
    let current = Pin(fingerprint: root.fingerprint, length: directory.length, head: Hex.encode(directory.head))
    if let pinned = pins[root.vaultID] {
      guard pinned.fingerprint == root.fingerprint else {
        throw .rootChanged(vaultID: root.vaultID, pinned: pinned.fingerprint, found: root.fingerprint, pins: path)
      }
      guard pinned.length <= directory.length,
        Hex.encode(directory.heads[Int(pinned.length) - 1]) == pinned.head
      else {
        throw .databaseDamaged(
          "its signed directory no longer contains entry \(pinned.length) as this workstation saw it "
            + "(\(path)): the vault was rolled back to an older copy or its history rewritten (if you restored an older "
            + "backup on purpose, remove this vault's line from that file and unlock again)")
      }
      guard pinned != current else { return }
    }
    pins[root.vaultID] = current
    // A workstation whose configuration folder cannot be written (a read-only home) still
    // works; it only stops learning how far the directory has grown, so its rollback check
    // stays at what it last recorded. A changed root or a rollback is refused above either way.
    try? write(pins)
  }
}
