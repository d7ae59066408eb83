import Foundation
import GRDB
import Testing

/// Every role against every command that acts as a user (54 commands): the allowed cells work,
/// the refused ones exit 77 and leave a `denied` entry in the audit log. The commands that act
/// without a user (`init`, `keygen`, `audit verify`/`checkpoint`/`prove`, `export open`/`signers`,
/// `backup verify`, `restore`) read only public data or files the caller already holds. The cryptographic side (a user's own keys cannot open what
/// their role should not reach, whatever code they run) is in `KeyHierarchyTests` and
/// `CaseRecordTests`.
@Suite("Access matrix: roles x commands")
struct AccessMatrixTests {
  enum Cell { case allowed, refused }

  /// ada: admin, no team; wendy: worker of trauma-service (which holds the survivor); sam: worker
  /// of stovewood; audrey: auditor; rita: reporting.
  static let roles = ["ada", "wendy", "sam", "audrey", "rita"]

  @Test("each allowed cell succeeds; each refused cell exits 77 and is audited as denied", arguments: TestStore.allCases)
  func matrix(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    for (name, role) in [("audrey", "auditor"), ("rita", "reporting")] {
      try cli.asAdmin(["user", "add", name, "--role", role, "--new-passphrase-file", cli.workerFile])
    }
    try cli.asAdmin(["recovery", "deliver", "--recovery-key-file", cli.recoveryFile])
    try cli.asAdmin(["agency", "add", "police"])
    let reference = try fixture.addSurvivor("Matrix Person")
    let keyring = cli.root.appendingPathComponent("keyring").path
    #expect(try cli.run(["keygen", "--out", cli.root.appendingPathComponent("r").path]).status == 0)
    let recipient = cli.root.appendingPathComponent("r.pub").path
    func out(_ role: String, _ name: String) -> String { cli.root.appendingPathComponent("\(role)-\(name)").path }

    // Fixtures some cells act on: a user per role to reset or remove, a team to change, a
    // survivor to move, an import file per role naming that role's own team (or the team it is
    // not in), a referral and a hold.
    for role in Self.roles {
      for prefix in ["reset", "remove", "member"] {
        try cli.asAdmin(["user", "add", "\(prefix)-\(role)", "--role", "worker", "--new-passphrase-file", cli.workerFile])
      }
    }
    try cli.asAdmin(["team", "add", "outreach"])
    try cli.asAdmin(["team", "add-member", "outreach", "wendy"])
    try cli.asUser("wendy", ["status"])
    let moving = try fixture.addSurvivor("Matrix Mover")
    for role in Self.roles {
      let team = role == "sam" ? "stovewood" : "trauma-service"
      try "team,name\n\(team),Imported By \(role)\n".write(toFile: out(role, "import.csv"), atomically: true, encoding: .utf8)
    }
    #expect(
      try cli.asUser(
        "wendy",
        [
          "referral", "add", reference, "--date", "2024-04-01", "--referrer-type", "gp", "--pathway", "post-cse", "--service",
          "trauma-service",
        ]
      ).status == 0)
    #expect(try cli.asUser("wendy", ["hold", "add", reference, "--reason", "matrix"]).status == 0)

