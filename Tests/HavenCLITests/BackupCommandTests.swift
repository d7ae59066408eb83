import Foundation
import GRDB
import Testing

@Suite("haven backup and restore through the real binary")
struct BackupCommandTests {
  /// A partnership vault with a keyring beside it (in real use: on separate media).
  static func setUp() throws -> (PartnershipFixture, [String: String]) {
    let fixture = try PartnershipFixture()
    let environment = ["HAVEN_BACKUP_KEYRING": fixture.cli.root.appendingPathComponent("keyring").path]
    return (fixture, environment)
  }

  static func path(_ fixture: PartnershipFixture, _ name: String) -> String {
    fixture.cli.root.appendingPathComponent(name).path
  }

  static func backup(_ fixture: PartnershipFixture, _ env: [String: String], to name: String) throws -> HavenProcess.Result {
    try fixture.cli.run(
      ["backup", "--out", path(fixture, name), "--user", "ada", "--passphrase-file", fixture.cli.adminFile], environment: env)
  }

  static func recovery(_ fixture: PartnershipFixture) -> [String] { ["--recovery-key-file", fixture.cli.recoveryFile] }

  @Test(
    "a backup taken while two processes write restores to a vault that verifies and holds every write acknowledged before it began"
  )
  func backupDuringWrites() throws {
    let (fixture, env) = try Self.setUp()
    let cli = fixture.cli
    final class Acknowledged: @unchecked Sendable {
      let lock = NSLock()
      var references: [(String, Date)] = []
      var failures: [String] = []
      func add(_ reference: String) { lock.withLock { references.append((reference, Date())) } }
      func failed(_ why: String) { lock.withLock { failures.append(why) } }
    }
    let acknowledged = Acknowledged()
    let group = DispatchGroup()
    let (vault, workerFile) = (cli.vault, cli.workerFile)
    for writer in 0..<2 {
      DispatchQueue.global().async(group: group) {
        for index in 0..<12 {
          // Exit 75 means "busy, try again" (docs/cli.md): a person would, and so does the writer.
          for _ in 0..<5 {
            guard
              let result = try? HavenProcess.run(
                [
                  "survivor", "add", "--team", "trauma-service", "--name", "Writer\(writer) Person\(index)", "--user",
                  "wendy", "--passphrase-file", workerFile,
                ],
                environment: ["HAVEN_VAULT": vault])
            else { break }
            if result.status == 0 {
              acknowledged.add(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
              break
            }
            acknowledged.failed("exit \(result.status): \(result.stderr.prefix(200))")
            if result.status != 75 { break }
          }
        }
      }
    }
    // Start the backup once the writers are well under way (and still have most writes to do).
    // No clock: on a loaded machine the first writes can take long; if the writers end without
    // three acknowledged writes, the expectation below says so.
    while acknowledged.lock.withLock({ acknowledged.references.count }) < 3,
      group.wait(timeout: .now() + .milliseconds(50)) == .timedOut
    {}
    let started = Date()
    let made = try Self.backup(fixture, env, to: "during.hvb")
    group.wait()
    #expect(made.status == 0, "\(made.stderr)")
    let before = acknowledged.lock.withLock { acknowledged.references.filter { $0.1 < started }.map(\.0) }
    #expect(
      before.count >= 2,
      "the writers had not started before the backup; failed writes: \(acknowledged.lock.withLock { acknowledged.failures })")
    let restored = Self.path(fixture, "restored")
    let restore = try cli.run(
      ["restore", Self.path(fixture, "during.hvb"), "--to", restored] + Self.recovery(fixture), environment: env)
    #expect(restore.status == 0, "\(restore.stderr)")
    #expect(restore.stdout.contains("SQLite integrity check: ok"))
    for reference in before {
      let shown = try HavenProcess.run(
        ["survivor", "show", reference, "--user", "wendy", "--passphrase-file", cli.workerFile],
        environment: ["HAVEN_VAULT": restored])
      #expect(shown.status == 0, "\(reference) acknowledged before the backup is missing from it")
    }
    #expect(try HavenProcess.run(["audit", "verify"], environment: ["HAVEN_VAULT": restored]).status == 0)
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }

