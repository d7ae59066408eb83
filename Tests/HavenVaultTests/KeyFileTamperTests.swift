import Foundation
import HavenCrypto
import HavenVault
import Testing

@Suite("Key files under damage and substitution")
struct KeyFileTamperTests {
  @Test("every single flipped byte in a key file is reported as damage, never as success")
  func everyByte() throws {
    let fixture = try VaultFixture()
    let keyPath = fixture.path + "/keys/ada.key"
    let original = try Data(contentsOf: URL(fileURLWithPath: keyPath))
    for index in 0..<original.count {
      var altered = original
      altered[index] ^= 0x01
      try altered.write(to: URL(fileURLWithPath: keyPath))
      #expect {
        _ = try fixture.vault.unlock(user: "ada", passphrase: Passphrase(copying: VaultFixture.adminPassphrase))
      } throws: { error in
        guard let failure = error as? VaultError else { return false }
        return failure.category == .dataError
      }
    }
    try original.write(to: URL(fileURLWithPath: keyPath))
    _ = try fixture.admin()
  }

  @Test("a truncated key file is refused as damaged")
  func truncated() throws {
    let fixture = try VaultFixture()
    let keyPath = URL(fileURLWithPath: fixture.path + "/keys/ada.key")
    let original = try Data(contentsOf: keyPath)
    for length in [0, 7, 40, original.count - 1] {
      try original.prefix(length).write(to: keyPath)
      #expect {
        _ = try fixture.admin()
      } throws: { error in
        if case .keyFileDamaged = error as? VaultError { return true }
        return false
      }
    }
  }

  @Test("a key file from another vault is refused")
  func fromAnotherVault() throws {
    let first = try VaultFixture()
    let second = try VaultFixture()
    let foreign = try Data(contentsOf: URL(fileURLWithPath: second.path + "/keys/ada.key"))
    try foreign.write(to: URL(fileURLWithPath: first.path + "/keys/ada.key"))
    #expect(throws: VaultError.keyFileFromAnotherVault(user: "ada")) { _ = try first.admin() }
  }

  @Test("a missing key file is reported with its path")
  func missing() throws {
    let fixture = try VaultFixture()
    try FileManager.default.removeItem(atPath: fixture.path + "/keys/ada.key")
    #expect(throws: VaultError.keyFileMissing(user: "ada", path: fixture.path + "/keys/ada.key")) { _ = try fixture.admin() }
  }

  @Test("changing a passphrase re-wraps only that user's key file")
  func passphraseChange() throws {
    let fixture = try VaultFixture()
    try fixture.admin().addTeam("north")
    try fixture.addUser("wendy", role: .worker, teams: ["north"])
    _ = try fixture.unlock("wendy")  // first member: generates the team key
    let adaKey = try Data(contentsOf: URL(fileURLWithPath: fixture.path + "/keys/ada.key"))
    let wendy = try fixture.unlock("wendy")
    try wendy.changePassphrase(to: Passphrase(copying: "a brand new passphrase"))
    #expect(throws: VaultError.wrongPassphrase(user: "wendy")) { _ = try fixture.unlock("wendy") }
    let again = try fixture.unlock("wendy", "a brand new passphrase")
    let record = RecordBinding(table: "survivor", recordID: 1)
    let created = try again.createRecordKey(team: "north", for: record)
    _ = try again.openRecordKey(created.wrapped, for: record)
    #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path + "/keys/ada.key")) == adaKey)
    #expect(throws: VaultError.unusablePassphrase("a new passphrase needs at least 12 characters")) {
      try again.changePassphrase(to: Passphrase(copying: "too short"))
    }
  }
}
