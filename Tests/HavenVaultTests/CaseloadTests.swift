import Foundation
import HavenStore
import Testing

@testable import HavenVault

/// `caseload()`: what is due, from the sealed caseload index, kept current by the schema's
/// triggers and refused when altered.
@Suite("Caseload: what is due, from the caseload index")
struct CaseloadTests {
  static func daysAgo(_ days: Int) -> CalendarDate { CalendarDate.today().adding(days: -days) }

  static func survivor(_ session: VaultSession, _ name: String, team: String = "trauma-service") throws -> SurvivorReference {
    try session.addSurvivor(team: team, details: SurvivorDetails(name: name, district: "Rotherham"))
  }

  static func referral(_ session: VaultSession, _ reference: SurvivorReference, on date: CalendarDate) throws -> Int64 {
    try session.addReferral(
      reference, NewReferral(date: date, referrerType: .police, pathway: .postCSE, service: "trauma-service"))
  }

  static func kinds(_ caseload: Caseload, _ reference: SurvivorReference) -> [CaseloadItem.Kind] {
    caseload.cases.first { $0.reference == reference }?.due.map(\.kind) ?? []
  }

  @Test("each due rule, most urgent first, and a change to the case clears what it settles")
  func dueRules() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let waiting = try Self.survivor(wendy, "Waiting Example")
    _ = try Self.referral(wendy, waiting, on: Self.daysAgo(20))
    let triaged = try Self.survivor(wendy, "Triaged Example")
    let triagedReferral = try Self.referral(wendy, triaged, on: Self.daysAgo(60))
    try wendy.changeReferralStatus(triagedReferral, ReferralStatusChange(status: .triaged, date: Self.daysAgo(40)))
    let consenting = try Self.survivor(wendy, "Consent Example")
    _ = try wendy.recordConsent(
      consenting, purpose: .statistics, decision: .granted, date: Self.daysAgo(300), method: .written,
      expires: Self.daysAgo(-10))
    let ended = try Self.survivor(wendy, "Ended Example")
    let endedReferral = try Self.referral(wendy, ended, on: Self.daysAgo(200))
    for (status, ago) in [(ReferralStatus.triaged, 199), (.allocated, 190), (.engaged, 180)] {
      try wendy.changeReferralStatus(
        endedReferral,
        ReferralStatusChange(
          status: status, date: Self.daysAgo(ago), service: status == .allocated ? "trauma-service" : nil,
          reason: status == .allocated ? "need" : nil))
    }
    let session = try wendy.recordSession(
      ended, try NewSupportSession(date: Self.daysAgo(12), minutes: 50, kind: .oneToOne, attendance: .attended))
    try wendy.changeReferralStatus(
      endedReferral, ReferralStatusChange(status: .closed, date: Self.daysAgo(5), reason: "planned-ending"))
    let quiet = try Self.survivor(wendy, "Quiet Example")
    try wendy.setSafeContact(quiet, SafeContact(methods: [.voicemail: false, .text: true], times: "weekdays"))

    let caseload = try wendy.caseload()
    #expect(caseload.openCases == 4)  // waiting, triaged, consenting (no referral), quiet (no referral)
    #expect(caseload.casesWithSomethingDue == 4)
    #expect(Self.kinds(caseload, waiting) == [.triageOverdue])
    #expect(caseload.cases.first { $0.reference == waiting }?.due.first?.daysLate == 13)
    #expect(Self.kinds(caseload, triaged) == [.allocationOverdue])
    #expect(Self.kinds(caseload, consenting) == [.consentReview])
    #expect(Self.kinds(caseload, ended) == [.sessionNotesMissing, .endOutcomeMissing])  // 12 days late, then 5
    #expect(caseload.cases.first { $0.reference == ended }?.lastContact == Self.daysAgo(12))
    #expect(caseload.cases.first { $0.reference == ended }?.name == "Ended Example")
    // Overdue first, the latest of them first (13 days, then 12), then due soon, then records.
    #expect(caseload.cases.map(\.reference) == [waiting, triaged, consenting, ended])
    #expect(!caseload.cases.contains { $0.reference == quiet })

