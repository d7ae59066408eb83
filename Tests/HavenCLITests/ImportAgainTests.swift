import Foundation
import GRDB
import Testing

/// Running an import again, rows repeated within a file, and vocabularies that fit real
/// services, through the real binary.
@Suite("haven import: idempotent re-runs, --update, --dry-run, repeated rows, vocabularies")
struct ImportAgainTests {
  static func write(_ cli: CLIFixture, _ name: String, _ text: String) throws -> String {
    let path = cli.root.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func count(_ cli: CLIFixture, _ table: String) throws -> Int {
    try cli.count("SELECT count(*) FROM \(table)")
  }

  @Test(
    "survivors: a second run changes nothing and says so; a changed row needs --update; --dry-run writes nothing",
    arguments: TestStore.allCases)
  func survivors(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    let header = "team,name,dob,phone,external_id\n"
    let rows = [
      "trauma-service,Testperson One,2001-01-01,07700 900001,SHEET-1", "trauma-service,Testperson Two,2002-02-02,,SHEET-2",
      "trauma-service,Testperson Three,,,SHEET-3",
    ]
    let file = try Self.write(cli, "people.csv", header + rows.joined(separator: "\n") + "\n")
    let first = try cli.asUser("wendy", ["import", file, "--kind", "survivors"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("Imported survivors: 3 new, 0 updated, 0 already in the vault unchanged."))

    let again = try cli.asUser("wendy", ["import", file, "--kind", "survivors"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("This file was imported before (once; first on "))
    #expect(again.stdout.contains("Nothing changed: all 3 survivors rows are already in the vault as they are."))
    #expect(try Self.count(cli, "survivors") == 3)

    let changed = try Self.write(
      cli, "people-2.csv", header + rows[0].replacingOccurrences(of: "900001", with: "900009") + "\n" + rows[1] + "\n")
    let refused = try cli.asUser("wendy", ["import", changed, "--kind", "survivors"])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("row 1, column external_id: already in the vault as HV-"), "\(refused.stderr)")
    #expect(refused.stderr.contains("with different phone; --update changes it"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("900009"))

    let dry = try cli.asUser("wendy", ["import", changed, "--kind", "survivors", "--update", "--dry-run"])
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(dry.stdout.contains("Dry run, nothing written: the import would make 0 new, 1 updated, 1 already in the vault"))
    let found = try cli.asUser("wendy", ["survivor", "find", "--external-id", "SHEET-1", "--json"])
    let reference = try #require((try cli.json(found) as? [[String: Any]])?.first?["ref"] as? String)
    #expect(try cli.asUser("wendy", ["survivor", "show", reference]).stdout.contains("07700 900001"))

    let updated = try cli.asUser("wendy", ["import", changed, "--kind", "survivors", "--update"])
    #expect(updated.status == 0, "\(updated.stderr)")
    #expect(updated.stdout.contains("Imported survivors: 0 new, 1 updated, 1 already in the vault unchanged."))
    #expect(try cli.asUser("wendy", ["survivor", "show", reference]).stdout.contains("07700 900009"))
    #expect(try Self.count(cli, "survivors") == 3)

    // The same external id twice in one file; rows without one in a file imported before.
    let twice = try Self.write(cli, "twice.csv", header + rows[0] + "\n" + rows[0] + "\n")
    let repeated = try cli.asUser("wendy", ["import", twice, "--kind", "survivors"])
    #expect(repeated.status == 65)
    #expect(repeated.stderr.contains("row 2, column external_id: repeats row 1 (the same external_id)"), "\(repeated.stderr)")
    let anonymous = try Self.write(cli, "no-ids.csv", "team,name\ntrauma-service,Testperson Four\n")
    #expect(try cli.asUser("wendy", ["import", anonymous, "--kind", "survivors"]).status == 0)
    let duplicateRisk = try cli.asUser("wendy", ["import", anonymous, "--kind", "survivors"])
    #expect(duplicateRisk.status == 65)
    #expect(duplicateRisk.stderr.contains("it would be created twice"), "\(duplicateRisk.stderr)")
    #expect(try Self.count(cli, "survivors") == 4)
    // Another team holding the external id: not imported twice.
    #expect(try cli.asAdmin(["team", "add-member", "stovewood", "wendy"]).status == 0)
    #expect(try cli.asUser("sam", ["status"]).status == 0)  // a member delivers stovewood's key to wendy
    let elsewhere = try Self.write(cli, "elsewhere.csv", "team,name,external_id\nstovewood,Testperson One,SHEET-1\n")
    let other = try cli.asUser("wendy", ["import", elsewhere, "--kind", "survivors"])
    #expect(other.status == 65)
    #expect(other.stderr.contains("already used by a survivor of team trauma-service"), "\(other.stderr)")
  }

  @Test(
    "referrals, sessions, outcomes, consents: re-runs change nothing; later steps and notes with --update; history never rewritten"
  )
  func linkedRecords() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let people = try Self.write(cli, "people.csv", "team,name,external_id\ntrauma-service,Testperson One,SHEET-1\n")
    #expect(try cli.asUser("wendy", ["import", people, "--kind", "survivors"]).status == 0)

    let referralHeader = "survivor,referral_date,referrer_type,pathway,service,triaged_on,closed_on,closure_reason\n"
    let referrals = try Self.write(
      cli, "referrals.csv", referralHeader + "SHEET-1,2024-04-01,Self,post cse,trauma-service,2024-04-03,,\n")
    let first = try cli.asUser("wendy", ["import", referrals, "--kind", "referrals"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(try cli.asUser("wendy", ["import", referrals, "--kind", "referrals"]).stdout.contains("Nothing changed"))
    let closed = try Self.write(
      cli, "referrals-2.csv",
      referralHeader + "SHEET-1,2024-04-01,self,post-cse,trauma-service,2024-04-03,2024-06-01,declined\n")
    let needsUpdate = try cli.asUser("wendy", ["import", closed, "--kind", "referrals"])
    #expect(needsUpdate.status == 65)
    #expect(needsUpdate.stderr.contains("fewer steps (closed to add); --update changes it"), "\(needsUpdate.stderr)")
    let extended = try cli.asUser("wendy", ["import", closed, "--kind", "referrals", "--update"])
    #expect(extended.status == 0, "\(extended.stderr)")
    #expect(extended.stdout.contains("0 new, 1 updated"))
    #expect(try Self.count(cli, "referral_events") == 3)
    let rewritten = try Self.write(
      cli, "referrals-3.csv", referralHeader + "SHEET-1,2024-04-01,self,post-cse,trauma-service,2024-04-09,,\n")
    let history = try cli.asUser("wendy", ["import", rewritten, "--kind", "referrals", "--update"])
    #expect(history.status == 65)
    #expect(history.stderr.contains("with a different status history; its recorded fields and steps are not rewritten"))

    let sessionHeader = "survivor,date,minutes,kind,attendance,notes\n"
    let session = "SHEET-1,2024-04-10,50,one-to-one,attended,"
    let repeated = try Self.write(cli, "sessions-twice.csv", sessionHeader + session + "\n" + session + "\n")
    let twice = try cli.asUser("wendy", ["import", repeated, "--kind", "sessions"])
    #expect(twice.status == 65)
    #expect(
      twice.stderr.contains("row 2, column -: repeats row 1 (the same survivor, date, kind, minutes and attendance)"),
      "\(twice.stderr)")
    let sessions = try Self.write(cli, "sessions.csv", sessionHeader + session + "\n")
    #expect(try cli.asUser("wendy", ["import", sessions, "--kind", "sessions"]).status == 0)
    let noted = try Self.write(cli, "sessions-noted.csv", sessionHeader + session + "Canary imported note\n")
    #expect(try cli.asUser("wendy", ["import", noted, "--kind", "sessions"]).status == 65)
    let notes = try cli.asUser("wendy", ["import", noted, "--kind", "sessions", "--update"])
    #expect(notes.status == 0 && notes.stdout.contains("0 new, 1 updated"), "\(notes.stderr)")
    #expect(try Self.count(cli, "support_sessions") == 1)

    let consentHeader = "survivor,purpose,decision,date,method,expires\n"
    let consents = try Self.write(cli, "consents.csv", consentHeader + "SHEET-1,statistics,granted,2024-04-01,written,\n")
    #expect(try cli.asUser("wendy", ["import", consents, "--kind", "consents"]).status == 0)
    #expect(try cli.asUser("wendy", ["import", consents, "--kind", "consents"]).stdout.contains("Nothing changed"))
    let expiring = try Self.write(
      cli, "consents-2.csv", consentHeader + "SHEET-1,statistics,granted,2024-04-01,written,2026-04-01\n")
    let consent = try cli.asUser("wendy", ["import", expiring, "--kind", "consents", "--update"])
    #expect(consent.status == 65)
    #expect(consent.stderr.contains("consent history is never rewritten: record a new decision instead"), "\(consent.stderr)")
    #expect(try Self.count(cli, "consent_events") == 1)
  }

  @Test(
    "vocabularies: built-in spellings, an admin's aliases, and a declared outcome scale starting at 0",
    arguments: TestStore.allCases)
  func vocabularies(store: TestStore) throws {
    let fixture = try PartnershipFixture(store: store)
    let cli = fixture.cli
    let people = try Self.write(cli, "people.csv", "team,name,external_id\ntrauma-service,Testperson One,SHEET-1\n")
    #expect(try cli.asUser("wendy", ["import", people, "--kind", "survivors"]).status == 0)
    let header = "survivor,referral_date,referrer_type,pathway,service\n"
    let spellings = try Self.write(
      cli, "spellings.csv",
      header + "SHEET-1,2024-04-01,self,Post CSE,trauma-service\nSHEET-1,2024-05-01,Trauma Service,stovewood,trauma-service\n"
        + "SHEET-1,2024-06-01,CSC,operation stovewood,trauma-service\n")
    let accepted = try cli.asUser("wendy", ["import", spellings, "--kind", "referrals"])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    let local = try Self.write(cli, "local.csv", header + "SHEET-1,2024-07-01,Trauma team,post-cse,trauma-service\n")
    let unknown = try cli.asUser("wendy", ["import", local, "--kind", "referrals"])
    #expect(unknown.status == 65)
    #expect(unknown.stderr.contains("row 1, column referrer_type: must be one of:"), "\(unknown.stderr)")
    #expect(try cli.asUser("wendy", ["vocabulary", "alias", "referrer-type", "Trauma team", "trauma-service"]).status == 77)
    #expect(try cli.asAdmin(["vocabulary", "alias", "referrer-type", "Trauma team", "trauma-service"]).status == 0)
    #expect(try cli.asAdmin(["vocabulary", "alias", "referrer-type", "trauma team", "police"]).status == 73)
    #expect(try cli.asAdmin(["vocabulary", "alias", "colour", "red", "blue"]).status == 64)
    #expect(try cli.asUser("wendy", ["import", local, "--kind", "referrals"]).status == 0)
    #expect(try cli.asUser("wendy", ["vocabulary", "list"]).stdout.contains("trauma-team -> trauma-service"))
    // `haven referral add` takes the built-in spellings too.
    let found = try cli.asUser("wendy", ["survivor", "find", "--external-id", "SHEET-1", "--json"])
    let reference = try #require((try cli.json(found) as? [[String: Any]])?.first?["ref"] as? String)
    let typed = try cli.asUser(
      "wendy",
      [
        "referral", "add", reference, "--date", "2024-08-01", "--referrer-type", "self", "--pathway", "Post CSE", "--service",
        "trauma-service",
      ])
    #expect(typed.status == 0, "\(typed.stderr)")

    let outcomeHeader = "survivor,stage,date,wellbeing,self,trauma,relationships\n"
    let zero = try Self.write(cli, "zero.csv", outcomeHeader + "SHEET-1,start,2024-04-10,0,3,5,2\n")
    let refused = try cli.asUser("wendy", ["import", zero, "--kind", "outcomes"])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("row 1, column wellbeing: must be a whole number from 1 to 10, this vault's outcome scale"))
    #expect(try cli.asAdmin(["config", "outcome-scale", "0-10"]).status == 0)
    #expect(try cli.asUser("wendy", ["import", zero, "--kind", "outcomes"]).status == 0)
    #expect(try cli.asAdmin(["config", "show"]).stdout.contains("outcome scale:     0-10"))
    let narrowing = try cli.asAdmin(["config", "outcome-scale", "1-10"])
    #expect(narrowing.status == 64)
    #expect(narrowing.stderr.contains("the outcome scale can only widen once ratings are recorded"))
    #expect(try cli.asAdmin(["config", "outcome-scale", "2-10"]).status == 64)
  }
}
