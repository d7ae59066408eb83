import Foundation
import GRDB
import Testing

/// Every role against every command: the allowed cells work, the refused ones exit 77 and leave
/// a `denied` entry in the audit log. The cryptographic side (a user's own keys cannot open what
/// their role should not reach, whatever code they run) is in `KeyHierarchyTests` and
/// `CaseRecordTests`.
@Suite("Access matrix: roles x commands")
struct AccessMatrixTests {
  enum Cell { case allowed, refused }

  /// ada: admin, no team; wendy: worker of trauma-service (which holds the survivor); sam: worker
  /// of stovewood; audrey: auditor; rita: reporting.
  static let roles = ["ada", "wendy", "sam", "audrey", "rita"]

  @Test("each allowed cell succeeds; each refused cell exits 77 and is audited as denied")
  func matrix() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    for (name, role) in [("audrey", "auditor"), ("rita", "reporting")] {
      try cli.asAdmin(["user", "add", name, "--role", role, "--new-passphrase-file", cli.workerFile])
    }
    try cli.asAdmin(["recovery", "deliver", "--recovery-key-file", cli.recoveryFile])
    let reference = try fixture.addSurvivor("Matrix Person")
    let keyring = cli.root.appendingPathComponent("keyring").path
    #expect(try cli.run(["keygen", "--out", cli.root.appendingPathComponent("r").path]).status == 0)
    let recipient = cli.root.appendingPathComponent("r.pub").path
    func out(_ role: String, _ name: String) -> String { cli.root.appendingPathComponent("\(role)-\(name)").path }

    // (command, arguments for a role, the roles allowed)
    let commands: [(String, (String) -> [String], Set<String>)] = [
      ("status", { _ in ["status"] }, Set(Self.roles)),
      ("user add", { ["user", "add", "u-\($0)", "--role", "worker", "--new-passphrase-file", cli.workerFile] }, ["ada"]),
      ("team add", { ["team", "add", "t-\($0)"] }, ["ada"]),
      ("service add", { ["service", "add", "s-\($0)"] }, ["ada"]),
      ("agency add", { ["agency", "add", "a-\($0)"] }, ["ada"]),
      ("config break-glass", { _ in ["config", "break-glass", "--roles", ""] }, ["ada"]),
      ("survivor add", { ["survivor", "add", "--team", "trauma-service", "--name", "Added By \($0)"] }, ["wendy"]),
      ("survivor show", { _ in ["survivor", "show", reference] }, ["wendy"]),
      ("survivor update", { _ in ["survivor", "update", reference, "--district", "Rotherham"] }, ["wendy"]),
      (
        "referral add",
        { _ in
          [
            "referral", "add", reference, "--date", "2024-05-01", "--referrer-type", "gp", "--pathway", "post-cse", "--service",
            "trauma-service",
          ]
        }, ["wendy"]
      ),
      (
        "session record",
        { _ in
          [
            "session", "record", reference, "--date", "2024-05-02", "--minutes", "30", "--kind", "phone", "--attendance",
            "attended",
          ]
        },
        ["wendy"]
      ),
      ("contact show", { _ in ["contact", "show", reference] }, ["wendy"]),
      ("consent show", { _ in ["consent", "show", reference] }, ["wendy"]),
      ("hold add", { _ in ["hold", "add", reference, "--reason", "matrix"] }, ["wendy"]),
      ("retention due", { _ in ["retention", "due"] }, ["ada"]),
      ("audit log", { _ in ["audit", "log"] }, ["ada", "audrey"]),
      ("audit report", { _ in ["audit", "report", "--since", "2000-01-01", "--until", "2100-01-01"] }, ["ada", "audrey"]),
      (
        "export report", { ["export", "report", "--year", "2024/25", "--recipient", recipient, "--out", out($0, "report")] },
        ["rita"]
      ),
      (
        "export records", { ["export", "records", "--year", "2024/25", "--recipient", recipient, "--out", out($0, "records")] },
        ["rita"]
      ),
      (
        "export subject-access", { ["export", "subject-access", reference, "--recipient", recipient, "--out", out($0, "sar")] },
        ["wendy"]
      ),
      ("backup", { ["backup", "--out", out($0, "backup"), "--keyring", keyring] }, ["ada"]),
      ("backup list", { _ in ["backup", "list"] }, ["ada"]),
      ("recovery deliver", { _ in ["recovery", "deliver", "--recovery-key-file", cli.recoveryFile] }, ["ada"]),
    ]
    let database = try DatabaseQueue(path: cli.vault + "/vault.sqlite")
    func denied() throws -> Int {
      try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_entries WHERE outcome = 'denied'") ?? 0 }
    }
    var cells = 0
    for (label, arguments, allowed) in commands {
      for role in Self.roles {
        let before = try denied()
        let result = role == "ada" ? try cli.asAdmin(arguments(role)) : try cli.asUser(role, arguments(role))
        cells += 1
        if allowed.contains(role) {
          #expect(result.status == 0, "\(label) as \(role): \(result.status) \(result.stderr)")
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