  @Test("a flipped byte anywhere, a truncation, and another vault's recovery key are all refused")
  func tamper() throws {
    let (fixture, env) = try Self.setUp()
    #expect(try Self.backup(fixture, env, to: "b.hvb").status == 0)
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path(fixture, "b.hvb"))))
    let altered = Self.path(fixture, "altered.hvb")
    var positions = Array(0..<48) + [60, 64, 100, original.count / 2, original.count - 17, original.count - 1]
    positions += (0..<10).map { _ in Int.random(in: 48..<original.count) }
    for position in positions {
      var bytes = original
      bytes[position] ^= 0x40
      try Data(bytes).write(to: URL(fileURLWithPath: altered))
      let result = try fixture.cli.run(["backup", "verify", altered] + Self.recovery(fixture), environment: env)
      #expect([65, 66].contains(result.status), "byte \(position): exit \(result.status) \(result.stderr)")
    }
    try Data(original.prefix(original.count - 5)).write(to: URL(fileURLWithPath: altered))
    #expect(try fixture.cli.run(["backup", "verify", altered] + Self.recovery(fixture), environment: env).status == 65)

    let other = try CLIFixture()
    let foreign = try fixture.cli.run(
      ["backup", "verify", Self.path(fixture, "b.hvb"), "--recovery-key-file", other.recoveryFile], environment: env)
    #expect(foreign.status == 65)
    #expect(foreign.stderr.contains("recovery key refused"))
  }

  @Test("restore never touches an existing directory; a worker cannot take a backup; expired generations open for no one")
  func restoreSafetyAndExpiry() throws {
    let (fixture, env) = try Self.setUp()
    let cli = fixture.cli
    #expect(try Self.backup(fixture, env, to: "b.hvb").status == 0)
    let database = cli.vault + "/vault.sqlite"
    let before = try Data(contentsOf: URL(fileURLWithPath: database))
    let over = try cli.run(
      ["restore", Self.path(fixture, "b.hvb"), "--to", cli.vault] + Self.recovery(fixture), environment: env)
    #expect(over.status == 73)
    #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)

    let worker = try cli.run(
      ["backup", "--out", Self.path(fixture, "w.hvb"), "--user", "wendy", "--passphrase-file", cli.workerFile], environment: env)
    #expect(worker.status == 77)
    #expect(!FileManager.default.fileExists(atPath: Self.path(fixture, "w.hvb")))

    let expire = try cli.run(
      ["backup", "expire", "--older-than", "0h", "--user", "ada", "--passphrase-file", cli.adminFile], environment: env)
    #expect(expire.status == 0, "\(expire.stderr)")
    let gone = try cli.run(["backup", "verify", Self.path(fixture, "b.hvb")] + Self.recovery(fixture), environment: env)
    #expect(gone.status == 66)
    #expect(gone.stderr.contains("expired"))
    let restore = try cli.run(
      ["restore", Self.path(fixture, "b.hvb"), "--to", Self.path(fixture, "r")] + Self.recovery(fixture), environment: env)
    #expect(restore.status == 66)
    #expect(!FileManager.default.fileExists(atPath: Self.path(fixture, "r")))
    let listed = try cli.run(["backup", "list", "--user", "ada", "--passphrase-file", cli.adminFile], environment: env)
    #expect(listed.stdout.contains("expired"))
    #expect(
      try cli.run(["audit", "log", "--action", "backup.", "--user", "ada", "--passphrase-file", cli.adminFile]).stdout.contains(
        "backup.expire"))
  }
}

extension BackupCommandTests {
  @Test("an erasure names the backups that still hold the record and the day they expire under the policy last used")
  func erasureSaysWhenBackupsForget() throws {
    let (fixture, env) = try Self.setUp()
    let cli = fixture.cli
    let reference = try fixture.addSurvivor("Testperson Forgotten")
    #expect(try Self.backup(fixture, env, to: "b.hvb").status == 0)
    let expire = try cli.run(
      ["backup", "expire", "--older-than", "90d", "--user", "ada", "--passphrase-file", cli.adminFile], environment: env)
    #expect(expire.stdout.contains("No generation is older than 90d"))
    try cli.asAdmin(["team", "add-member", "trauma-service", "ada"])
    try cli.asUser("wendy", ["status"])
    let erase = try cli.asAdmin(["survivor", "erase", reference, "--reason", "request"])
    #expect(erase.status == 0, "\(erase.stderr)")
    let expected = Date().addingTimeInterval(90 * 86400).formatted(.iso8601.year().month().day())
    #expect(erase.stderr.contains("1 backup generation(s) made before now still hold this record"))
    #expect(erase.stderr.contains("complete in every backup on \(expected)"), "\(erase.stderr)")
  }
}

