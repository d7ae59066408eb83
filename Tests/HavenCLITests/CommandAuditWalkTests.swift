import Foundation
import GRDB
import Testing

/// Walks every `haven` command that touches the vault and checks that each one, allowed or
/// refused, appended at least one audit entry (and that the log still verifies afterwards). The
/// read-only `audit verify`, `audit checkpoint`, `audit prove` and `export signers` are the
/// documented exceptions: they read only public data and never write, so they cannot change the
/// evidence; `export open`, `keygen`, `backup verify` and `restore` work without the live vault.
@Suite("Every command is audited")
struct CommandAuditWalkTests {
  @Test("each command, allowed or refused, adds audit entries")
  func walk() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let database = try DatabaseQueue(path: cli.vault + "/vault.sqlite")
    func count() throws -> Int {
      try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries") ?? 0 }
    }
    let notes = cli.root.appendingPathComponent("notes.txt").path
    try "walk note\n".write(toFile: notes, atomically: true, encoding: .utf8)
    let newPassphrase = cli.root.appendingPathComponent("new.pw").path
    try CLIFixture.writePrivate("Walk-New-Passphrase-1\n", to: newPassphrase)
    let csv = cli.root.appendingPathComponent("walk.csv").path
    try "team,name\ntrauma-service,Testperson Imported\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let ref = try fixture.addSurvivor("Testperson Walk")
    let recipient = cli.root.appendingPathComponent("recipient").path
    #expect(try cli.run(["keygen", "--out", recipient]).status == 0)
    let keyring = cli.root.appendingPathComponent("keyring").path
    func output(_ name: String) -> String { cli.root.appendingPathComponent(name).path }
    try cli.asAdmin(["team", "add-member", "stovewood", "wendy"])
    try cli.asUser("sam", ["status"])

