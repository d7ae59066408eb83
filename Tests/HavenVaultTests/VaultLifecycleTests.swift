import Foundation
import HavenCrypto
import HavenStore
import HavenVault
import Testing

@Suite("Creating, opening and unlocking a vault")
struct VaultLifecycleTests {
  @Test("a new vault is private on disk and uses WAL with secure delete")
  func storageDiscipline() throws {
    let fixture = try VaultFixture()
    let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path)
    #expect((attributes[.posixPermissions] as? Int) == 0o700)
    for file in ["vault.sqlite", "keys/ada.key"] {
      let mode = try FileManager.default.attributesOfItem(atPath: fixture.path + "/" + file)[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(file) should be 0600")
    }
    let journal = try fixture.rawDatabase().read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
    #expect(journal == "wal")
    let status = try fixture.admin().status()
    #expect(status.formatVersion == VaultFormat.currentVersion)
    #expect(status.kdfLevel == .interactive)
    #expect(status.users.map(\.name) == ["ada"])
  }

  @Test("the default KDF level for real vaults is moderate")
  func defaultLevel() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("haven-moderate-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let created = try Vault.create(
      at: root.path, admin: "ada", passphrase: Passphrase(copying: "admin passphrase one"), kdfLevel: .moderate)
    #expect(created.vault.metadata.kdfLevel == .moderate)
  }

  @Test("a wrong passphrase is refused and audited, and changes nothing else")
  func wrongPassphrase() throws {
    let fixture = try VaultFixture()
    let before = try fixture.auditEntries().count
    #expect(throws: VaultError.wrongPassphrase(user: "ada")) {
      _ = try fixture.vault.unlock(user: "ada", passphrase: Passphrase(copying: "not the passphrase"))
    }
    let entries = try fixture.auditEntries()
    #expect(entries.count == before + 1)
    #expect(entries.last?["action"] == "unlock")
    #expect(entries.last?["outcome"] == "failed")
    _ = try fixture.admin()
  }

  @Test("an unknown user is refused, and the attempted name is not written to the audit log")
  func unknownUser() throws {
    let fixture = try VaultFixture()
    #expect(throws: VaultError.unknownUser("correct horse battery")) {
      _ = try fixture.vault.unlock(user: "correct horse battery", passphrase: Passphrase(copying: "whatever it is"))
    }
    let last = try #require(try fixture.auditEntries().last)
    #expect(last["detail"] == "unknown user")
    let everything = try fixture.auditEntries().map { "\($0.values)" }.joined()
    #expect(!everything.contains("correct horse"))
  }

  @Test("a missing directory, a non-vault directory and a non-vault file are told apart")
  func notAVault() throws {
    let fixture = try VaultFixture()
    #expect(throws: VaultError.noVault(path: fixture.root.path + "/absent")) {
      _ = try Vault.open(at: fixture.root.path + "/absent")
    }
    #expect(throws: VaultError.noVault(path: fixture.root.path)) { _ = try Vault.open(at: fixture.root.path) }
    let fake = fixture.root.appendingPathComponent("fake")
    try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
    try Data("this is not a database at all, just text".utf8).write(to: fake.appendingPathComponent("vault.sqlite"))
    #expect {
      _ = try Vault.open(at: fake.path)
    } throws: { error in
      (error as? VaultError)?.category == .dataError
    }
    #expect(
      try Data(contentsOf: fake.appendingPathComponent("vault.sqlite")) == Data("this is not a database at all, just text".utf8))
  }

  @Test("a vault from a newer format version is refused and left byte-for-byte unchanged")
  func newerFormat() throws {
    let fixture = try VaultFixture()
    try fixture.rawDatabase().write { db in try db.execute(sql: "UPDATE vault_meta SET format_version = 99") }
    let databasePath = fixture.path + "/vault.sqlite"
    let before = try Data(contentsOf: URL(fileURLWithPath: databasePath))
    #expect(throws: VaultError.newerFormat(found: 99, supported: VaultFormat.currentVersion)) {
      _ = try Vault.open(at: fixture.path)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: databasePath)) == before)
  }

  @Test("creating a vault over a non-empty directory is refused without touching it")
  func createOverExisting() throws {
    let fixture = try VaultFixture()
    #expect(throws: VaultError.vaultAlreadyExists(path: fixture.path)) {
      _ = try Vault.create(
        at: fixture.path, admin: "eve", passphrase: Passphrase(copying: "another passphrase"), kdfLevel: .interactive)
    }
    _ = try fixture.admin()
  }

  @Test("a weak or empty passphrase is refused for a new vault")
  func weakPassphrase() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("haven-weak-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(throws: VaultError.self) {
      _ = try Vault.create(at: root.path, admin: "ada", passphrase: Passphrase(copying: "short"), kdfLevel: .interactive)
    }
    #expect(!FileManager.default.fileExists(atPath: root.path + "/vault.sqlite"))
  }

  @Test("a locked database gives a retryable 'busy' error")
  func lockedDatabase() throws {
    let fixture = try VaultFixture()
    let session = try fixture.admin()
    // Another connection holds an exclusive lock while the vault tries to write.
    try fixture.rawDatabase().writeWithoutTransaction { db in
      try db.execute(sql: "BEGIN EXCLUSIVE")
      #expect(throws: VaultError.busy) { try session.addTeam("blocked") }
      try db.execute(sql: "ROLLBACK")
    }
    try session.addTeam("unblocked")
    #expect(VaultError.busy.category == .temporary)
  }
}
