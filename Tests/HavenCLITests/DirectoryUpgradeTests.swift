import Foundation
import GRDB
import Testing

/// A vault at format 5 (`Format5Vault`, built at test time) opens, refuses workers until an admin
/// anchors its signed directory, then works and verifies, saying what its older history cannot
/// prove; and a new vault's root is printed, pinned and checked.
@Suite("Signed directory: upgrade from format 5 and the pinned root")
struct DirectoryUpgradeTests {
  @Test("a format-5 vault is anchored by its first admin unlock, audited, and verifies with its caveat")
  func upgrade() throws {
    let fixture = try Format5Vault()
    defer { fixture.remove() }
    let work = fixture.root
    let vault = fixture.vault
    func run(_ user: String, _ arguments: [String]) throws -> HavenProcess.Result {
      try HavenProcess.run(
        arguments + ["--user", user, "--passphrase-file", fixture.passphraseFile(user)],
        environment: ["HAVEN_VAULT": vault, "HAVEN_KNOWN_VAULTS": work.appendingPathComponent("known").path])
    }
    let before = try HavenProcess.run(["audit", "verify"], environment: ["HAVEN_VAULT": vault])
    #expect(before.stdout.contains("no signed directory yet"), "\(before.stdout)\(before.stderr)")
    let early = try run("wendy", ["status"])
    #expect(early.status == 77, "\(early.stderr)")
    #expect(early.stderr.contains("an admin must unlock it once first"))
    let anchored = try run("ada", ["status"])
    #expect(anchored.status == 0, "\(anchored.stderr)")
    #expect(anchored.stdout.contains("Format version: 14"))
    for user in ["wendy", "rita", "audrey"] {
      let result = try run(user, ["status"])
      #expect(result.status == 0, "\(user): \(result.stderr)")
    }
    let shown = try run("wendy", ["survivor", "show", fixture.plain])
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("Testperson Fixture"))
    let recovered = try HavenProcess.run(
      [
        "recovery", "deliver", "--recovery-key-file", work.appendingPathComponent("recovery.txt").path, "--user", "ada",
        "--passphrase-file", fixture.passphraseFile("ada"),
      ],
      environment: ["HAVEN_VAULT": vault])
    #expect(recovered.status == 0, "\(recovered.stderr)")
    let verify = try HavenProcess.run(["audit", "verify"], environment: ["HAVEN_VAULT": vault])
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    #expect(verify.stdout.contains("from its anchor at entry"))
    #expect(verify.stdout.contains("predate it and are taken as found"))
    let log = try run("audrey", ["audit", "log", "--json"])
    #expect(log.stdout.contains("directory.anchor"), "\(log.stderr)")
  }

  @Test("init prints the root; audit root and verify --root agree; a different root is refused")
  func root() throws {
    let cli = try CLIFixture(initialise: false)
    let rootFile = cli.root.appendingPathComponent("root.txt").path
    let created = try cli.run([
      "init", "--admin", "ada", "--name", "Upgrade", "--kdf", "interactive", "--passphrase-file", cli.adminFile,
      "--recovery-key-out",
      cli.recoveryFile, "--root-out", rootFile,
    ])
    #expect(created.status == 0, "\(created.stderr)")
    let text = try String(contentsOfFile: rootFile, encoding: .utf8)
    let fingerprint = try #require(text.split(separator: "\n").first { $0.hasPrefix("root ") }).dropFirst(5)
    #expect(created.stdout.contains(String(fingerprint)))
    #expect(try cli.run(["audit", "root"]).stdout.contains(String(fingerprint)))
    #expect(try cli.run(["audit", "verify", "--root", String(fingerprint)]).status == 0)
    let wrong = try cli.run(["audit", "verify", "--root", "haven-root-0000-0000"])
    #expect(wrong.status == 65)
    #expect(wrong.stdout.contains("not the given root"))
  }

  @Test("through the real binary, SQL edits to membership, roles or the recovery key exit 65 naming what was altered")
  func editedRowsExit65() throws {
    let edits = [
      (
        "INSERT INTO team_members (team_id, user_id, added_at, added_by) SELECT 1, id, 'x', 1 FROM users WHERE name = 'sam'",
        "membership of team 'north'"
      ),
      ("UPDATE users SET role = 'admin' WHERE name = 'sam'", "user 'sam'"),
      ("UPDATE vault_meta SET recovery_public_key = randomblob(32)", "recovery public key"),
      ("INSERT INTO vault_settings (name, value) VALUES ('break_glass_roles', 'worker')", "break-glass roles"),
    ]
    for (sql, named) in edits {
      let cli = try CLIFixture()
      for (user, team) in [("wendy", "north"), ("sam", "south")] {
        try cli.asAdmin(["user", "add", user, "--role", "worker", "--new-passphrase-file", cli.workerFile])
        try cli.asAdmin(["team", "add", team])
        try cli.asAdmin(["team", "add-member", team, user])
        try cli.asUser(user, ["status"])
      }
      try DatabaseQueue(path: cli.vault + "/vault.sqlite").write { db in try db.execute(sql: sql) }
      let result = try cli.asUser("wendy", ["team", "list"])
      #expect(result.status == 65, "\(sql): \(result.stderr)")
      #expect(result.stderr.contains(named) && result.stderr.contains("signed directory"), "\(result.stderr)")
    }
  }
}
