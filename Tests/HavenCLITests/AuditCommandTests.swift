import Foundation
import GRDB
import Testing

@Suite("haven audit: verification, witnesses, the auditor's tools and break-glass")
struct AuditCommandTests {
  func entries(_ cli: CLIFixture) throws -> Int {
    try DatabaseQueue(path: cli.vault + "/vault.sqlite").read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries") ?? 0
    }
  }

  @Test("verify: 0 when intact (saying 'unwitnessed'), 65 when edited, 65 against a witness it no longer extends")
  func verify() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    _ = try fixture.addSurvivor("Testperson Audit")
    let intact = try cli.run(["audit", "verify"])
    #expect(intact.status == 0)
    #expect(intact.stdout.contains("intact since its own checkpoints, unwitnessed"))
    let witness = cli.root.appendingPathComponent("witness.txt").path
    #expect(try cli.run(["audit", "checkpoint", "--out", witness]).status == 0)
    #expect(try cli.run(["audit", "checkpoint", "--out", witness]).status == 73)
    _ = try fixture.addSurvivor("Testperson Later")
    let witnessed = try cli.run(["audit", "verify", "--witness", witness, "--json"])
    #expect(witnessed.status == 0)
    #expect(
      (try JSONSerialization.jsonObject(with: Data(witnessed.stdout.utf8)) as? [String: Any])?["witnessed"] as? Bool == true)
    let proof = try cli.run(["audit", "prove", "3", "--json"])
    #expect(proof.status == 0)
    #expect((try JSONSerialization.jsonObject(with: Data(proof.stdout.utf8)) as? [String: Any])?["leafIndex"] as? Int == 2)

    try DatabaseQueue(path: cli.vault + "/vault.sqlite").write { db in
      try db.execute(sql: "UPDATE audit_entries SET detail = 'edited by hand' WHERE seq = 2")
    }
    let edited = try cli.run(["audit", "verify"])
    #expect(edited.status == 65)
    #expect(edited.stdout.contains("TAMPERED: entry 2 was altered"))
  }

  @Test("bad input: no vault, a non-vault file, a witness from another vault, a corrupt witness")
  func badInput() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    #expect(try HavenProcess.run(["audit", "verify", "--vault", cli.root.path + "/nowhere"]).status == 66)
    let fake = cli.root.appendingPathComponent("fake")
    try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
    try Data("not sqlite".utf8).write(to: fake.appendingPathComponent("vault.sqlite"))
    #expect(try HavenProcess.run(["audit", "verify", "--vault", fake.path]).status == 65)
    let other = try CLIFixture()
    let foreign = cli.root.appendingPathComponent("foreign.txt").path
    #expect(try other.run(["audit", "checkpoint", "--out", foreign]).status == 0)
    let result = try cli.run(["audit", "verify", "--witness", foreign])
    #expect(result.status == 65)
    #expect(result.stdout.contains("is from another vault"))
    let corrupt = cli.root.appendingPathComponent("corrupt.txt").path
    try "haven/00\nnot a number\n".write(toFile: corrupt, atomically: true, encoding: .utf8)
    #expect(try cli.run(["audit", "verify", "--witness", corrupt]).status == 65)
    #expect(try cli.run(["audit", "verify", "--witness", cli.root.path + "/absent.txt"]).status == 66)
  }

  @Test(
    "auditors read and filter the log and its report; workers cannot; reasons are shown decrypted", arguments: TestStore.allCases)
  func auditorTools(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    try cli.asAdmin(["user", "add", "audrey", "--role", "auditor", "--new-passphrase-file", cli.workerFile])
    let ref = try fixture.addSurvivor("Testperson Watched")
    #expect(try cli.asUser("wendy", ["survivor", "show", ref, "--access-reason", "court date check"]).status == 0)
    #expect(try cli.asUser("sam", ["survivor", "show", ref]).status == 77)
    let bySurvivor = try cli.asUser("audrey", ["audit", "log", "--survivor", ref, "--json"])
    let lines = try #require(try JSONSerialization.jsonObject(with: Data(bySurvivor.stdout.utf8)) as? [[String: Any]])
    #expect(lines.map { $0["action"] as? String }.contains("survivor.read"))
    #expect(lines.contains { $0["reason"] as? String == "court date check" })
    #expect(lines.contains { $0["outcome"] as? String == "denied" && $0["user"] as? String == "sam" })
    #expect(!bySurvivor.stdout.contains("Testperson"))
    let refused =
      try JSONSerialization.jsonObject(with: Data(try cli.asUser("audrey", ["audit", "log", "--refused", "--json"]).stdout.utf8))
      as? [[String: Any]]
    #expect(refused?.allSatisfy { ["denied", "failed"].contains($0["outcome"] as? String) } == true)
    let byWendy =
      try JSONSerialization.jsonObject(
        with: Data(try cli.asUser("audrey", ["audit", "log", "--by", "wendy", "--action", "survivor.", "--json"]).stdout.utf8))
      as? [[String: Any]]
    #expect(byWendy?.isEmpty == false)
    #expect(
      byWendy?.allSatisfy { $0["user"] as? String == "wendy" && ($0["action"] as? String)?.hasPrefix("survivor.") == true }
        == true)
    let report = try cli.asUser("audrey", ["audit", "report", "--since", "2000-01-01", "--until", "2100-12-31"])
    #expect(report.status == 0)
    #expect(report.stdout.contains("sam: 1 refused attempt(s)"))
    #expect(try cli.asUser("wendy", ["audit", "log"]).status == 77)
  }

  @Test("break-glass: refused unless the role is configured and a reason given; then read-only and flagged")
  func breakGlass() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    try cli.asAdmin(["user", "add", "audrey", "--role", "auditor", "--new-passphrase-file", cli.workerFile])
    let ref = try fixture.addSurvivor("Testperson Emergency")
    #expect(try cli.asUser("sam", ["survivor", "show", ref, "--break-glass", "police welfare check"]).status == 77)
    #expect(try cli.asAdmin(["config", "break-glass", "--roles", "worker"]).status == 0)
    try cli.asUser("wendy", ["status"])  // a trauma-service member delivers its key to sam
    #expect(try cli.asUser("sam", ["survivor", "show", ref]).status == 77)
    #expect(try cli.asUser("sam", ["survivor", "show", ref, "--break-glass", " "]).status == 64)
    let opened = try cli.asUser("sam", ["survivor", "show", ref, "--break-glass", "police welfare check", "--json"])
    #expect(opened.status == 0)
    #expect(
      (try JSONSerialization.jsonObject(with: Data(opened.stdout.utf8)) as? [String: Any])?["name"] as? String
        == "Testperson Emergency")
    let flagged =
      try JSONSerialization.jsonObject(
        with: Data(try cli.asUser("audrey", ["audit", "log", "--break-glass", "--json"]).stdout.utf8)) as? [[String: Any]]
    #expect(flagged?.contains { $0["user"] as? String == "sam" && $0["reason"] as? String == "police welfare check" } == true)
    #expect(
      try cli.asUser("audrey", ["audit", "report", "--since", "2000-01-01", "--until", "2100-12-31"]).stdout.contains(
        "sam: 1 break-glass access(es)"))
    #expect(try cli.asAdmin(["config", "break-glass", "--roles", "auditor"]).status == 64)
  }

  /// Operations per process: 12 in `make test`, 500 with `HAVEN_SOAK=1`.
  static var perWriter: Int { ProcessInfo.processInfo.environment["HAVEN_SOAK"] == "1" ? 500 : 12 }

  @Test("4 processes of mixed operations at once: all succeed or are told to retry, counts match, one consistent log")
  func concurrentWriters() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let writers = 4
    let perWriter = Self.perWriter
    let results = Statuses()
    let (vault, workerFile) = (cli.vault, cli.workerFile)
    DispatchQueue.concurrentPerform(iterations: writers) { writer in
      var reference = ""
      for index in 0..<perWriter {
        let operation: [String]
        switch index % 4 {
        case 0: operation = ["survivor", "add", "--team", "trauma-service", "--name", "Testperson W\(writer)-\(index)"]
        case 1:
          operation = [
            "session", "record", reference, "--date", "2024-06-01", "--minutes", "30", "--kind", "phone", "--attendance",
            "attended",
          ]
        case 2:
          operation = [
            "consent", "record", reference, "--purpose", "statistics", "--decision", "granted", "--date", "2024-06-01",
            "--method", "verbal",
          ]
        default: operation = ["survivor", "show", reference]
        }
        let result = try? HavenProcess.run(
          operation + ["--user", "wendy", "--passphrase-file", workerFile], environment: ["HAVEN_VAULT": vault])
        if index % 4 == 0, result?.status == 0 { reference = result!.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        results.append(result?.status ?? -1, kind: index % 4)
      }
    }
    let statuses = results.all
    #expect(statuses.count == writers * perWriter)
    #expect(statuses.allSatisfy { $0.status == 0 || $0.status == 75 }, "\(statuses.filter { $0.status != 0 })")
    func succeeded(_ kind: Int) -> Int { statuses.filter { $0.kind == kind && $0.status == 0 }.count }
    let verify = try cli.run(["audit", "verify"])
    #expect(verify.status == 0, "\(verify.stdout)")
    let database = try DatabaseQueue(path: cli.vault + "/vault.sqlite")
    let counts = try database.read { db in
      [
        "survivors": try Int.fetchOne(db, sql: "SELECT count(*) FROM survivors") ?? 0,
        "created": try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries WHERE action = 'survivor.create'") ?? 0,
        "sessions": try Int.fetchOne(db, sql: "SELECT count(*) FROM support_sessions") ?? 0,
        "consents": try Int.fetchOne(db, sql: "SELECT count(*) FROM consent_events") ?? 0,
        "duplicate checkpoints": try Int.fetchOne(db, sql: "SELECT count(*) - count(DISTINCT tree_size) FROM audit_checkpoints")
          ?? -1,
      ]
    }
    #expect(counts["survivors"] == succeeded(0))
    #expect(counts["created"] == succeeded(0))
    #expect(counts["sessions"] == succeeded(1))
    #expect(counts["consents"] == succeeded(2))
    #expect(counts["duplicate checkpoints"] == 0)
    print(
      "concurrency: \(writers) processes x \(perWriter) operations, \(statuses.filter { $0.status == 0 }.count) succeeded, \(statuses.filter { $0.status == 75 }.count) told to retry"
    )
  }
}

/// Exit statuses collected from several threads.
final class Statuses: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [(status: Int32, kind: Int)] = []
  func append(_ status: Int32, kind: Int = 0) { lock.withLock { values.append((status, kind)) } }
  var all: [(status: Int32, kind: Int)] { lock.withLock { values } }
}