    let everyOpen = try wendy.caseload(CaseloadQuery(everyOpenCase: true))
    let quietCase = try #require(everyOpen.cases.first { $0.reference == quiet })
    #expect(quietCase.due.isEmpty && quietCase.safeContact.never == [.voicemail] && quietCase.safeContact.hasTimesOrNote)
    #expect(everyOpen.cases.last?.reference == quiet)

    // Settling each item clears it at the next look (the triggers dropped the entries).
    _ = try wendy.recordOutcome(
      ended,
      try NewOutcomeAssessment(
        stage: .end, date: Self.daysAgo(4), ratings: [.wellbeing: 5, .selfRegard: 5, .trauma: 5, .relationships: 5],
        referral: .id(endedReferral)))
    try wendy.updateSessionNotes(session, from: nil, to: "Talked about the week.")
    try wendy.changeReferralStatus(
      triagedReferral,
      ReferralStatusChange(status: .allocated, date: Self.daysAgo(1), service: "trauma-service", reason: "need"))
    let admin = try fixture.admin()
    try admin.setServiceTargets("trauma-service", triageDays: 30, allocationDays: nil)
    let after = try fixture.unlock("wendy").caseload()
    #expect(after.rebuiltEntries == 2)
    #expect(after.cases.map(\.reference) == [consenting])
  }

  @Test("only the user's own teams; every case shown audited, and the caseload once")
  func teamsAndAudit() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let sam = try fixture.unlock("sam")
    let mine = try Self.survivor(wendy, "Mine Example")
    _ = try Self.referral(wendy, mine, on: Self.daysAgo(30))
    let theirs = try Self.survivor(sam, "Theirs Example", team: "stovewood")
    _ = try Self.referral(sam, theirs, on: Self.daysAgo(30))
    let before = try fixture.auditEntries().count
    let caseload = try wendy.caseload()
    #expect(caseload.cases.map(\.reference) == [mine])
    let entries = try fixture.auditEntries().dropFirst(before).filter { ($0["action"] as String) == "caseload.read" }
    #expect(entries.count == 2)
    #expect((entries.first?["target"] as String?)?.hasPrefix("survivor:") == true)
    #expect(entries.first?["subject"] as String? != nil)
    #expect(entries.last?["target"] as String? == "caseload")
    #expect((entries.last?["detail"] as String?)?.hasPrefix("1 open, 1 with something due, 1 shown") == true)
    let limited = try wendy.caseload(CaseloadQuery(limit: 1))
    #expect(limited.notShown == 0)
    #expect(throws: VaultError.self) { try wendy.caseload(CaseloadQuery(team: "stovewood")) }
    #expect(throws: VaultError.self) { try fixture.unlock("rita").caseload() }
  }

  @Test("an altered or moved index entry is refused as damage; --rebuild rebuilds it from the case files")
  func tamper() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let first = try Self.survivor(wendy, "First Example")
    _ = try Self.referral(wendy, first, on: Self.daysAgo(30))
    let second = try Self.survivor(wendy, "Second Example")
    _ = try wendy.caseload()
    let database = try fixture.rawDatabase()
    let ids = try database.read { db in try Int64.fetchAll(db, sql: "SELECT survivor_id FROM caseload_entries ORDER BY 1") }
    #expect(ids.count == 2)
    // Swap the two entries: each is bound to its survivor, so neither opens.
    try database.write { db in
      let facts = try Data.fetchAll(db, sql: "SELECT facts FROM caseload_entries ORDER BY survivor_id")
      try db.execute(sql: "UPDATE caseload_entries SET facts = ? WHERE survivor_id = ?", arguments: [facts[1], ids[0]])
      try db.execute(sql: "UPDATE caseload_entries SET facts = ? WHERE survivor_id = ?", arguments: [facts[0], ids[1]])
    }
    #expect {
      try fixture.unlock("wendy").caseload()
    } throws: { error in
      guard case VaultError.fieldAuthenticationFailed(let table, _, _) = error else { return false }
      return table == "caseload_entries"
    }
    let rebuilt = try fixture.unlock("wendy").caseload(CaseloadQuery(rebuild: true))
    #expect(rebuilt.rebuiltEntries == 2 && rebuilt.cases.map(\.reference) == [first])
    // A flipped byte.
    try database.write { db in
      try db.execute(
        sql: "UPDATE caseload_entries SET facts = substr(facts, 1, 30) || x'00' || substr(facts, 32) WHERE survivor_id = ?",
        arguments: [ids[1]])
    }
    #expect(throws: VaultError.self) { try fixture.unlock("wendy").caseload() }
    _ = try fixture.unlock("wendy").caseload(CaseloadQuery(rebuild: true))
    // A flipped byte in a bucket (64 entries sealed together, what a caseload reads).
    try database.write { db in
      try db.execute(sql: "UPDATE caseload_buckets SET facts = substr(facts, 1, 30) || x'00' || substr(facts, 32)")
    }
    #expect {
      try fixture.unlock("wendy").caseload()
    } throws: { error in
      guard case VaultError.fieldAuthenticationFailed(let table, _, _) = error else { return false }
      return table == "caseload_buckets"
    }
    _ = second
  }

  @Test("after a member's removal the index is sealed again under the team's new key version")
  func rotation() throws {
    let fixture = try CaseRecordTests.partnership()
    try fixture.addUser("will", role: .worker, teams: ["trauma-service"])
    let wendy = try fixture.unlock("wendy")
    let reference = try Self.survivor(wendy, "Rotation Example")
    _ = try Self.referral(wendy, reference, on: Self.daysAgo(30))
    _ = try wendy.caseload()
    try fixture.admin().removeMember(team: "trauma-service", user: "will")
    let after = try fixture.unlock("wendy").caseload()  // the unlock rotates the team key
    #expect(after.rebuiltEntries == 1 && after.cases.map(\.reference) == [reference])
    let versions = try fixture.rawDatabase().read { db in
      try Int64.fetchAll(db, sql: "SELECT DISTINCT team_key_version FROM caseload_entries")
    }
    #expect(versions == [2])
  }

  @Test("an erasure takes the survivor's entry and the bucket that held it in the same transaction")
  func erasure() throws {
    let fixture = try CaseRecordTests.partnership()
    try fixture.admin().addMember(team: "trauma-service", user: "ada")
    let wendy = try fixture.unlock("wendy")  // delivers the team key to ada
    let erased = try Self.survivor(wendy, "Erased Example")
    let kept = try Self.survivor(wendy, "Kept Example")
    _ = try Self.referral(wendy, kept, on: Self.daysAgo(30))
    _ = try wendy.caseload()
    let database = try fixture.rawDatabase()
    let counts = {
      try database.read { db in
        (
          try Int.fetchOne(db, sql: "SELECT count(*) FROM caseload_entries") ?? -1,
          try Int.fetchOne(db, sql: "SELECT count(*) FROM caseload_buckets") ?? -1
        )
      }
    }
    #expect(try counts() == (2, 1))
    #expect(try fixture.admin().eraseSurvivor(erased, reason: "erasure request") == .complete)
    #expect(try counts() == (1, 0))
    let after = try fixture.unlock("wendy").caseload()
    #expect(after.cases.map(\.reference) == [kept] && after.openCases == 1)
    #expect(try counts() == (1, 1))
  }

  @Test("the rules' edges: windows end where docs/cli.md says, targets per service, expired on the expiry date")
  func ruleEdges() throws {
    let today = CalendarDate.today()
    func day(_ offset: Int) -> CalendarDate { today.adding(days: offset) }
    func facts(
      referrals: [CaseloadFacts.ReferralFacts] = [], consents: [CaseloadFacts.ExpiringConsent] = [],
      sessions: [CaseloadFacts.UnnotedSession] = []
    ) -> CaseloadFacts {
      CaseloadFacts(
        reference: "HV-2026-00001", safeContact: SafeContact.Flags(nil), lastContact: nil, referrals: referrals,
        closedReferralsOmitted: 0, consents: consents, unnotedSessions: sessions)
    }
    func referral(
      _ status: ReferralStatus, service: String = "trauma-service", referred: Int, status statusDay: Int, ended: Bool = false
    )
      -> CaseloadFacts.ReferralFacts
    {
      .init(
        id: 1, service: service, status: status, referredOn: day(referred), statusOn: day(statusDay), endedAfterSupport: ended,
        endOutcomeRecorded: false)
    }
    let rules = CaseloadRules(
      today: today, consentWindow: 30, targets: ["fast": ServiceTargets(triageDays: 2, allocationDays: 5)])
    // Triage: due the day after the target; the standard 7 days unless the service sets its own.
    #expect(rules.items(facts(referrals: [referral(.referred, referred: -7, status: -7)])).isEmpty)
    #expect(rules.items(facts(referrals: [referral(.referred, referred: -8, status: -8)])).map(\.daysLate) == [1])
    #expect(
      rules.items(facts(referrals: [referral(.referred, service: "fast", referred: -3, status: -3)])).map(\.kind) == [
        .triageOverdue
      ])
    #expect(
      rules.items(facts(referrals: [referral(.triaged, service: "fast", referred: -20, status: -6)])).map(\.kind) == [
        .allocationOverdue
      ])
    #expect(rules.items(facts(referrals: [referral(.allocated, referred: -200, status: -190)])).isEmpty)
    // End-of-support ratings: asked for up to 90 days after a planned ending.
    #expect(
      rules.items(facts(referrals: [referral(.closed, referred: -200, status: -90, ended: true)])).map(\.kind) == [
        .endOutcomeMissing
      ])
    #expect(rules.items(facts(referrals: [referral(.closed, referred: -200, status: -91, ended: true)])).isEmpty)
    // Consents: expired on the expiry date itself; due for review within the window.
    #expect(rules.items(facts(consents: [.init(purpose: "statistics", expires: today)])).map(\.kind) == [.consentExpired])
    #expect(rules.items(facts(consents: [.init(purpose: "statistics", expires: day(30))])).map(\.daysLate) == [-30])
    #expect(rules.items(facts(consents: [.init(purpose: "statistics", expires: day(31))])).isEmpty)
    // Sessions without notes: the last 30 days, counted, the latest named.
    let sessions = facts(sessions: [.init(id: 9, date: day(-2)), .init(id: 8, date: day(-30)), .init(id: 7, date: day(-31))])
    #expect(rules.items(sessions).map(\.subject) == ["2 sessions, latest 9"])
    // Overdue before due soon before records to complete.
    let mixed = rules.items(
      facts(
        referrals: [referral(.closed, referred: -100, status: -10, ended: true)],
        consents: [.init(purpose: "evaluation", expires: day(3)), .init(purpose: "statistics", expires: day(-1))]))
    #expect(mixed.map(\.kind) == [.consentExpired, .consentReview, .endOutcomeMissing])
  }

  @Test("entries round-trip through their encoding, and malformed plaintext is refused")
  func encoding() throws {
    let facts = CaseloadFacts(
      reference: "HV-2026-0001", safeContact: SafeContact.Flags(methods: [.call: true, .letter: false], hasTimesOrNote: true),
      lastContact: Self.daysAgo(3),
      referrals: [
        .init(
          id: 7, service: "trauma-service", status: .triaged, referredOn: Self.daysAgo(40), statusOn: Self.daysAgo(30),
          endedAfterSupport: false, endOutcomeRecorded: false)
      ],
      closedReferralsOmitted: 1, consents: [.init(purpose: "share:police", expires: Self.daysAgo(-5))],
      unnotedSessions: [.init(id: 9, date: Self.daysAgo(2))])
    let encoded = facts.encoded()
    #expect(CaseloadFacts(decoding: encoded) == facts)
    #expect(CaseloadFacts(decoding: Array(encoded.dropLast())) == nil)
    #expect(CaseloadFacts(decoding: encoded + [0, 0, 0, 0]) == nil)
  }
}
