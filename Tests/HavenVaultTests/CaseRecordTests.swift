import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Case records through the vault API, on real SQLite files. People are obviously fictional.
@Suite("Case records")
struct CaseRecordTests {
  /// trauma-service: wendy; stovewood: sam; both hold their team's key; one service configured.
  static func partnership() throws -> VaultFixture {
    let fixture = try VaultFixture()
    let admin = try fixture.admin()
    try admin.addTeam("trauma-service")
    try admin.addTeam("stovewood")
    try admin.addService("trauma-service", description: "The partnership's trauma service")
    try admin.addService("specialist-a")
    try admin.addDistrict("Rotherham", code: "E08000018")
    try fixture.addUser("wendy", role: .worker, teams: ["trauma-service"])
    try fixture.addUser("sam", role: .worker, teams: ["stovewood"])
    try fixture.addUser("rita", role: .reporting)
    _ = try fixture.unlock("wendy")
    _ = try fixture.unlock("sam")
    try fixture.admin().deliverWithRecoveryKey(fixture.recoveryKey())
    return fixture
  }

  static let testperson = SurvivorDetails(
    name: "Testperson Alpha", aliases: ["Alf Example"], dateOfBirth: CalendarDate.testDate("2006-03-14"), gender: .female,
    address: "1 Fictional StoreRow", postcode: "S60 1AA", district: "Rotherham", phone: "07700 900123",
    email: "alpha@example.invalid",
    nhsNumber: "943 476 5919", cohort: .victimSurvivor, healthNotes: "Canary health note", notes: "Canary free-text note",
    externalID: "LEGACY-0042")

