import Foundation
import GRDB
import Testing

/// A partnership vault through the real binary: wendy works in trauma-service, sam in stovewood.
final class PartnershipFixture {
  let cli: CLIFixture

  init(store: TestStore = .sqlite) throws {
    cli = try CLIFixture(store: store)
    for (name, team) in [("wendy", "trauma-service"), ("sam", "stovewood")] {
      try cli.asAdmin(["user", "add", name, "--role", "worker", "--new-passphrase-file", cli.workerFile])
      try cli.asAdmin(["team", "add", team])
      try cli.asAdmin(["team", "add-member", team, name])
      try cli.asUser(name, ["status"])  // first member generates the team key
    }
    try cli.asAdmin(["service", "add", "trauma-service", "--description", "The trauma service"])
    for (district, code) in [
      ("Barnsley", "E08000016"), ("Doncaster", "E08000017"), ("Rotherham", "E08000018"), ("Sheffield", "E08000019"),
      ("Leeds", "E08000035"),
    ] { try cli.asAdmin(["district", "add", district, "--code", code]) }
  }

  func addSurvivor(
    _ name: String, as worker: String = "wendy", team: String = "trauma-service", extra: [String] = []
  ) throws -> String {
    let result = try cli.asUser(worker, ["survivor", "add", "--team", team, "--name", name, "--json"] + extra)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    return try #require(object?["ref"] as? String)
  }
}

