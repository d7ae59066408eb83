import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// "Keys, not rows" (issue 19): an insider with write access to the vault file (a worker of
/// another team, or a removed colleague who kept their key file) edits rows, plants keys and
/// re-signs the log. Each attack must be refused with a data error naming what was altered, and
/// must hand no key to anyone.
@Suite("Directory attacks: edited rows hand out no keys")
struct DirectoryAttackTests {
  /// north: wendy; south: mallory (the insider). Both teams have their first keys.
  static func vault() throws -> VaultFixture {
    let fixture = try VaultFixture()
    let admin = try fixture.admin()
    try admin.addTeam("north")
    try admin.addTeam("south")
    try fixture.addUser("wendy", role: .worker, teams: ["north"])
    try fixture.addUser("mallory", role: .worker, teams: ["south"])
    try fixture.addUser("rita", role: .reporting)
    _ = try fixture.unlock("wendy")
    _ = try fixture.unlock("mallory")
    return fixture
  }

  static func isDataError(_ error: any Error) -> Bool { (error as? VaultError)?.category == .dataError }

  static func grantCount(_ fixture: VaultFixture) throws -> Int {
    try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM key_grants") ?? 0 }
  }

  @Test("a team key forged with public keys only, signed by an outsider, is refused and never used")
  func forgedTeamKey() throws {
    let fixture = try Self.vault()
    let mallory = try fixture.unlock("mallory")
    let wendyID = try fixture.unlock("wendy").user.id
    let vaultID = mallory.metadata.vaultID
    let forged = try TeamKey.random()
    let (wendyKey, length) = try fixture.rawDatabase().read { db in
      (try mallory.directory(db).activeUser(wendyID)!.box, try mallory.directory(db).length)
    }
    // Variant 1: the next version, sealed to the member and the recovery key, version bumped.
    try fixture.rawDatabase().write { db in
      for (recipient, key) in [(wendyID as Int64?, wendyKey), (nil, mallory.metadata.recoveryPublicKey)] {
        let sealed = try KeyGrant.seal(
          forged, context: KeyGrant.context(vaultID: vaultID, kind: .team, teamID: 1, version: 2, recipient: key), to: key)
        let body = KeyGrant.signatureBody(
          vaultID: vaultID, kind: .team, teamID: 1, version: 2, recipient: key, sealed: sealed, granter: mallory.user.id,
          directoryLength: length)
        try KeyGrantStore.insert(
          db, kind: .team, teamID: 1, version: 2, recipient: recipient,
          grant: StoredGrant(
            sealed: sealed, granter: mallory.user.id, directoryLength: length, signature: mallory.keys.signing.sign(body)))
      }
      try db.execute(sql: "UPDATE teams SET current_key_version = 2 WHERE id = 1")
    }
    #expect(performing: { _ = try fixture.unlock("wendy") }, throws: Self.isDataError)

    // Variant 2: version left alone; the member's existing grant replaced by the forged key.
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "DELETE FROM key_grants WHERE team_id = 1 AND key_version = 2")
      try db.execute(sql: "UPDATE teams SET current_key_version = 1 WHERE id = 1")
      let sealed = try KeyGrant.seal(
        forged, context: KeyGrant.context(vaultID: vaultID, kind: .team, teamID: 1, version: 1, recipient: wendyKey),
        to: wendyKey)
      let body = KeyGrant.signatureBody(
        vaultID: vaultID, kind: .team, teamID: 1, version: 1, recipient: wendyKey, sealed: sealed, granter: mallory.user.id,
        directoryLength: length)
      try db.execute(
        sql: """
          UPDATE key_grants SET sealed_key = ?, granted_by = ?, directory_length = ?, granter_signature = ?
          WHERE key_kind = 'team' AND team_id = 1 AND recipient_user_id = ?
          """, arguments: [Data(sealed), mallory.user.id, length, Data(mallory.keys.signing.sign(body)), wendyID])
    }
    let wendy = try fixture.unlock("wendy")
    var details = SurvivorDetails(name: "Testperson Forged")
    details.dateOfBirth = try CalendarDate(parsing: "2008-01-02")
    #expect(performing: { _ = try wendy.addSurvivor(team: "north", details: details) }, throws: Self.isDataError)
    let survivors = try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM survivors") }
    #expect(survivors == 0, "a record was written under a forged key")
  }

  @Test("a swapped recovery or statistics public key is refused at unlock; nothing is sealed to it")
  func swappedVaultKeys() throws {
    for column in ["recovery_public_key", "statistics_public_key"] {
      let fixture = try Self.vault()
      let attacker = try BoxKeyPair.generate()
      try fixture.rawDatabase().write { db in
        try db.execute(sql: "UPDATE vault_meta SET \(column) = ?", arguments: [Data(attacker.publicKey.bytes)])
        try db.execute(sql: "UPDATE teams SET rotation_due = 1")
      }
      let before = try Self.grantCount(fixture)
      for user in ["wendy", "rita"] {
        #expect(
          performing: {
            _ = try Vault.open(at: fixture.path).unlock(
              user: user, passphrase: Passphrase(copying: VaultFixture.workerPassphrase))
          },
          throws: { error in
            Self.isDataError(error) && ((error as? VaultError)?.message.contains("public key") ?? false)
          })
      }
      #expect(try Self.grantCount(fixture) == before)
    }
  }

  @Test("an injected membership, role or break-glass setting is refused and hands over no key")
  func injectedRows() throws {
    let edits: [(String, String)] = [
      (
        "membership",
        "INSERT INTO team_members (team_id, user_id, added_at, added_by) SELECT 1, id, 'x', 1 FROM users WHERE name = 'mallory'"
      ),
      ("role", "UPDATE users SET role = 'reporting' WHERE name = 'mallory'"),
      ("admin role", "UPDATE users SET role = 'admin' WHERE name = 'mallory'"),
      ("break-glass", "INSERT INTO vault_settings (name, value) VALUES ('break_glass_roles', 'worker')"),
    ]
    for (what, sql) in edits {
      let fixture = try Self.vault()
      try fixture.rawDatabase().write { db in try db.execute(sql: sql) }
      let before = try Self.grantCount(fixture)
      for user in ["wendy", "rita"] {
        #expect("\(what) edit accepted by \(user)", performing: { _ = try fixture.unlock(user) }, throws: Self.isDataError)
      }
      #expect(try Self.grantCount(fixture) == before, "\(what): a key was handed out")
    }
  }

  @Test("a directory entry signed by a worker who is not an admin is refused")
  func forgedDirectoryEntry() throws {
    let fixture = try Self.vault()
    let mallory = try fixture.unlock("mallory")
    try fixture.rawDatabase().write { db in
      try DirectoryLog.append(
        db, vaultID: mallory.metadata.vaultID, event: .memberAdd(teamID: 1, userID: mallory.user.id), author: mallory.user.id,
        sign: { mallory.keys.signing.sign($0) })
      try db.execute(
        sql: "INSERT INTO team_members (team_id, user_id, added_at, added_by) VALUES (1, ?, 'x', 1)", arguments: [mallory.user.id]
      )
    }
    #expect(
      performing: { _ = try fixture.unlock("wendy") },
      throws: { error in
        ((error as? VaultError)?.message.contains("needs an admin")) ?? false
      })
    let verification = try AuditVerifier(vaultPath: fixture.path).verify()
    #expect(!verification.isIntact)
  }

  /// Re-signs every checkpoint after `entries` were rewritten, as `signer` under its valid
  /// directory length: the strongest forgery an insider with one valid key can make.
  static func resignLog(_ fixture: VaultFixture, as session: VaultSession, userName: String) throws {
    try fixture.rawDatabase().write { db in
      let leaves = try StoreRow.fetchAll(db, sql: "SELECT * FROM audit_entries ORDER BY seq").map { AuditEntry(row: $0).leafHash }
      try db.execute(sql: "UPDATE audit_entries SET leaf_hash = NULL")
      for (index, leaf) in leaves.enumerated() {
        try db.execute(sql: "UPDATE audit_entries SET leaf_hash = ? WHERE seq = ?", arguments: [Data(leaf), index + 1])
      }
      let head = try DirectoryLog.head(db)!
      try db.execute(sql: "DELETE FROM audit_checkpoints")
      let root = MerkleTree.root(leaves)
      let checkpoint = Checkpoint(
        origin: AuditLog.origin(session.metadata), size: leaves.count, root: root,
        extensions: ["time 2026-01-01T00:00:00Z", DirectoryLine(length: head.length, head: head.hash).text])
      let note = try SignedNote.sign(
        text: checkpoint.text, name: AuditLog.keyName(session.metadata, user: userName), with: session.keys.signing)
      try db.execute(
        sql: "INSERT INTO audit_checkpoints (tree_size, root_hash, note, signer_user_id, created_at) VALUES (?, ?, ?, ?, ?)",
        arguments: [leaves.count, Data(root), note.encoded, session.user.id, "2026-01-01T00:00:00Z"])
      try db.execute(sql: "UPDATE audit_tree_state SET size = ?", arguments: [leaves.count])
    }
  }

  @Test("the middle of the log rewritten and re-signed by a valid insider key fails the actor rule")
  func rewrittenMiddle() throws {
    let fixture = try Self.vault()
    let mallory = try fixture.unlock("mallory")
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "DELETE FROM audit_entries WHERE seq BETWEEN 5 AND 8")
      try db.execute(sql: "UPDATE audit_entries SET seq = seq - 4 WHERE seq > 8")
      // A key planted for ada: the directory, not this table, decides.
      try db.execute(
        sql: "INSERT INTO retired_signing_keys (user_id, signing_public_key, retired_at) VALUES (1, ?, 'x')",
        arguments: [Data(mallory.keys.signing.publicKey.bytes)])
    }
    try Self.resignLog(fixture, as: mallory, userName: "mallory")
    let result = try AuditVerifier(vaultPath: fixture.path).verify()
    #expect(!result.isIntact)
    #expect(result.problem?.contains("rule: a checkpoint is signed by the actor") == true, "\(result.problem ?? "")")
    // Claiming to be ada with the planted key fails too.
    try Self.resignLog(fixture, as: mallory, userName: "ada")
    let claimed = try AuditVerifier(vaultPath: fixture.path).verify()
    #expect(claimed.problem?.contains("not signed by ada's key valid at directory length") == true, "\(claimed.problem ?? "")")
  }

  @Test("a removed user's key and a reset user's old key sign nothing after their removal or reset")
  func removedAndRetiredKeys() throws {
    for change in ["remove", "reset"] {
      let fixture = try Self.vault()
      let wendyBefore = try fixture.unlock("wendy")  // her key file, kept
      let admin = try fixture.admin()
      if change == "remove" {
        try admin.removeUser("wendy")
      } else {
        try admin.resetUserKeys("wendy", passphrase: Passphrase(copying: "a new passphrase for wendy"))
      }
      // She appends an entry of her own and signs the whole log with her old key.
      try fixture.rawDatabase().write { db in
        let writer = AuditWriter()
        try writer.append(db, actor: wendyBefore.user.id, action: .survivorRead, target: "forged")
        _ = try writer.finish(db)
      }
      try Self.resignLog(fixture, as: wendyBefore, userName: "wendy")
      let result = try AuditVerifier(vaultPath: fixture.path).verify()
      #expect(!result.isIntact, "\(change)")
      let problem = result.problem ?? ""
      #expect(
        problem.contains("held no valid signing key at directory length")
          || problem.contains("is not signed by wendy's key valid at directory length"), "\(change): \(problem)")
    }
  }

  @Test("a legitimate history (resets, removals, recovery, break-glass) verifies clean and unlocks")
  func legitimateHistory() throws {
    let fixture = try Self.vault()
    let admin = try fixture.admin()
    try fixture.addUser("will", role: .worker, teams: ["north"])
    try fixture.addUser("audrey", role: .auditor)
    _ = try fixture.unlock("wendy")
    try admin.removeMember(team: "north", user: "will")
    try admin.resetUserKeys("rita", passphrase: Passphrase(copying: VaultFixture.workerPassphrase))
    try admin.setBreakGlassRoles([.worker])
    try admin.removeUser("will")
    try admin.deliverWithRecoveryKey(fixture.recoveryKey())
    try fixture.unlock("mallory").changePassphrase(to: Passphrase(copying: "mallory's second passphrase"))
    _ = try fixture.unlock("mallory", "mallory's second passphrase")
    for user in ["wendy", "rita", "audrey"] { _ = try fixture.unlock(user) }
    let wendy = try fixture.unlock("wendy")
    var details = SurvivorDetails(name: "Testperson Legit")
    details.dateOfBirth = try CalendarDate(parsing: "2008-01-02")
    _ = try wendy.addSurvivor(team: "north", details: details)
    let result = try AuditVerifier(vaultPath: fixture.path).verify()
    #expect(result.isIntact, "\(result.problem ?? "")")
    let root = try #require(try fixture.vault.root())
    #expect(try AuditVerifier(vaultPath: fixture.path).verify(root: root.fingerprint).isIntact)
    #expect(!(try AuditVerifier(vaultPath: fixture.path).verify(root: "haven-root-0000").isIntact))
  }

  @Test("a pinned root refuses a vault whose founding keys changed, and a directory rolled back")
  func pinnedRoot() throws {
    let fixture = try Self.vault()
    let pins = RootPins(path: fixture.root.appendingPathComponent("known_vaults").path)
    let copy = fixture.root.appendingPathComponent("before.sqlite").path
    try fixture.rawDatabase().writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy]) }
    _ = try Vault.open(at: fixture.path).unlock(
      user: "wendy", passphrase: Passphrase(copying: VaultFixture.workerPassphrase), pins: pins)
    try fixture.admin().addTeam("east")
    _ = try Vault.open(at: fixture.path).unlock(
      user: "wendy", passphrase: Passphrase(copying: VaultFixture.workerPassphrase), pins: pins)
    // Roll the vault back to the copy taken before: the pinned directory reaches further.
    try FileManager.default.removeItem(atPath: fixture.path + "/vault.sqlite")
    try? FileManager.default.removeItem(atPath: fixture.path + "/vault.sqlite-wal")
    try? FileManager.default.removeItem(atPath: fixture.path + "/vault.sqlite-shm")
    try FileManager.default.copyItem(atPath: copy, toPath: fixture.path + "/vault.sqlite")
    #expect(
      performing: {
        _ = try Vault.open(at: fixture.path).unlock(
          user: "wendy", passphrase: Passphrase(copying: VaultFixture.workerPassphrase), pins: pins)
      }, throws: { ($0 as? VaultError)?.message.contains("rolled back") ?? false })
    // Another vault under this one's id (a rebuilt genesis) is refused by its root.
    let text = try String(contentsOfFile: pins.path, encoding: .utf8)
    try text.replacingOccurrences(of: "haven-root-", with: "haven-root-ffff").write(
      toFile: pins.path, atomically: true, encoding: .utf8)
    #expect(
      performing: {
        _ = try Vault.open(at: fixture.path).unlock(
          user: "wendy", passphrase: Passphrase(copying: VaultFixture.workerPassphrase), pins: pins)
      }, throws: { if case .rootChanged = $0 as? VaultError { true } else { false } })
  }
}
