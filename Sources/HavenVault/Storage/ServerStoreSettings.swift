import Foundation
import HavenCrypto
import HavenStore

/// A workstation's pointer to a server vault: the `store` file in its vault directory (0600,
/// docs/FORMAT.md "Server store settings"). It names the server (a libpq URI, never with a
/// password) and the vault that server must hold, so settings pointing at another vault's
/// database are refused before anything is read from it.
public struct ServerStoreSettings: Sendable, Equatable {
  public let settings: PostgresSettings
  /// The vault ID the database must hold (hex); empty while a new vault is being created.
  public let vaultID: [UInt8]

  static let fileName = "store"

  public init(uri: String, allowUnverified: Bool, vaultID: [UInt8] = []) throws(VaultError) {
    do {
      settings = try PostgresSettings(uri: uri, allowUnverified: allowUnverified)
    } catch {
      throw VaultError.wrapping(error)
    }
    self.vaultID = vaultID
  }

  /// The file's text: `uri=` and `vault=` lines.
  var encoded: String {
    "# Haven server store (docs/FORMAT.md, \"Server store settings\"); no password belongs here\n"
      + "uri=\(settings.uri)\nvault=\(Hex.encode(vaultID))\n"
  }

  /// Reads the directory's `store` file, or nil for an embedded vault.
  static func load(_ directory: VaultDirectory) throws(VaultError) -> ServerStoreSettings? {
    let path = directory.storeSettingsPath
    guard let bytes = directory.read(path) else { return nil }
    var attributes = stat()
    if stat(path, &attributes) == 0, attributes.st_mode & 0o077 != 0 {
      throw .permissionDenied(
        action: "read \(path)", reason: "the store settings are readable by group or others: chmod 600 \(path)")
    }
    var values: [String: String] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      values[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    guard let uri = values["uri"], let vault = values["vault"], let vaultID = Hex.decode(vault), vaultID.count == 16
    else {
      throw .databaseDamaged("\(path) does not name a server and a vault (uri= and vault= lines)")
    }
    let parsed = try ServerStoreSettings(uri: uri, allowUnverified: true, vaultID: vaultID)
    return parsed
  }

  func withVaultID(_ vaultID: [UInt8]) -> ServerStoreSettings {
    ServerStoreSettings(settings: settings, vaultID: vaultID)
  }

  private init(settings: PostgresSettings, vaultID: [UInt8]) {
    self.settings = settings
    self.vaultID = vaultID
  }
}
