import Foundation
import HavenCrypto
import HavenExport
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// A real vault in a temporary directory, with a team, its services, a support worker
/// (`wendy`), a performance officer holding the statistics key (`rita`) and a partner agency.
/// Fast (interactive) Argon2 limits; production defaults stay strong.
final class ExportFixture {
  static let passphrase = "export fixture passphrase"
  let root: URL
  let path: String

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("haven-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    path = root.appendingPathComponent("vault").path
    let created = try Vault.create(
      at: path, admin: "ada", passphrase: Passphrase(copying: Self.passphrase), kdfLevel: .interactive)
    let keyFile = root.appendingPathComponent("recovery.txt").path
    let descriptor = open(keyFile, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    try created.recoveryKey.writeText(to: descriptor)
    close(descriptor)
    let admin = try created.vault.unlock(user: "ada", passphrase: Passphrase(copying: Self.passphrase))
    try admin.addTeam("trauma-service")
    try admin.addService("trauma-service", displayName: "Trauma Resilience Service")
    try admin.addService("isva-service")
    for district in ["Rotherham", "Sheffield", "Leeds", "Doncaster", "Barnsley"] { try admin.addDistrict(district) }
    try admin.addAgency("police")
    try admin.addUser("wendy", role: .worker, passphrase: Passphrase(copying: Self.passphrase))
    try admin.addUser("rita", role: .reporting, passphrase: Passphrase(copying: Self.passphrase))
    try admin.addMember(team: "trauma-service", user: "wendy")
    _ = try unlock("wendy")
    let reader = open(keyFile, O_RDONLY)
    defer { close(reader) }
    try admin.deliverWithRecoveryKey(try RecoveryKey.read(fromFileDescriptor: reader))
  }

  deinit { try? FileManager.default.removeItem(at: root) }

  func unlock(_ name: String) throws -> VaultSession {
    try Vault.open(at: path).unlock(user: name, passphrase: Passphrase(copying: Self.passphrase))
  }

  /// A literal date of a test's dataset (a typo fails the test that uses it).
  static func date(_ text: String) -> CalendarDate {
    guard let date = try? CalendarDate(parsing: text) else { preconditionFailure("bad test date \(text)") }
    return date
  }
}

/// A recipient key pair for tests (what `haven keygen` makes).
struct TestRecipient: ~Copyable {
  let identity: RecipientIdentity
  var publicKey: RecipientPublicKey { RecipientPublicKey(identity.publicKey) }

  init() throws { identity = try RecipientIdentity.generate() }
}
