import Foundation
import Testing

/// Issue 14, item 3: guided recording. On a terminal a command missing its required options asks
/// for them one at a time (closed lists as numbered choices, today's date and the worker's own
/// name as defaults); off a terminal it fails with 64, before unlocking, so scripts stay strict.
@Suite("Guided recording on a terminal")
struct GuidedPromptTests {
  @Test("session record REF with no options: date, minutes, kind, attendance, worker, then the notes editor")
  func guidedSession() throws {
    let setup = try NoteEditorTests.Setup()
    let note = "Canary-Guided-\(UUID().uuidString.prefix(6))"
    let terminal = try setup.terminal(["session", "record", setup.reference], note: note)
    try terminal.waitFor("Date of the session (YYYY-MM-DD) [\(Self.today)]: ")
    try terminal.type("")
    try terminal.waitFor("How many minutes: ")
    try terminal.type("none")
    try terminal.waitFor("try again")
    try terminal.type("45")
    try terminal.waitFor("Kind of session:")
    try terminal.waitFor("Choose 1-5 [1]: ")
    try terminal.type("")
    try terminal.waitFor("2) dna (did not attend)")
    try terminal.type("2")
    try terminal.waitFor("Who ran it [wendy]: ")
    try terminal.type("")
    let ended = try terminal.waitForExit()
    #expect(ended.status == 0, "\(ended.screen)")
    let session = try #require(try setup.sessions().first)
    #expect(session["date"] as? String == Self.today)
    #expect(session["minutes"] as? Int == 45)
    #expect(session["kind"] as? String == "one-to-one")
    #expect(session["attendance"] as? String == "dna")
    #expect(session["worker"] as? String == "wendy")
    #expect(session["notes"] as? String == note)
  }

  @Test("outcome record and referral add ask for ratings (1-10, with their meaning), the scale stage and the services")
  func guidedOutcomeAndReferral() throws {
    let setup = try NoteEditorTests.Setup()
    var terminal = try setup.terminal(["outcome", "record", setup.reference], note: "")
    try terminal.waitFor("Choose 1-2: ")
    try terminal.type("2")
    try terminal.waitFor("Date of the ratings (YYYY-MM-DD) [\(Self.today)]: ")
    try terminal.type("2026-11-30")
    try terminal.waitFor("from 1 (worst) to 10 (best)")
    for (question, answer) in [
      ("Mental health and wellbeing (1-10): ", "11"), ("try again", "7"),
      ("Feelings and thoughts about themselves (1-10): ", "8"),
      ("Effect of the trauma (1-10): ", "6"), ("Relationship with family and social network (1-10): ", "9"),
    ] {
      try terminal.waitFor(question)
      try terminal.type(answer)
    }
    var ended = try terminal.waitForExit()
    #expect(ended.status == 0, "\(ended.screen)")
    let outcomes = try setup.cli.json(try setup.cli.asUser("wendy", ["outcome", "show", setup.reference, "--json"]))
    let first = try #require((outcomes as? [[String: Any]])?.first)
    #expect(first["stage"] as? String == "end")
    #expect((first["ratings"] as? [String: Int])?["wellbeing"] == 7)

    terminal = try setup.terminal(["referral", "add", setup.reference], note: "")
    try terminal.waitFor("Date of referral (YYYY-MM-DD) [\(Self.today)]: ")
    try terminal.type("")
    try terminal.waitFor("Who referred?")
    try terminal.type("police")
    try terminal.waitFor("Pathway:")
    try terminal.type("1")
    try terminal.waitFor("Receiving service:")
    try terminal.waitFor("1) trauma-service")
    try terminal.type("1")
    ended = try terminal.waitForExit()
    #expect(ended.status == 0, "\(ended.screen)")
    let referrals = try setup.cli.asUser("wendy", ["referral", "list", setup.reference, "--json"])
    #expect(referrals.stdout.contains("\"referrerType\" : \"police\""))
  }

  @Test("off a terminal a missing option is a usage error (64), before any passphrase is asked")
  func offTerminal() throws {
    let setup = try NoteEditorTests.Setup()
    let result = try setup.cli.run(["session", "record", setup.reference, "--user", "wendy"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--date is required"))
    #expect(try setup.sessions().isEmpty)
  }

  static var today: String { CalendarDateText.today }
}

/// Today's date as haven prints it (UTC, YYYY-MM-DD).
enum CalendarDateText {
  static var today: String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
  }
}
