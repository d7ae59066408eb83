import Foundation
import GRDB
import HavenCrypto
import Testing

/// Every bad input named in the foundation issue: a clear `haven: error:` line, its documented exit
/// code (docs/cli.md), and nothing already stored changed or lost.
@Suite("haven: bad input gets a clear message and its exit code")
struct BadInputTests {
  func expectFailure(
    _ result: HavenProcess.Result, _ code: Int32, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == code, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("haven: error: "), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
  }

  @Test("wrong passphrase: 77, and the vault still opens with the right one")
  func wrongPassphrase() throws {
    let cli = try CLIFixture()
    expectFailure(try cli.asUser("ada", ["status"]), 77, "wrong passphrase for user 'ada'")
    #expect(try cli.asAdmin(["status"]).status == 0)
  }

  @Test("unknown user: 66")
  func unknownUser() throws {
    let cli = try CLIFixture()
    expectFailure(try cli.asUser("nobody", ["status"]), 66, "no active user named 'nobody'")
  }

  @Test("missing or non-vault directory: 66, with a hint")
  func missingVault() throws {
    let cli = try CLIFixture(initialise: false)
    let missing = try cli.asAdmin(["status"])
    expectFailure(missing, 66, "no vault at")
    #expect(missing.stderr.contains("haven: hint: "))
    expectFailure(
      try cli.run(["status", "--vault", cli.root.path, "--user", "ada", "--passphrase-file", cli.adminFile]), 66, "no vault at")
  }

  @Test("no vault or user named: 64")
  func missingOptions() throws {
    let cli = try CLIFixture()
    expectFailure(try HavenProcess.run(["status", "--user", "ada"]), 64, "no vault given")
    expectFailure(try cli.run(["status", "--passphrase-file", cli.adminFile]), 64, "no user given")
  }

  @Test("a vault from a newer format version: 65, and the file is left unchanged")
  func newerFormat() throws {
    let cli = try CLIFixture()
    try DatabaseQueue(path: cli.vault + "/vault.sqlite").write { db in
      try db.execute(sql: "UPDATE vault_meta SET format_version = 99")
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: cli.vault + "/vault.sqlite"))
    expectFailure(try cli.asAdmin(["status"]), 65, "format version 99, newer than this haven understands (14)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: cli.vault + "/vault.sqlite")) == before)
  }

  @Test("a truncated or altered key file: 65, naming the user")
  func damagedKeyFile() throws {
    let cli = try CLIFixture()
    let keyFile = URL(fileURLWithPath: cli.vault + "/keys/ada.key")
    let original = try Data(contentsOf: keyFile)
    try original.prefix(50).write(to: keyFile)
    expectFailure(try cli.asAdmin(["status"]), 65, "the key file of user 'ada' is damaged or was altered")
    var altered = original
    altered[altered.count - 3] ^= 0x40
    try altered.write(to: keyFile)
    expectFailure(try cli.asAdmin(["status"]), 65, "the key file of user 'ada' is damaged or was altered")
    try original.write(to: keyFile)
    #expect(try cli.asAdmin(["status"]).status == 0)
  }

  @Test("a locked database: 75 (retry), and the change is not half-made")
  func lockedDatabase() throws {
    let cli = try CLIFixture()
    try DatabaseQueue(path: cli.vault + "/vault.sqlite").inDatabase { db in
      try db.execute(sql: "BEGIN EXCLUSIVE")
      let result = try cli.asAdmin(["team", "add", "north"])
      #expect(result.status == 75, "\(result.stderr)")
      #expect(result.stderr.contains("busy"))
      try db.execute(sql: "ROLLBACK")
    }
    #expect(try cli.asAdmin(["team", "add", "north"]).status == 0)
  }

  @Test("an empty passphrase: 64; no passphrase and no terminal: 64")
  func emptyPassphrase() throws {
    let cli = try CLIFixture()
    let empty = cli.root.appendingPathComponent("empty.pw").path
    #expect(FileManager.default.createFile(atPath: empty, contents: Data(), attributes: [.posixPermissions: 0o600]))
    expectFailure(try cli.run(["status", "--user", "ada", "--passphrase-file", empty]), 64, "passphrase refused: it is empty")
    expectFailure(try cli.run(["status", "--user", "ada"], detached: true), 64, "no passphrase")
  }