@Suite("haven: case records through the real binary")
struct CaseCommandTests {
  @Test(
    "a survivor, referral, session, outcome, contact and related person round-trip through the CLI", arguments: TestStore.allCases
  )
  func roundTrip(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    let notes = cli.root.appendingPathComponent("notes.txt").path
    try "Canary note from a file\n".write(toFile: notes, atomically: true, encoding: .utf8)
    let ref = try fixture.addSurvivor(
      "Testperson Alpha",
      extra: [
        "--dob", "2006-03-14", "--gender", "female", "--cohort", "victim-survivor", "--nhs-number", "9434765919", "--notes-file",
        notes,
      ])
    #expect(ref.hasPrefix("HV-"))
    #expect(try cli.asUser("wendy", ["contact", "set", ref, "--voicemail", "no", "--text", "yes"]).status == 0)
    #expect(try cli.asUser("wendy", ["related", "add", ref, "--relationship", "parent", "--name", "Parent Example"]).status == 0)
    let referral = try cli.asUser(
      "wendy",
      [
        "referral", "add", ref, "--date", "2024-05-01", "--referrer-type", "police", "--pathway", "stovewood", "--service",
        "trauma-service",
      ])
    #expect(referral.status == 0)
    let referralID = referral.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try cli.asUser("wendy", ["referral", "status", referralID, "--to", "triaged", "--date", "2024-05-02"]).status == 0)
    let skipped = try cli.asUser("wendy", ["referral", "status", referralID, "--to", "engaged", "--date", "2024-05-03"])
    #expect(skipped.status == 64)
    #expect(
      try cli.asUser(
        "wendy",
        ["session", "record", ref, "--date", "2024-05-20", "--minutes", "50", "--kind", "one-to-one", "--attendance", "attended"]
      )
      .status == 0)
    #expect(
      try cli.asUser(
        "wendy",
        [
          "outcome", "record", ref, "--stage", "start", "--date", "2024-05-20", "--wellbeing", "3", "--self", "4", "--trauma",
          "2", "--relationships", "5",
        ]
      ).status == 0)
    #expect(
      try cli.asUser(
        "wendy",
        [
          "outcome", "record", ref, "--stage", "start", "--date", "2024-05-20", "--wellbeing", "11", "--self", "4", "--trauma",
          "2", "--relationships", "5",
        ]
      ).status == 64)

    let shown = try cli.asUser("wendy", ["survivor", "show", ref, "--json"])
    let file = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
    #expect(file["name"] as? String == "Testperson Alpha")
    #expect(file["notes"] as? String == "Canary note from a file")
    #expect((file["safeContact"] as? [String: Any])?["methods"] as? [String: Bool] == ["voicemail": false, "text": true])
    #expect((file["referrals"] as? [[String: Any]])?.first?["status"] as? String == "triaged")
    #expect((file["sessions"] as? [[String: Any]])?.count == 1)
    #expect((file["outcomes"] as? [[String: Any]])?.count == 1)
    #expect((file["relatedPeople"] as? [[String: Any]])?.first?["name"] as? String == "Parent Example")

    let text = try cli.asUser("wendy", ["survivor", "show", ref])
    #expect(text.stdout.hasPrefix("!! SAFE CONTACT"))
    for command in [
      ["survivor", "find", "--name", "testperson alpha"], ["survivor", "find", "--dob", "2006-03-14"],
      ["survivor", "find", "--ref", ref],
    ] {
      let found = try cli.asUser("wendy", command + ["--json"])
      #expect(
        (try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [[String: Any]])?.first?["ref"] as? String == ref)
    }
  }

  @Test("another team's worker can neither read, find nor list a survivor: 77 and audited")
  func scoping() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let ref = try fixture.addSurvivor("Testperson Beta")
    let shown = try cli.asUser("sam", ["survivor", "show", ref])
    #expect(shown.status == 77)
    #expect(shown.stderr.contains("not in your teams"))
    let probe = try cli.asUser("sam", ["survivor", "find", "--name", "Testperson Beta", "--json"])
    #expect((try JSONSerialization.jsonObject(with: Data(probe.stdout.utf8)) as? [Any])?.isEmpty == true)
    #expect(try cli.asUser("sam", ["survivor", "list", "--team", "trauma-service"]).status == 77)
    #expect(
      try cli.asUser(
        "sam",
        [
          "referral", "add", ref, "--date", "2024-01-01", "--referrer-type", "gp", "--pathway", "post-cse", "--service",
          "trauma-service",
        ]
      ).status == 77)
    #expect(try cli.asAdmin(["survivor", "show", ref]).status == 77)
    let denied = try DatabaseQueue(path: cli.vault + "/vault.sqlite").read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries WHERE outcome = 'denied'")
    }
    #expect(denied == 4)
  }

  @Test("an altered byte and a swapped ciphertext are detected: exit 65 naming record and field")
  func tamper() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let first = try fixture.addSurvivor("Testperson Gamma", extra: ["--phone", "07700 900111"])
    let second = try fixture.addSurvivor("Testperson Delta", extra: ["--phone", "07700 900222"])
    let database = try DatabaseQueue(path: cli.vault + "/vault.sqlite")
    let phone = try #require(try database.read { db in try Data.fetchOne(db, sql: "SELECT phone FROM survivors WHERE id = 1") })
    var altered = phone
    altered[30] ^= 0x20
    try database.write { db in try db.execute(sql: "UPDATE survivors SET phone = ? WHERE id = 1", arguments: [altered]) }
    let result = try cli.asUser("wendy", ["survivor", "show", first])
    #expect(result.status == 65)
    #expect(
      result.stderr.contains("survivor 1 field phone failed authentication: the file was altered or the wrong key was used"))
    try database.write { db in
      try db.execute(sql: "UPDATE survivors SET phone = ? WHERE id = 1", arguments: [phone])
      try db.execute(sql: "UPDATE survivors SET phone = ? WHERE id = 2", arguments: [phone])
    }
    #expect(try cli.asUser("wendy", ["survivor", "show", first]).status == 0)
    let swapped = try cli.asUser("wendy", ["survivor", "show", second])
    #expect(swapped.status == 65)
    #expect(swapped.stderr.contains("survivor 2 field phone failed authentication"))
    #expect(!swapped.stderr.contains("07700"))
    // Swapped between two fields of one record: survivor 1's phone into its email column.
    try database.write { db in
      try db.execute(
        sql: "UPDATE survivors SET phone = ? WHERE id = 2",
        arguments: [try Data.fetchOne(db, sql: "SELECT phone FROM survivors WHERE id = 1")])
      try db.execute(sql: "UPDATE survivors SET email = phone WHERE id = 1")
    }
    let crossField = try cli.asUser("wendy", ["survivor", "show", first])
    #expect(crossField.status == 65)
    #expect(crossField.stderr.contains("survivor 1 field email failed authentication"))
  }
}