/// A 400 KiB tmpfs, where the machine allows mounting one (root on Linux), for disk-full tests.
enum TinyFilesystem {
  static let available: Bool = {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
    let probe = FileManager.default.temporaryDirectory.appendingPathComponent("haven-tinyfs-probe-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil,
      run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe])
    else { return false }
    return run("/bin/umount", [probe])
  }()

  @discardableResult
  static func run(_ tool: String, _ arguments: [String]) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }
}

@Suite("haven backup on a full disk")
struct BackupDiskFullTests {
  @Test(
    "a backup to a full filesystem fails with a clear error, leaves no key behind, and the live vault is untouched",
    .enabled(if: TinyFilesystem.available, "needs permission to mount a small tmpfs"))
  func diskFull() throws {
    let (fixture, env) = try BackupCommandTests.setUp()
    let cli = fixture.cli
    for index in 0..<20 { _ = try fixture.addSurvivor("Filler Person\(index)") }
    let full = cli.root.appendingPathComponent("full").path
    try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
    #expect(TinyFilesystem.run("/bin/mount", ["-t", "tmpfs", "-o", "size=96k", "tmpfs", full]))
    defer { TinyFilesystem.run("/bin/umount", [full]) }
    let database = cli.vault + "/vault.sqlite"
    let before = try Data(contentsOf: URL(fileURLWithPath: database))
    let result = try cli.run(
      ["backup", "--out", full + "/b.hvb", "--user", "ada", "--passphrase-file", cli.adminFile], environment: env)
    #expect(result.status == 74, "\(result.stderr)")
    #expect(result.stderr.contains("the disk is full"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: full).isEmpty)
    let keyring = env["HAVEN_BACKUP_KEYRING"]!
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: keyring)) ?? []).isEmpty)
    #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }
}

@Suite("A write on a full disk")
struct WriteDiskFullTests {
  @Test(
    "recording a survivor on a full filesystem fails with exit 74 and changes nothing; with space again it works",
    .enabled(if: TinyFilesystem.available, "needs permission to mount a small tmpfs"))
  func writeOnFullDisk() throws {
    let cli = try CLIFixture(initialise: false)
    let mount = cli.root.appendingPathComponent("fs").path
    try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
    #expect(TinyFilesystem.run("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mount]))
    defer { TinyFilesystem.run("/bin/umount", [mount]) }
    let vault = mount + "/vault"
    func haven(_ arguments: [String], as user: String = "ada", file: String? = nil) throws -> HavenProcess.Result {
      try cli.run(arguments + ["--vault", vault, "--user", user, "--passphrase-file", file ?? cli.adminFile])
    }
    #expect(
      try cli.run([
        "init", "--vault", vault, "--admin", "ada", "--name", "Restored", "--kdf", "interactive", "--passphrase-file",
        cli.adminFile,
        "--recovery-key-out", cli.recoveryFile,
      ]).status == 0)
    try haven(["user", "add", "wendy", "--role", "worker", "--new-passphrase-file", cli.workerFile])
    try haven(["team", "add", "t"])
    try haven(["team", "add-member", "t", "wendy"])
    #expect(
      try haven(["survivor", "add", "--team", "t", "--name", "Before Full"], as: "wendy", file: cli.workerFile).status == 0)
    let count = { () throws -> Int in
      try DatabaseQueue(path: vault + "/vault.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM survivors") ?? 0 }
    }
    let before = try count()
    // Fill the filesystem.
    let filler = mount + "/filler"
    FileManager.default.createFile(atPath: filler, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
    let block = Data(count: 64 * 1024)
    while (try? handle.write(contentsOf: block)) != nil {}
    try? handle.close()
    let full = try haven(["survivor", "add", "--team", "t", "--name", "During Full"], as: "wendy", file: cli.workerFile)
    #expect(full.status == 74, "\(full.stderr)")
    #expect(full.stderr.contains("the disk"))
    #expect(full.stderr.contains("nothing was changed"))
    try FileManager.default.removeItem(atPath: filler)
    #expect(try count() == before)
    #expect(try cli.run(["audit", "verify", "--vault", vault]).status == 0)
    #expect(try haven(["survivor", "add", "--team", "t", "--name", "After Full"], as: "wendy", file: cli.workerFile).status == 0)
  }
}