    // (command, arguments for a role, exit status per role; a role not listed must be refused: 77)
    let everyone = Dictionary(uniqueKeysWithValues: Self.roles.map { ($0, Int32(0)) })
    let admin: [String: Int32] = ["ada": 0]
    let holder: [String: Int32] = ["wendy": 0]
    let workers: [String: Int32] = ["ada": 0, "wendy": 0, "sam": 0]
    let commands: [(String, (String) -> [String], [String: Int32])] = [
      ("status", { _ in ["status"] }, everyone),
      ("user add", { ["user", "add", "u-\($0)", "--role", "worker", "--new-passphrase-file", cli.workerFile] }, admin),
      // Staff names and roles, and the vault's settings, are not case content: everyone may see them.
      ("user list", { _ in ["user", "list"] }, everyone),
      ("user passwd", { ["user", "passwd", "--new-passphrase-file", $0 == "ada" ? cli.adminFile : cli.workerFile] }, everyone),
      ("user reset", { ["user", "reset", "reset-\($0)", "--new-passphrase-file", cli.workerFile] }, admin),
      ("user remove", { ["user", "remove", "remove-\($0)"] }, admin),
      ("team add", { ["team", "add", "t-\($0)"] }, admin),
      ("team list", { _ in ["team", "list"] }, everyone),
      ("team add-member", { ["team", "add-member", "outreach", "member-\($0)"] }, admin),
      ("team remove-member", { ["team", "remove-member", "outreach", "member-\($0)"] }, admin),
      ("service add", { ["service", "add", "s-\($0)"] }, admin),
      ("service list", { _ in ["service", "list"] }, everyone),
      ("agency add", { ["agency", "add", "a-\($0)"] }, admin),
      ("agency list", { _ in ["agency", "list"] }, everyone),
      ("config break-glass", { _ in ["config", "break-glass", "--roles", ""] }, admin),
      ("config show", { _ in ["config", "show"] }, everyone),
      ("survivor add", { ["survivor", "add", "--team", "trauma-service", "--name", "Added By \($0)"] }, holder),
      ("survivor show", { _ in ["survivor", "show", reference] }, holder),
      ("survivor find", { _ in ["survivor", "find", "--name", "Matrix Person"] }, workers),
      ("survivor list", { _ in ["survivor", "list"] }, workers),
      ("survivor update", { _ in ["survivor", "update", reference, "--district", "Rotherham"] }, holder),
      ("survivor move", { _ in ["survivor", "move", moving, "--to", "outreach"] }, holder),
      ("survivor erase", { _ in ["survivor", "erase", reference, "--reason", "matrix"] }, [:]),
      (
        "referral add",
        { _ in
          [
            "referral", "add", reference, "--date", "2024-05-01", "--referrer-type", "gp", "--pathway", "post-cse", "--service",
            "trauma-service",
          ]
        }, holder
      ),
      ("referral status", { _ in ["referral", "status", "1", "--to", "triaged", "--date", "2024-04-02"] }, holder),
      ("referral list", { _ in ["referral", "list", reference] }, holder),
      (
        "session record",
        { _ in
          [
            "session", "record", reference, "--date", "2024-05-02", "--minutes", "30", "--kind", "phone", "--attendance",
            "attended",
          ]
        },
        holder
      ),
      ("session list", { _ in ["session", "list", reference] }, holder),
      (
        "outcome record",
        { _ in
          [
            "outcome", "record", reference, "--stage", "start", "--date", "2024-05-02", "--wellbeing", "3", "--self", "3",
            "--trauma",
            "3", "--relationships", "3",
          ]
        }, holder
      ),
      ("outcome show", { _ in ["outcome", "show", reference] }, holder),
      ("contact set", { _ in ["contact", "set", reference, "--text", "yes"] }, holder),
      ("contact show", { _ in ["contact", "show", reference] }, holder),
      ("related add", { _ in ["related", "add", reference, "--relationship", "carer", "--name", "Matrix Carer"] }, holder),
      ("related list", { _ in ["related", "list", reference] }, holder),
      (
        "consent record",
        { _ in
          [
            "consent", "record", reference, "--purpose", "evaluation", "--decision", "granted", "--date", "2024-05-01",
            "--method",
            "written",
          ]
        }, holder
      ),
      ("consent show", { _ in ["consent", "show", reference] }, holder),
      ("consent due", { _ in ["consent", "due"] }, workers),
      ("hold add", { _ in ["hold", "add", reference, "--reason", "matrix"] }, holder),
      ("hold list", { _ in ["hold", "list"] }, ["ada": 0, "audrey": 0]),
      ("hold lift", { _ in ["hold", "lift", "1"] }, admin),
      ("retention set", { _ in ["retention", "set", "--years", "75"] }, admin),
      ("retention due", { _ in ["retention", "due"] }, admin),
      ("retention purge", { _ in ["retention", "purge", "--yes"] }, admin),
      // A worker imports into their own team; a row naming a team the user is not in is a
      // problem in the file (65), reported by row.
      ("import", { ["import", out($0, "import.csv"), "--kind", "survivors"] }, ["wendy": 0, "sam": 0, "ada": 65]),
      ("audit log", { _ in ["audit", "log"] }, ["ada": 0, "audrey": 0]),
      ("audit report", { _ in ["audit", "report", "--since", "2000-01-01", "--until", "2100-01-01"] }, ["ada": 0, "audrey": 0]),
      (
        "export report", { ["export", "report", "--year", "2024/25", "--recipient", recipient, "--out", out($0, "report")] },
        ["rita": 0]
      ),
      (
        "export records", { ["export", "records", "--year", "2024/25", "--recipient", recipient, "--out", out($0, "records")] },
        ["rita": 0]
      ),
      (
        "export subject-access", { ["export", "subject-access", reference, "--recipient", recipient, "--out", out($0, "sar")] },
        holder
      ),
      // No one may share without the survivor's consent to that agency: refused for every role.
      (
        "export share",
        { ["export", "share", reference, "--agency", "police", "--recipient", recipient, "--out", out($0, "share")] }, [:]
      ),
      ("backup", { ["backup", "--out", out($0, "backup"), "--keyring", keyring] }, admin),
      ("backup list", { _ in ["backup", "list"] }, admin),
      ("backup expire", { _ in ["backup", "expire", "--older-than", "1y", "--keyring", keyring] }, admin),
      ("recovery deliver", { _ in ["recovery", "deliver", "--recovery-key-file", cli.recoveryFile] }, admin),
    ]
    func denied() throws -> Int { try cli.count("SELECT count(*) FROM audit_entries WHERE outcome = 'denied'") }
    var cells = 0
    for (label, arguments, allowed) in commands {
      for role in Self.roles {
        let before = try denied()
        let result = role == "ada" ? try cli.asAdmin(arguments(role)) : try cli.asUser(role, arguments(role))
        cells += 1
        let expected = allowed[role] ?? 77
        if expected != 77 {
          #expect(result.status == expected, "\(label) as \(role): \(result.status) \(result.stderr)")
        } else {
          #expect(result.status == 77, "\(label) as \(role) should be refused: \(result.status) \(result.stderr)")
          #expect(try denied() > before, "\(label) as \(role): refused without a denied audit entry")
        }
      }
    }
    #expect(try cli.run(["audit", "verify"]).status == 0)
    print("access matrix: \(commands.count) commands x \(Self.roles.count) roles = \(cells) cells")
  }
}
