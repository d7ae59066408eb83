import Foundation
import HavenCrypto
import HavenStore
import HavenVault
import Testing

/// A real vault in a fresh temporary directory, created with fast (interactive) Argon2 limits.
/// Production defaults stay `moderate`; only tests choose `interactive`.
final class VaultFixture {
  static let adminPassphrase = "admin passphrase one"
  static let workerPassphrase = "worker passphrase one"

  let root: URL
  let path: String
  let vault: Vault
  let recoveryKeyFile: String

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("haven-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    path = root.appendingPathComponent("vault").path
    recoveryKeyFile = root.appendingPathComponent("recovery.txt").path
    let created = try Vault.create(
      at: path, admin: "ada", passphrase: Passphrase(copying: VaultFixture.adminPassphrase), kdfLevel: .interactive)
    let descriptor = open(recoveryKeyFile, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    try created.recoveryKey.writeText(to: descriptor)
    close(descriptor)
    vault = created.vault
  }

  deinit {
    try? FileManager.default.removeItem(at: root)
  }

  func admin() throws -> VaultSession {
    try vault.unlock(user: "ada", passphrase: Passphrase(copying: VaultFixture.adminPassphrase))
  }

  func unlock(_ name: String, _ passphrase: String = VaultFixture.workerPassphrase) throws -> VaultSession {
    try Vault.open(at: path).unlock(user: name, passphrase: Passphrase(copying: passphrase))
  }

  func addUser(_ name: String, role: Role, teams: [String] = []) throws {
    let admin = try admin()
    try admin.addUser(name, role: role, passphrase: Passphrase(copying: VaultFixture.workerPassphrase))
    for team in teams { try admin.addMember(team: team, user: name) }
  }

  func recoveryKey() throws -> RecoveryKey {
    let descriptor = open(recoveryKeyFile, O_RDONLY)
    defer { close(descriptor) }
    return try RecoveryKey.read(fromFileDescriptor: descriptor)
  }

  /// A separate connection, as an attacker or an auditor with the file would have.
  func rawDatabase() throws -> SQLiteQueue {
    try SQLiteQueue(path: path + "/vault.sqlite", busyTimeoutSeconds: 5)
  }

  func auditEntries() throws -> [StoreRow] {
    try rawDatabase().read { db in try StoreRow.fetchAll(db, sql: "SELECT * FROM audit_entries ORDER BY seq") }
  }
}