  @Test("a survivor's whole case file round-trips: details, contact, related people, referrals, sessions, outcomes")
  func roundTrip() throws {
    let fixture = try Self.partnership()
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(team: "trauma-service", details: Self.testperson)
    #expect(reference.description.hasPrefix("HV-\(CalendarDate.today().year)-"))
    try wendy.setSafeContact(
      reference, SafeContact(methods: [.voicemail: false, .text: true], times: "weekdays 10-2", note: "not at home"))
    _ = try wendy.addRelatedPerson(reference, RelatedPerson(relationship: .parent, name: "Parent Example", phone: "07700 900456"))
    let referral = try wendy.addReferral(
      reference,
      NewReferral(
        date: try CalendarDate(parsing: "2024-05-01"), referrerType: .police, referrerRole: "DC, CSE team", pathway: .stovewood,
        service: "trauma-service"))
    try wendy.changeReferralStatus(
      referral, ReferralStatusChange(status: .triaged, date: try CalendarDate(parsing: "2024-05-03")))
    try wendy.changeReferralStatus(
      referral,
      ReferralStatusChange(
        status: .allocated, date: try CalendarDate(parsing: "2024-05-10"), service: "specialist-a", reason: "specialism"))
    _ = try wendy.recordSession(
      reference,
      NewSupportSession(
        date: try CalendarDate(parsing: "2024-05-20"), minutes: 50, kind: .oneToOne, attendance: .attended,
        notes: "Canary session note"))
    _ = try wendy.recordOutcome(
      reference,
      NewOutcomeAssessment(
        stage: .start, date: try CalendarDate(parsing: "2024-05-20"),
        ratings: [.wellbeing: 3, .selfRegard: 4, .trauma: 2, .relationships: 5]))

    let file = try wendy.survivorFile(reference)
    #expect(file.details == Self.testperson)
    #expect(file.team == "trauma-service")
    #expect(file.safeContact?.methods[.voicemail] == false)
    #expect(file.safeContact?.times == "weekdays 10-2")
    #expect(file.relatedPeople.map(\.name) == ["Parent Example"])
    #expect(file.referrals.count == 1)
    #expect(file.referrals[0].status == .allocated)
    #expect(file.referrals[0].events.map(\.status) == [.referred, .triaged, .allocated])
    #expect(file.referrals[0].events[2].service == "specialist-a")
    #expect(file.referrals[0].ageBand == .from18To24)
    #expect(file.referrals[0].referrerRole == "DC, CSE team")
    #expect(file.sessions.first?.notes == "Canary session note")
    #expect(file.sessions.first?.worker == "wendy")
    #expect(file.outcomes.first?.ratings[.trauma] == 2)

    // Invalid transitions and dates are refused.
    #expect(throws: VaultError.self) {
      try wendy.changeReferralStatus(
        referral, ReferralStatusChange(status: .triaged, date: try CalendarDate(parsing: "2024-06-01")))
    }
    #expect(throws: VaultError.self) {
      try wendy.changeReferralStatus(
        referral, ReferralStatusChange(status: .engaged, date: try CalendarDate(parsing: "2024-05-01")))
    }
    #expect(throws: VaultError.self) {
      _ = try wendy.addReferral(
        reference,
        NewReferral(date: try CalendarDate(parsing: "2024-05-01"), referrerType: .gp, pathway: .postCSE, service: "nowhere"))
    }
  }

  @Test("survivors are found by reference, name, alias, date of birth and external id, within the worker's teams only")
  func blindIndexes() throws {
    let fixture = try Self.partnership()
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(team: "trauma-service", details: Self.testperson)
    _ = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Beta"))
    #expect(try wendy.findSurvivors(by: .reference(reference)).map(\.reference) == [reference])
    #expect(try wendy.findSurvivors(by: .name("  testperson   ALPHA ")).map(\.reference) == [reference])
    #expect(try wendy.findSurvivors(by: .name("Alf Example")).map(\.reference) == [reference])
    #expect(try wendy.findSurvivors(by: .dateOfBirth(try CalendarDate(parsing: "2006-03-14"))).map(\.reference) == [reference])
    #expect(try wendy.findSurvivors(by: .externalID("legacy-0042")).map(\.reference) == [reference])
    #expect(try wendy.findSurvivors(by: .name("Nobody Here")).isEmpty)
    #expect(try wendy.listSurvivors().count == 2)

    let sam = try fixture.unlock("sam")
    #expect(try sam.findSurvivors(by: .name("Testperson Alpha")).isEmpty)
    #expect(try sam.findSurvivors(by: .reference(reference)).isEmpty)
    #expect(try sam.listSurvivors().isEmpty)
    #expect(throws: VaultError.notInYourTeams("survivor \(reference)")) { _ = try sam.survivorFile(reference) }
    #expect(throws: VaultError.notInYourTeams("team 'trauma-service'")) { _ = try sam.listSurvivors(team: "trauma-service") }
    let denied = try fixture.auditEntries().filter { $0["outcome"] == "denied" && $0["action"] == "survivor.read" }
    #expect(denied.count == 1)
    // The update path keeps the indexes right.
    try wendy.updateSurvivor(reference) { details in
      details.name = "Testperson Gamma"
      details.aliases = []
    }
    #expect(try wendy.findSurvivors(by: .name("Testperson Alpha")).isEmpty)
    #expect(try wendy.findSurvivors(by: .name("Testperson Gamma")).map(\.reference) == [reference])
  }

  @Test("a worker of another team cannot read a survivor by opening the file with their own keys")
  func scopingAgainstTheFile() throws {
    let fixture = try Self.partnership()
    let reference = try fixture.unlock("wendy").addSurvivor(team: "trauma-service", details: Self.testperson)
    let sam = try fixture.unlock("sam")
    let row = try #require(try fixture.rawDatabase().read { db in try SurvivorRow.fetch(db, id: 1) })
    // sam's session, used directly on the raw row: his keys cannot unwrap it.
    #expect(throws: VaultError.keyNotHeld(what: "team 'trauma-service' key version 1")) {
      try fixture.rawDatabase().read { db in _ = try sam.caseKeys(db, row) }
    }
    // And the blind index he can compute (with his own team's key) does not match.
    let samTeam = try #require(try fixture.rawDatabase().read { db in try TeamRecord.named("stovewood", db) })
    let probe = try fixture.rawDatabase().read { db in
      try sam.indexValue(db, team: samTeam, kind: .reference, reference.description)
    }
    let stored = try fixture.rawDatabase().read { db in
      try Data.fetchAll(db, sql: "SELECT value FROM survivor_index").map { [UInt8]($0) }
    }
    #expect(!stored.contains(probe))
    // The file holds none of the values in plain text.
    let bytes =
      try Data(contentsOf: URL(fileURLWithPath: fixture.path + "/vault.sqlite"))
      + ((try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "/vault.sqlite-wal"))) ?? Data())
    for canary in ["Testperson Alpha", "Canary health note", "07700 900123", "LEGACY-0042", reference.description] {
      #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(canary) found in plain text")
    }
  }

  @Test("an altered byte, or a ciphertext swapped between records or fields, is detected and named")
  func tamper() throws {
    let fixture = try Self.partnership()
    let wendy = try fixture.unlock("wendy")
    let first = try wendy.addSurvivor(team: "trauma-service", details: Self.testperson)
    let second = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Beta", notes: "other"))
    let database = try fixture.rawDatabase()
    let original = try #require(
      try database.read { db in try Data.fetchOne(db, sql: "SELECT notes FROM survivors WHERE id = 1") })
    var altered = original
    altered[altered.count - 5] ^= 0x01
    try database.write { db in try db.execute(sql: "UPDATE survivors SET notes = ? WHERE id = 1", arguments: [altered]) }
    #expect(throws: VaultError.fieldAuthenticationFailed(table: "survivor", recordID: 1, field: "notes")) {
      _ = try wendy.survivorFile(first)
    }
    // Swap between records: survivor 1's notes into survivor 2.
    try database.write { db in
      try db.execute(sql: "UPDATE survivors SET notes = ? WHERE id = 1", arguments: [original])
      try db.execute(sql: "UPDATE survivors SET notes = ? WHERE id = 2", arguments: [original])
    }
    #expect(throws: VaultError.fieldAuthenticationFailed(table: "survivor", recordID: 2, field: "notes")) {
      _ = try wendy.survivorFile(second)
    }
    // Swap between fields of one record: notes into health_notes.
    try database.write { db in try db.execute(sql: "UPDATE survivors SET health_notes = notes WHERE id = 1") }
    #expect(throws: VaultError.fieldAuthenticationFailed(table: "survivor", recordID: 1, field: "health_notes")) {
      _ = try wendy.survivorFile(first)
    }
  }

  @Test("moving a survivor re-wraps their key: the new team reads and finds them, the old one cannot")
  func move() throws {
    let fixture = try Self.partnership()
    try fixture.admin().addMember(team: "stovewood", user: "wendy")
    _ = try fixture.unlock("sam")  // delivers stovewood's key to wendy
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(team: "trauma-service", details: Self.testperson)
    try wendy.moveSurvivor(reference, to: "stovewood")
    let sam = try fixture.unlock("sam")
    #expect(try sam.survivorFile(reference).details == Self.testperson)
    #expect(try sam.findSurvivors(by: .name("Testperson Alpha")).map(\.reference) == [reference])
    try fixture.admin().addUser("tess", role: .worker, passphrase: Passphrase(copying: VaultFixture.workerPassphrase))
    try fixture.admin().addMember(team: "trauma-service", user: "tess")
    _ = try fixture.unlock("wendy")
    #expect(throws: VaultError.notInYourTeams("survivor \(reference)")) { _ = try fixture.unlock("tess").survivorFile(reference) }
    // sam belongs only to stovewood, so cannot move anyone back.
    #expect(throws: VaultError.notInYourTeams("team 'trauma-service'")) { try sam.moveSurvivor(reference, to: "trauma-service") }
  }

  @Test("the reporting role reads statistical fields of every team, and cannot open a name")
  func statistics() throws {
    let fixture = try Self.partnership()
    let first = try fixture.unlock("wendy").addSurvivor(team: "trauma-service", details: Self.testperson)
    let second = try fixture.unlock("sam").addSurvivor(
      team: "stovewood", details: SurvivorDetails(name: "Testperson Delta", gender: .male, cohort: .familyOfSuspect))
    let day = try CalendarDate(parsing: "2024-01-01")
    _ = try fixture.unlock("wendy").recordConsent(first, purpose: .statistics, decision: .granted, date: day, method: .written)
    _ = try fixture.unlock("sam").recordConsent(second, purpose: .statistics, decision: .granted, date: day, method: .verbal)
    let rita = try fixture.unlock("rita")
    let statistics = try rita.survivorStatistics().survivors
    #expect(statistics.map(\.cohort) == [.victimSurvivor, .familyOfSuspect])
    #expect(statistics.map(\.gender) == [.female, .male])
    #expect(statistics[0].district == "Rotherham")
    #expect(throws: VaultError.self) { _ = try rita.survivorFile(try SurvivorReference(parsing: "HV-2026-00001")) }
    // With the statistics-derived key, the name envelope does not open.
    let row = try #require(try fixture.rawDatabase().read { db in try SurvivorRow.fetch(db, id: 1) })
    let nameBinding = FieldBinding(record: RecordBinding(table: "survivor", recordID: 1), field: "name", keyVersion: 1)
    let genderBinding = FieldBinding(record: RecordBinding(table: "survivor", recordID: 1), field: "gender", keyVersion: 1)
    let (nameOpened, gender) = try fixture.rawDatabase().read { db -> (Bool, String?) in
      guard
        let secret = try UserKeyHolder(rita).heldKey(
          db, directory: try rita.directory(db), kind: .statistics, teamID: nil, version: 1, as: BoxSecretKeyPurpose.self)
      else { return (true, nil) }
      let key = try HybridKeyAgreement.recover(
        ephemeral: BoxPublicKey(bytes: row.statisticsEphemeralKey), recipient: BoxKeyPair(secretKey: secret),
        label: CaseKeys.statisticsLabel, as: StatisticsFieldKeyPurpose.self)
      let name = try? FieldCipher.openStatistical(
        row.envelopes[.name]!, key: key, binding: nameBinding, vaultID: rita.metadata.vaultID)
      let gender = try? FieldCipher.openStatistical(
        row.envelopes[.gender]!, key: key, binding: genderBinding, vaultID: rita.metadata.vaultID)
      return (name != nil, gender)
    }
    #expect(!nameOpened)
    #expect(gender == "female")
    // Workers cannot use the statistics reader.
    #expect(throws: VaultError.self) { _ = try fixture.unlock("wendy").survivorStatistics() }
  }
}