  @Test("a very long or non-UTF-8 passphrase is handled without a crash")
  func oddPassphrases() throws {
    let cli = try CLIFixture()
    let long = cli.root.appendingPathComponent("long.pw").path
    #expect(
      FileManager.default.createFile(
        atPath: long, contents: Data(repeating: 0x61, count: 5000), attributes: [.posixPermissions: 0o600]))
    expectFailure(try cli.run(["status", "--user", "ada", "--passphrase-file", long]), 64, "longer than 1024 bytes")
    let binary = cli.root.appendingPathComponent("binary.pw").path
    let invalidUTF8 = Data([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86])
    #expect(FileManager.default.createFile(atPath: binary, contents: invalidUTF8, attributes: [.posixPermissions: 0o600]))
    expectFailure(try cli.run(["status", "--user", "ada", "--passphrase-file", binary]), 77, "wrong passphrase")
  }

  @Test("init over a non-empty directory: 73, and nothing in it is touched")
  func initOverExisting() throws {
    let cli = try CLIFixture()
    let before = try Data(contentsOf: URL(fileURLWithPath: cli.vault + "/vault.sqlite"))
    expectFailure(
      try cli.run([
        "init", "--admin", "eve", "--name", "Eve", "--kdf", "interactive", "--passphrase-file", cli.adminFile,
        "--recovery-key-out",
        cli.root.path + "/rk2",
      ]),
      73, "already exists")
    #expect(try Data(contentsOf: URL(fileURLWithPath: cli.vault + "/vault.sqlite")) == before)
    #expect(!FileManager.default.fileExists(atPath: cli.root.path + "/rk2"))
  }

  @Test("a role without the right: 77, and the refusal is audited")
  func permissionDenied() throws {
    let cli = try CLIFixture()
    #expect(try cli.asAdmin(["user", "add", "wendy", "--role", "worker", "--new-passphrase-file", cli.workerFile]).status == 0)
    expectFailure(try cli.asUser("wendy", ["team", "add", "south"]), 77, "permission denied")
    let denied = try DatabaseQueue(path: cli.vault + "/vault.sqlite").read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries WHERE outcome = 'denied' AND action = 'team.add'")
    }
    #expect(denied == 1)
  }

  @Test("usage errors: 64")
  func usage() throws {
    let cli = try CLIFixture()
    #expect(try HavenProcess.run(["frobnicate"]).status == 64)
    #expect(try cli.asAdmin(["user", "add", "x", "--role", "superuser", "--new-passphrase-file", cli.workerFile]).status == 64)
    expectFailure(
      try cli.asAdmin(["user", "add", "Bad Name!", "--role", "worker", "--new-passphrase-file", cli.workerFile]), 64,
      "not a valid user name")
    #expect(try cli.run(["init", "--admin", "x", "--json", "--passphrase-file", cli.adminFile]).status == 64)
  }

  @Test("a key file whose Argon2 limits were lowered below the floor is refused (65) even with its digest updated to match")
  func loweredLimits() throws {
    let cli = try CLIFixture()
    let keyFile = URL(fileURLWithPath: cli.vault + "/keys/ada.key")
    var bytes = [UInt8](try Data(contentsOf: keyFile))
    for offset in 10..<18 { bytes[offset] = 0 }
    bytes[17] = 1  // opslimit 1: cheap to guess
    try Data(bytes).write(to: keyFile)
    try DatabaseQueue(path: cli.vault + "/vault.sqlite").write { db in
      try db.execute(
        sql: "UPDATE users SET key_file_digest = ? WHERE name = 'ada'",
        arguments: [Data(BLAKE2b.hash(bytes, outputByteCount: 32))])
    }
    expectFailure(try cli.asAdmin(["status"]), 65, "Argon2id limits are outside policy")
  }

  @Test("a truncated vault database or a vault directory missing its keys is refused with a clear message")
  func truncatedVault() throws {
    let cli = try CLIFixture()
    let database = URL(fileURLWithPath: cli.vault + "/vault.sqlite")
    _ = try cli.asAdmin(["status"])
    try FileManager.default.removeItem(atPath: cli.vault + "/keys")
    expectFailure(try cli.asAdmin(["status"]), 66, "key file of user 'ada' is missing")
    let bytes = try Data(contentsOf: database)
    try bytes.prefix(bytes.count / 2).write(to: database)
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
    let result = try cli.asAdmin(["status"])
    #expect([65, 66].contains(result.status), "exit \(result.status): \(result.stderr)")
    #expect(result.stderr.hasPrefix("haven: error: "))
  }
}
