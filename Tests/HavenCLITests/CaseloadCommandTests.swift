import Foundation
import GRDB
import Testing

@testable import HavenVault

@Suite("haven caseload / today through the real binary")
struct CaseloadCommandTests {
  @Test("what is due, most urgent first; service targets change it; --json, --all, the shell; bad input")
  func caseload() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let waiting = try fixture.addSurvivor("Testperson Waiting")
    let referred = CalendarDate.today().adding(days: -20).description
    let add = try cli.asUser(
      "wendy",
      [
        "referral", "add", waiting, "--date", referred, "--referrer-type", "gp", "--pathway", "post-cse", "--service",
        "trauma-service",
      ])
    #expect(add.status == 0, "\(add.stderr)")
    let quiet = try fixture.addSurvivor("Testperson Quiet")
    #expect(try cli.asUser("wendy", ["contact", "set", quiet, "--voicemail", "no", "--text", "yes"]).status == 0)

    let today = try cli.asUser("wendy", ["today"])
    #expect(today.status == 0, "\(today.stderr)")
    #expect(today.stdout.contains("2 open cases; 1 with something due"))
    #expect(today.stdout.contains(waiting) && today.stdout.contains("Testperson Waiting"))
    #expect(today.stdout.contains("triage overdue by 13 days [referral 1 to trauma-service]"))
    #expect(!today.stdout.contains(quiet))

    let all = try cli.asUser("wendy", ["caseload", "--all", "--json"])
    let object = try #require(try cli.json(all) as? [String: Any])
    let cases = try #require(object["cases"] as? [[String: Any]])
    #expect(cases.map { $0["ref"] as? String } == [waiting, quiet])
    let contact = try #require(cases.last?["safeContact"] as? [String: Any])
    #expect(contact["never"] as? [String] == ["voicemail"] && contact["safe"] as? [String] == ["text"])
    #expect((cases.first?["due"] as? [[String: Any]])?.first?["kind"] as? String == "triage-overdue")

    #expect(try cli.asUser("wendy", ["service", "targets", "trauma-service", "--triage-days", "30"]).status == 77)
    #expect(try cli.asAdmin(["service", "targets", "trauma-service", "--triage-days", "30"]).status == 0)
    #expect(try cli.asAdmin(["service", "list"]).stdout.contains("30 days"))
    #expect(try cli.asUser("wendy", ["today"]).stdout.contains("Nothing is due."))

    let shell = try cli.run(
      ["shell", "--user", "wendy", "--passphrase-file", cli.workerFile], standardInput: "today --all\nexit\n")
    #expect(shell.status == 0, "\(shell.stderr)")
    #expect(shell.stdout.contains("Testperson Quiet"))

    let cases64: [([String], String)] = [
      (["caseload", "--limit=-1"], "--limit must be 0"),
      (["caseload", "--consent-within", "999"], "consent review window must be 0 to 366 days"),
    ]
    for (arguments, message) in cases64 {
      let result = try cli.asUser("wendy", arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(result.stderr)")
    }
    #expect(try cli.asUser("wendy", ["caseload", "--team", "stovewood"]).status == 77)

    // An altered caseload bucket: refused as damage with a way out; --rebuild recovers.
    try DatabaseQueue(path: cli.vault + "/vault.sqlite").write { db in
      try db.execute(sql: "UPDATE caseload_buckets SET facts = substr(facts, 1, 30) || x'00' || substr(facts, 32)")
    }
    let damaged = try cli.asUser("wendy", ["today"])
    #expect(damaged.status == 65)
    #expect(damaged.stderr.contains("failed authentication") && damaged.stderr.contains("haven caseload --rebuild"))
    let rebuilt = try cli.asUser("wendy", ["today", "--rebuild", "--all"])
    #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
    #expect(rebuilt.stdout.contains("Testperson Quiet"))
    #expect(try cli.asAdmin(["service", "targets", "trauma-service", "--triage-days", "0"]).status == 64)
    #expect(try cli.asAdmin(["service", "targets", "nowhere", "--triage-days", "5"]).status == 64)
  }
}