@Suite("Calendar dates")
struct CalendarDateTests {
  @Test("parsing refuses impossible dates; adding days crosses months, leap days and years")
  func arithmetic() throws {
    #expect(throws: VaultError.self) { _ = try CalendarDate(parsing: "2023-02-29") }
    #expect(throws: VaultError.self) { _ = try CalendarDate(parsing: "2024-13-01") }
    #expect(throws: VaultError.self) { _ = try CalendarDate(parsing: "24-01-01") }
    let leap = try CalendarDate(parsing: "2024-02-28")
    #expect(leap.adding(days: 1).description == "2024-02-29")
    #expect(leap.adding(days: 2).description == "2024-03-01")
    #expect(try CalendarDate(parsing: "2024-12-31").adding(days: 1).description == "2025-01-01")
    #expect(try CalendarDate(parsing: "2025-01-01").adding(days: -1).description == "2024-12-31")
    #expect(try CalendarDate(parsing: "2024-04-01").days(until: try CalendarDate(parsing: "2025-03-31")) == 364)
    #expect(
      AgeBand.at(referral: try CalendarDate(parsing: "2024-03-13"), birth: try CalendarDate(parsing: "2006-03-14")) == .from16To17
    )
    #expect(
      AgeBand.at(referral: try CalendarDate(parsing: "2024-03-14"), birth: try CalendarDate(parsing: "2006-03-14")) == .from18To24
    )
    #expect(AgeBand.at(referral: try CalendarDate(parsing: "2024-03-14"), birth: nil) == .unknown)
  }
}

extension CalendarDate {
  /// A literal date in a test fixture.
  static func testDate(_ text: String) -> CalendarDate {
    guard let date = try? CalendarDate(parsing: text) else { preconditionFailure("bad test date \(text)") }
    return date
  }
}
