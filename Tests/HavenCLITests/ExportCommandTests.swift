import Foundation
import GRDB
import Testing

@Suite("haven export and keygen through the real binary")
struct ExportCommandTests {
  /// A partnership with a performance officer holding the statistics key, one survivor with
  /// statistics consent and one without, and a commissioner's key pair.
  static func setUp(store: TestStore = .sqlite) throws -> (PartnershipFixture, String) {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    try cli.asAdmin(["user", "add", "rita", "--role", "reporting", "--new-passphrase-file", cli.workerFile])
    #expect(try cli.asAdmin(["recovery", "deliver", "--recovery-key-file", cli.recoveryFile]).status == 0)
    try cli.asAdmin(["agency", "add", "police"])
    let consenting = try fixture.addSurvivor("Testperson Counted", extra: ["--gender", "female", "--district", "Rotherham"])
    _ = try fixture.addSurvivor("Testperson Uncounted")
    for reference in [consenting] {
      #expect(
        try cli.asUser(
          "wendy",
          [
            "referral", "add", reference, "--date", "2024-05-01", "--referrer-type", "police", "--pathway", "post-cse",
            "--service",
            "trauma-service",
          ]
        ).status == 0)
      #expect(
        try cli.asUser(
          "wendy",
          [
            "consent", "record", reference, "--purpose", "statistics", "--decision", "granted", "--date", "2024-05-01",
            "--method",
            "written",
          ]
        ).status == 0)
    }
    let keygen = try cli.run(["keygen", "--out", cli.root.appendingPathComponent("commissioner").path])
    #expect(keygen.status == 0, "\(keygen.stderr)")
    return (fixture, consenting)
  }

  @Test("report sealed to the commissioner, opened with trusted signers; a flipped byte is refused with 65")
  func reportRoundTrip() throws {
    let (fixture, _) = try Self.setUp()
    let cli = fixture.cli
    let path = { (name: String) in cli.root.appendingPathComponent(name).path }
    let made = try cli.asUser(
      "rita", ["export", "report", "--year", "2024/25", "--recipient", path("commissioner.pub"), "--out", path("report.hvx")])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stdout.contains("Received in the period (people: referred at least once): <5 referrals, <5 people"))
    #expect(made.stdout.contains("not asked 1"))
    #expect(try cli.run(["export", "signers", "--out", path("signers.txt")]).status == 0)
    let opened = try cli.run([
      "export", "open", path("report.hvx"), "--identity", path("commissioner.identity"), "--signers", path("signers.txt"),
      "--out",
      path("opened"),
    ])
    #expect(opened.status == 0, "\(opened.stderr)")
    #expect(opened.stdout.contains("verified: report"))
    #expect(!opened.stderr.contains("warning"))
    let csv = try String(contentsOfFile: path("opened/report.csv"), encoding: .utf8)
    #expect(csv.contains("Referrals and people,Received in the period (people: referred at least once),received,Referrals,<5"))
    #expect(!csv.contains("Testperson"))

    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("report.hvx"))))
    bytes[bytes.count / 2] ^= 0x04
    try Data(bytes).write(to: URL(fileURLWithPath: path("tampered.hvx")))
    let refused = try cli.run(["export", "open", path("tampered.hvx"), "--identity", path("commissioner.identity")])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("failed authentication"))

    let audit = try cli.asAdmin(["audit", "log", "--action", "export.", "--json"])
    #expect(audit.stdout.contains("export.report"))
    #expect(try cli.run(["audit", "verify"]).status == 0)

    // The report left each survivor's statistics key wrapped for the next one (format 11). An
    // altered wrap is refused as damage with the way out; --rewrap-keys takes it.
    try DatabaseQueue(path: cli.vault + "/vault.sqlite").write { db in
      try db.execute(sql: "UPDATE statistics_key_wraps SET wrapped = substr(wrapped, 1, 40) || x'00' || substr(wrapped, 42)")
    }
    let again = ["export", "report", "--year", "2024/25", "--recipient", path("commissioner.pub"), "--out", path("again.hvx")]
    let damaged = try cli.asUser("rita", again)
    #expect(damaged.status == 65)
    #expect(damaged.stderr.contains("statistics_key_wraps") && damaged.stderr.contains("--rewrap-keys"))
    let rewrapped = try cli.asUser("rita", again + ["--rewrap-keys"])
    #expect(rewrapped.status == 0, "\(rewrapped.stderr)")
    #expect(rewrapped.stdout.contains("Received in the period (people: referred at least once): <5 referrals, <5 people"))
  }

  @Test(
    "a released report: half a year or one service refused (77), a year once, changed figures only with --revise",
    arguments: TestStore.allCases)
  func releaseRules(store: TestStore) throws {
    let (fixture, reference) = try Self.setUp(store: store)
    let cli = fixture.cli
    let path = { (name: String) in cli.root.appendingPathComponent(name).path }
    let recipient = path("commissioner.pub")
    func report(_ name: String, _ options: [String]) throws -> HavenProcess.Result {
      try cli.asUser("rita", ["export", "report"] + options + ["--recipient", recipient, "--out", path(name)])
    }
    let half = try report("half.hvx", ["--from", "2024-04-01", "--to", "2024-09-30"])
    #expect(half.status == 77)
    #expect(half.stderr.contains("not one whole financial year") && half.stderr.contains("haven export internal-report"))
    #expect(try report("service.hvx", ["--year", "2024/25", "--service", "trauma-service"]).status == 77)
    #expect(!FileManager.default.fileExists(atPath: path("half.hvx")))

    #expect(try report("first.hvx", ["--year", "2024/25"]).status == 0)
    #expect(try report("again.hvx", ["--year", "2024/25"]).status == 0, "the same figures may be sent again")
    #expect(
      try cli.asUser(
        "wendy",
        [
          "referral", "add", reference, "--date", "2024-06-01", "--referrer-type", "gp", "--pathway", "post-cse", "--service",
          "trauma-service",
        ]
      ).status == 0)
    let changed = try report("changed.hvx", ["--year", "2024/25"])
    #expect(changed.status == 77)
    #expect(changed.stderr.contains("--revise"))
    let revised = try report("revised.hvx", ["--year", "2024/25", "--revise"])
    #expect(revised.status == 0, "\(revised.stderr)")
    #expect(revised.stdout.contains("Revision 1 of this period's report"))

    let refused = try cli.asAdmin(["audit", "log", "--action", "export.report", "--refused", "--json"])
    #expect(refused.stdout.contains("outside the release grid: 2024-04-01 to 2024-09-30"))
    #expect(refused.stdout.contains("outside the release grid: 2024-04-01 to 2025-03-31, service trauma-service"))
    #expect(refused.stdout.contains("already released: 2024-04-01 to 2025-03-31, figures changed since revision 0"))
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }

  @Test(
    "keygen never overwrites (73); a worker cannot make a report (77); a share without consent is refused (77)",
    arguments: TestStore.allCases)
  func refusals(store: TestStore) throws {
    let (fixture, reference) = try Self.setUp(store: store)
    let cli = fixture.cli
    let path = { (name: String) in cli.root.appendingPathComponent(name).path }
    #expect(try cli.run(["keygen", "--out", path("commissioner")]).status == 73)
    let worker = try cli.asUser(
      "wendy", ["export", "report", "--year", "2024/25", "--recipient", path("commissioner.pub"), "--out", path("w.hvx")])
    #expect(worker.status == 77)
    let share = try cli.asUser(
      "wendy",
      ["export", "share", reference, "--agency", "police", "--recipient", path("commissioner.pub"), "--out", path("share.hvx")])
    #expect(share.status == 77)
    #expect(share.stderr.contains("consent for share:police is not asked"))
    #expect(!FileManager.default.fileExists(atPath: path("share.hvx")))
    let missing = try cli.asUser("rita", ["export", "report", "--year", "2024/25", "--out", path("x.hvx")])
    #expect(missing.status == 64)
  }

  @Test(
    "subject access as an unsealed copy only with --plain, and a warning; the survivor's file is there, redacted",
    arguments: TestStore.allCases)
  func plainSubjectAccess(store: TestStore) throws {
    let (fixture, reference) = try Self.setUp(store: store)
    let cli = fixture.cli
    let directory = cli.root.appendingPathComponent("sar").path
    let result = try cli.asUser("wendy", ["export", "subject-access", reference, "--plain", directory])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("UNSEALED"))
    let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(files == ["manifest.json", "manifest.sig", "subject-access.html", "subject-access.json"])
    let html = try String(contentsOfFile: directory + "/subject-access.html", encoding: .utf8)
    #expect(html.contains("Testperson Counted"))
    #expect(html.contains("Who has accessed your record"))
  }
}