    var steps: [(String, [String], String)] = [
      ("ada", ["status"], "status"),
      ("ada", ["user", "add", "tess", "--role", "worker", "--new-passphrase-file", cli.workerFile], "user add"),
      ("ada", ["user", "list"], "user list"),
      ("tess", ["user", "passwd", "--new-passphrase-file", newPassphrase], "user passwd"),
      ("ada", ["user", "reset", "tess", "--new-passphrase-file", cli.workerFile], "user reset"),
      ("ada", ["team", "add", "outreach"], "team add"),
      ("ada", ["team", "list"], "team list"),
      ("ada", ["team", "add-member", "outreach", "tess"], "team add-member"),
      ("ada", ["team", "remove-member", "outreach", "tess"], "team remove-member"),
      ("ada", ["service", "add", "isva-service"], "service add"),
      ("ada", ["service", "list"], "service list"),
      ("ada", ["config", "break-glass", "--roles", ""], "config break-glass"),
      ("ada", ["config", "show"], "config show"),
      ("ada", ["user", "add", "rita", "--role", "reporting", "--new-passphrase-file", cli.workerFile], "user add (reporting)"),
      ("ada", ["recovery", "deliver", "--recovery-key-file", cli.recoveryFile], "recovery deliver"),
      ("wendy", ["survivor", "add", "--team", "trauma-service", "--name", "Testperson Two"], "survivor add"),
      ("wendy", ["survivor", "show", ref], "survivor show"),
      ("wendy", ["survivor", "find", "--name", "Testperson Walk"], "survivor find"),
      ("wendy", ["survivor", "find", "--name", "Nobody At All"], "survivor find (no match)"),
      ("wendy", ["survivor", "update", ref, "--district", "Rotherham"], "survivor update"),
      ("wendy", ["survivor", "list"], "survivor list"),
      (
        "wendy",
        [
          "referral", "add", ref, "--date", "2024-01-01", "--referrer-type", "gp", "--pathway", "post-cse", "--service",
          "trauma-service",
        ], "referral add"
      ),
      ("wendy", ["referral", "status", "1", "--to", "triaged", "--date", "2024-01-02"], "referral status"),
      ("wendy", ["referral", "list", ref], "referral list"),
      (
        "wendy",
        [
          "session", "record", ref, "--date", "2024-01-03", "--minutes", "30", "--kind", "phone", "--attendance", "attended",
          "--notes-file", notes,
        ], "session record"
      ),
      ("wendy", ["session", "list", ref], "session list"),
      (
        "wendy",
        [
          "outcome", "record", ref, "--stage", "start", "--date", "2024-01-03", "--wellbeing", "3", "--self", "3", "--trauma",
          "3", "--relationships", "3",
        ], "outcome record"
      ),
      ("wendy", ["outcome", "show", ref], "outcome show"),
      ("wendy", ["contact", "set", ref, "--text", "yes"], "contact set"),
      ("wendy", ["contact", "show", ref], "contact show"),
      ("wendy", ["related", "add", ref, "--relationship", "carer", "--name", "Carer Example"], "related add"),
      ("wendy", ["related", "list", ref], "related list"),
      ("wendy", ["import", csv, "--kind", "survivors"], "import"),
      ("wendy", ["survivor", "move", ref, "--to", "stovewood"], "survivor move"),
      ("ada", ["agency", "add", "partner-agency"], "agency add"),
      ("ada", ["agency", "list"], "agency list"),
      (
        "wendy",
        [
          "consent", "record", ref, "--purpose", "statistics", "--decision", "granted", "--date", "2024-01-01", "--method",
          "written",
        ], "consent record"
      ),
      ("wendy", ["consent", "show", ref], "consent show"),
      ("wendy", ["consent", "due"], "consent due"),
      ("wendy", ["hold", "add", ref, "--reason", "walk"], "hold add"),
      ("ada", ["hold", "list"], "hold list"),
      ("ada", ["hold", "lift", "1"], "hold lift"),
      ("ada", ["retention", "set", "--years", "75"], "retention set"),
      ("ada", ["retention", "due"], "retention due"),
      ("ada", ["retention", "purge", "--yes"], "retention purge (nothing due)"),
      (
        "rita", ["export", "report", "--year", "2023/24", "--recipient", recipient + ".pub", "--out", output("r.hvx")],
        "export report"
      ),
      (
        "rita", ["export", "records", "--year", "2023/24", "--recipient", recipient + ".pub", "--out", output("p.hvx")],
        "export records"
      ),
      (
        "wendy", ["export", "subject-access", ref, "--recipient", recipient + ".pub", "--out", output("s.hvx")],
        "export subject-access"
      ),
      (
        "wendy",
        ["export", "share", ref, "--agency", "partner-agency", "--recipient", recipient + ".pub", "--out", output("x.hvx")],
        "refused: export share without consent"
      ),
      (
        "wendy", ["export", "report", "--year", "2023/24", "--recipient", recipient + ".pub", "--out", output("w.hvx")],
        "refused: export report by a worker"
      ),
      ("ada", ["backup", "--out", output("b.hvb"), "--keyring", keyring], "backup"),
      ("ada", ["backup", "list", "--keyring", keyring], "backup list"),
      ("ada", ["backup", "expire", "--older-than", "1y", "--keyring", keyring], "backup expire (none due)"),
      ("wendy", ["backup", "--out", output("w.hvb"), "--keyring", keyring], "refused: backup by a worker"),
      ("ada", ["audit", "log"], "audit log"),
      ("ada", ["audit", "report", "--since", "2000-01-01", "--until", "2100-01-01"], "audit report"),
      // Refusals are audited too.
      ("tess", ["survivor", "show", ref], "refused: survivor show outside the team"),
      ("tess", ["team", "add", "x"], "refused: team add by a worker"),
      ("tess", ["audit", "log"], "refused: audit log by a worker"),
      ("tess", ["survivor", "show", ref, "--break-glass", "curious"], "refused: break-glass without the role"),
      ("ada", ["user", "remove", "tess"], "user remove"),
      ("ada", ["team", "add-member", "stovewood", "ada"], "team add-member (admin)"),
      ("sam", ["status"], "status (a member's unlock delivers the key to ada)"),
      ("ada", ["survivor", "erase", ref, "--reason", "walk"], "survivor erase"),
    ]
    steps.append(("nobody", ["status"], "failed unlock (unknown user)"))
    for (user, arguments, label) in steps {
      let before = try count()
      let result = user == "ada" ? try cli.asAdmin(arguments) : try cli.asUser(user, arguments)
      if !label.hasPrefix("refused") && !label.hasPrefix("failed") {
        #expect(result.status == 0, "\(label): \(result.stderr)")
      }
      #expect(try count() > before, "\(label) wrote no audit entry")
    }
    // The wrong-passphrase path.
    let before = try count()
    #expect(try cli.run(["status", "--user", "ada", "--passphrase-file", cli.workerFile]).status == 77)
    #expect(try count() == before + 1)
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }
}
