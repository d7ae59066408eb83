import Foundation
import GRDB
import Testing

@Suite("haven consent, hold, retention and erase through the real binary")
struct ConsentCommandTests {
  @Test("consent record and show; bad input gets a clear message, its exit code, and changes nothing")
  func consent() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    #expect(try cli.asAdmin(["agency", "add", "south-yorkshire-police"]).status == 0)
    let ref = try fixture.addSurvivor("Testperson Consent")
    let record = ["consent", "record", ref, "--date", "2024-05-01", "--method", "written"]
    #expect(
      try cli.asUser("wendy", record + ["--purpose", "statistics", "--decision", "granted", "--expires", "2099-01-01"]).status
        == 0)
    #expect(try cli.asUser("wendy", record + ["--purpose", "share:south-yorkshire-police", "--decision", "granted"]).status == 0)
    let shown = try cli.asUser("wendy", ["consent", "show", ref])
    #expect(shown.stdout.contains("statistics: GIVEN since 2024-05-01 (review by 2099-01-01)"))
    #expect(shown.stdout.contains("share:south-yorkshire-police: GIVEN"))
    #expect(shown.stdout.contains("evaluation: NOT ASKED"))
    #expect(shown.stdout.contains("2024-05-01 statistics granted (written) by wendy, expires 2099-01-01"))

    let count = {
      try DatabaseQueue(path: cli.vault + "/vault.sqlite").read { db in
        try Int.fetchOne(db, sql: "SELECT count(*) FROM consent_events")
      }
    }
    let before = try count()
    let cases: [([String], Int32, String)] = [
      (record + ["--purpose", "marketing", "--decision", "granted"], 64, "unknown consent purpose 'marketing'"),
      (record + ["--purpose", "share:nobody", "--decision", "granted"], 64, "no partner agency named 'nobody'"),
      (
        record + ["--purpose", "evaluation", "--decision", "withdrawn"], 64,
        "there is no consent to withdraw: evaluation is not asked"
      ),
      (
        [
          "consent", "record", ref, "--date", "2199-01-01", "--method", "written", "--purpose", "support", "--decision",
          "granted",
        ], 64, "is in the future"
      ),
    ]
    for (arguments, code, message) in cases {
      let result = try cli.asUser("wendy", arguments)
      #expect(result.status == code, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(result.stderr)")
    }
    #expect(try count() == before)
    #expect(try cli.asUser("sam", ["consent", "show", ref]).status == 77)
  }

  @Test(
    "erasure: refused to a worker (77) and under a hold naming it (77); then done, leaving a tombstone",
    arguments: TestStore.allCases)
  func erase(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    try cli.asAdmin(["team", "add-member", "trauma-service", "ada"])
    try cli.asUser("wendy", ["status"])
    let ref = try fixture.addSurvivor("Testperson Erasable")
    let byWorker = try cli.asUser("wendy", ["survivor", "erase", ref, "--reason", "asked"])
    #expect(byWorker.status == 77)
    let hold = try cli.asUser("wendy", ["hold", "add", ref, "--reason", "Operation example"]).stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    let held = try cli.asAdmin(["survivor", "erase", ref, "--reason", "asked"])
    #expect(held.status == 77)
    #expect(held.stderr.contains("under legal hold #\(hold)"))
    #expect(try cli.asAdmin(["hold", "list"]).stdout.contains("Operation example"))
    #expect(try cli.asUser("wendy", ["hold", "lift", hold]).status == 77)
    #expect(try cli.asAdmin(["hold", "lift", hold]).status == 0)
    #expect(try cli.asAdmin(["survivor", "erase", ref, "--reason", "erasure request"]).status == 0)
    #expect(try cli.asUser("wendy", ["survivor", "show", ref]).status == 77)
    #expect(try cli.asAdmin(["retention", "due"]).stdout.contains("Nothing has passed"))
    let purge = try cli.asAdmin(["retention", "purge"])
    #expect(purge.status == 0)
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }
}
