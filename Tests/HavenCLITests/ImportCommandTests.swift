import Foundation
import GRDB
import Testing

@Suite("haven import: all or nothing, every problem named by row and column")
struct ImportCommandTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("docs/examples/import")

  func survivorCount(_ cli: CLIFixture) throws -> Int {
    try cli.count("SELECT count(*) FROM survivors")
  }

  func write(_ cli: CLIFixture, _ name: String, _ text: String) throws -> String {
    let path = cli.root.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("the documented example files import in order and link by external id", arguments: TestStore.allCases)
  func examples(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    for kind in ["survivors", "referrals", "sessions", "outcomes", "consents"] {
      let result = try cli.asUser(
        "wendy", ["import", Self.examples.appendingPathComponent("\(kind).csv").path, "--kind", kind, "--json"])
      #expect(result.status == 0, "\(kind): \(result.stderr)")
    }
    let found = try cli.asUser("wendy", ["survivor", "find", "--name", "Amby Example", "--json"])
    let ref = try #require(
      (try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [[String: Any]])?.first?["ref"] as? String)
    let file = try #require(
      try JSONSerialization.jsonObject(with: Data(try cli.asUser("wendy", ["survivor", "show", ref, "--json"]).stdout.utf8))
        as? [String: Any])
    #expect((file["referrals"] as? [[String: Any]])?.first?["status"] as? String == "closed")
    #expect((file["sessions"] as? [[String: Any]])?.count == 3)
    #expect((file["outcomes"] as? [[String: Any]])?.count == 2)
    #expect(try survivorCount(cli) == 3)
    let consent = try #require(
      try JSONSerialization.jsonObject(with: Data(try cli.asUser("wendy", ["consent", "show", ref, "--json"]).stdout.utf8))
        as? [String: Any])
    #expect((consent["history"] as? [[String: Any]])?.count ?? 0 >= 1)
  }

  @Test(
    "structural problems: missing file, empty file, unknown and missing columns, ragged rows, not UTF-8",
    arguments: TestStore.allCases)
  func structure(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    let missing = try cli.asUser("wendy", ["import", cli.root.path + "/absent.csv", "--kind", "survivors"])
    #expect(missing.status == 66)
    let cases: [(String, String, String)] = [
      ("empty.csv", "", "row 0, column -: the file is empty"),
      ("semicolons.csv", "team;name\ntrauma-service;Testperson Semi\n", "separated by ';', not commas"),
      ("tabs.csv", "team\tname\ntrauma-service\tTestperson Tab\n", "separated by tabs, not commas"),
      ("header-only.csv", "team,name\n", "no data rows"),
      ("unknown.csv", "team,name,nmae\ntrauma-service,A,B\n", "row 0, column nmae: unknown column"),
      ("missing.csv", "name\nTestperson\n", "row 0, column team: required column is missing"),
      (
        "ragged.csv", "team,name\ntrauma-service,Testperson One\ntrauma-service\n",
        "row 2, column -: has 1 fields, the header has 2"
      ),
    ]
    for (name, text, expected) in cases {
      let result = try cli.asUser("wendy", ["import", try write(cli, name, text), "--kind", "survivors"])
      #expect(result.status == 65, "\(name): \(result.stderr)")
      #expect(result.stderr.contains(expected), "\(name): \(result.stderr)")
      #expect(result.stderr.contains("nothing was written"), "\(name)")
    }
    let binary = cli.root.appendingPathComponent("latin1.csv").path
    #expect(
      FileManager.default.createFile(
        atPath: binary,
        contents: Data([0x74, 0x65, 0x61, 0x6d, 0x2c, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x2c, 0xe9, 0x0a])))
    let latin1 = try cli.asUser("wendy", ["import", binary, "--kind", "survivors"])
    #expect(latin1.status == 65)
    #expect(latin1.stderr.contains("not UTF-8 text") && latin1.stderr.contains("CSV UTF-8 (comma delimited)"))
    #expect(try survivorCount(cli) == 0)
  }

  @Test(
    "a spreadsheet's UTF-8 CSV with a byte-order mark and Windows line endings imports as it is", arguments: TestStore.allCases)
  func byteOrderMarkAndCRLF(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    let path = cli.root.appendingPathComponent("excel.csv").path
    let bytes = [UInt8]([0xEF, 0xBB, 0xBF]) + Array("team,name\r\ntrauma-service,Testperson Excel\r\n".utf8)
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    let result = try cli.asUser("wendy", ["import", path, "--kind", "survivors"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try survivorCount(cli) == 1)
    let found = try cli.asUser("wendy", ["survivor", "find", "--name", "Testperson Excel"])
    #expect(found.stdout.contains("HV-"))
  }

  @Test(
    "245 problems: every one counted by column and reason on the terminal, and all in --problems-out (0600, no values)",
    arguments: TestStore.allCases)
  func everyProblem(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    var rows = ["team,name,dob,gender"]
    for index in 0..<200 { rows.append("trauma-service,Testperson Many \(index),2001-02-30,female") }
    for index in 0..<45 { rows.append("trauma-service,Testperson Robot \(index),2001-01-01,robot-\(index)") }
    let file = try write(cli, "many.csv", rows.joined(separator: "\n") + "\n")
    let result = try cli.asUser("wendy", ["import", file, "--kind", "survivors"])
    #expect(result.status == 65)
    #expect(result.stderr.contains("was not imported: 245 problem(s) in 245 row(s); nothing was written"))
    #expect(result.stderr.contains("all 245 problems, by column and reason:"))
    #expect(result.stderr.contains("column dob: not a valid date (use YYYY-MM-DD): 200 row(s) (1, 2, 3, 4, 5, 6, 7, 8, ...)"))
    #expect(result.stderr.contains("column gender: must be one of"))
    #expect(result.stderr.contains("45 row(s) (201, 202"))
    #expect(result.stderr.contains("--problems-out FILE.csv"))
    #expect(!result.stderr.contains("... and"), "nothing is left out")

    let out = cli.root.appendingPathComponent("problems.csv").path
    let listed = try cli.asUser("wendy", ["import", file, "--kind", "survivors", "--problems-out", out])
    #expect(listed.status == 65)
    let csv = try String(contentsOfFile: out, encoding: .utf8)
    let lines = csv.split(separator: "\n")
    #expect(lines.count == 246)
    #expect(lines.first == "row,column,reason")
    #expect(lines.dropFirst().first?.hasPrefix("1,dob,") == true)
    #expect(!csv.contains("2001-02-30") && !csv.contains("robot-") && !csv.contains("Testperson"), "never a cell's value")
    let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try survivorCount(cli) == 0)
  }

  @Test(
    "survivors imported without consent: the import says they are not counted until consent is recorded; --help lists consents")
  func consentWarning() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let file = try write(cli, "two.csv", "team,name\ntrauma-service,Testperson One\ntrauma-service,Testperson Two\n")
    let result = try cli.asUser("wendy", ["import", file, "--kind", "survivors"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("the 2 new survivors have no consent recorded yet, so no report counts them"))
    let help = try cli.run(["import", "--help"])
    #expect(help.stdout.contains("consents"))
  }

  @Test(
    "cell problems are all reported, by row and column, without quoting the cell, and nothing is written",
    arguments: TestStore.allCases)
  func cells(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    let file = try write(
      cli, "bad-survivors.csv",
      """
      team,name,dob,gender,nhs_number,cohort,email
      trauma-service,Testperson Good,2001-01-01,female,,victim-survivor,
      trauma-service,,2001-02-30,robot,1234567890,villain,no-at-sign
      stovewood,Testperson Elsewhere,,,,,
      """)
    let result = try cli.asUser("wendy", ["import", file, "--kind", "survivors"])
    #expect(result.status == 65)
    for expected in [
      "row 2, column name: is required", "row 2, column dob: not a valid date", "row 2, column gender: must be one of",
      "row 2, column nhs_number: not a valid NHS number", "row 2, column cohort: must be one of",
      "row 2, column email: has no '@'",
    ] {
      #expect(result.stderr.contains(expected), "missing: \(expected)\n\(result.stderr)")
    }
    for value in ["2001-02-30", "robot", "1234567890", "villain", "no-at-sign"] { #expect(!result.stderr.contains(value)) }
    #expect(try survivorCount(cli) == 0)
    // Fix the cells; now the vault-side check fails: a team that is not wendy's.
    let teamOnly = try write(cli, "team.csv", "team,name\ntrauma-service,Testperson Good\nstovewood,Testperson Elsewhere\n")
    let refused = try cli.asUser("wendy", ["import", teamOnly, "--kind", "survivors"])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("row 2, column team: not one of your teams"))
    #expect(try survivorCount(cli) == 0)
  }

  @Test("related-record problems: unknown survivor, unknown service, steps out of order, bad ratings and sessions")
  func relatedRecords() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    #expect(
      try cli.asUser("wendy", ["import", Self.examples.appendingPathComponent("survivors.csv").path, "--kind", "survivors"])
        .status == 0)
    let referrals = try write(
      cli, "bad-referrals.csv",
      """
      survivor,referral_date,referrer_type,pathway,service,engaged_on,closed_on,closure_reason,allocation_reason
      SHEET-001,2024-01-01,police,stovewood,trauma-service,,2023-12-01,planned-ending,
      SHEET-404,2024-01-01,police,stovewood,trauma-service,,,,
      SHEET-002,2024-01-01,police,stovewood,nowhere,,,,
      SHEET-003,2024-01-01,police,stovewood,trauma-service,,2024-02-01,,
      SHEET-003,2024-01-01,police,stovewood,trauma-service,,,,need
      """)
    let result = try cli.asUser("wendy", ["import", referrals, "--kind", "referrals"])
    #expect(result.status == 65)
    for expected in [
      "row 4, column closure_reason: closed needs --reason",
      "row 5, column allocated_on: is needed when allocation_reason is given",
    ] {
      #expect(result.stderr.contains(expected), "missing: \(expected)\n\(result.stderr)")
    }
    // Once the cells parse, the vault checks survivors, services and order.
    let vaultSide = try write(
      cli, "vault-referrals.csv",
      """
      survivor,referral_date,referrer_type,pathway,service,closed_on,closure_reason
      SHEET-001,2024-01-01,police,stovewood,trauma-service,2023-12-01,planned-ending
      SHEET-404,2024-01-01,police,stovewood,trauma-service,,
      SHEET-002,2024-01-01,police,stovewood,nowhere,,
      """)
    let second = try cli.asUser("wendy", ["import", vaultSide, "--kind", "referrals"])
    #expect(second.status == 65)
    #expect(second.stderr.contains("row 1, column -: the closed date is before the previous step"), "\(second.stderr)")
    #expect(second.stderr.contains("row 2, column survivor: no such survivor in your teams"), "\(second.stderr)")
    #expect(second.stderr.contains("row 3, column -: no service named 'nowhere'"), "\(second.stderr)")

    let outcomes = try write(
      cli, "bad-outcomes.csv", "survivor,stage,date,wellbeing,self,trauma,relationships\nSHEET-001,middle,2024-01-01,0,11,x,5\n")
    let badOutcomes = try cli.asUser("wendy", ["import", outcomes, "--kind", "outcomes"])
    #expect(badOutcomes.status == 65)
    for column in ["stage", "wellbeing", "self", "trauma"] { #expect(badOutcomes.stderr.contains("row 1, column \(column):")) }
    let sessions = try write(
      cli, "bad-sessions.csv", "survivor,date,minutes,kind,attendance\nSHEET-001,2024-01-01,-5,massage,maybe\n")
    let badSessions = try cli.asUser("wendy", ["import", sessions, "--kind", "sessions"])
    #expect(badSessions.status == 65)
    for column in ["minutes", "kind", "attendance"] { #expect(badSessions.stderr.contains("row 1, column \(column):")) }
    let written = try cli.count(
      "SELECT (SELECT count(*) FROM referrals) + (SELECT count(*) FROM support_sessions) + (SELECT count(*) FROM outcome_assessments)"
    )
    #expect(written == 0)
  }

  @Test("a reporting user or an auditor cannot import: 77", arguments: TestStore.allCases)
  func roles(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    try cli.asAdmin(["user", "add", "audrey", "--role", "auditor", "--new-passphrase-file", cli.workerFile])
    let result = try cli.asUser(
      "audrey", ["import", Self.examples.appendingPathComponent("survivors.csv").path, "--kind", "survivors"])
    #expect(result.status == 77)
  }
}
