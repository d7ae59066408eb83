import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

@Suite("Consent, holds, retention and erasure")
struct ConsentAndErasureTests {
  func day(_ text: String) throws -> CalendarDate { try CalendarDate(parsing: text) }

  @Test("the effective consent at any instant follows the history: grants, withdrawals, refusals, expiry")
  func ledger() throws {
    func event(_ id: Int64, _ decision: ConsentDecision, _ date: String, expires: String? = nil) throws -> ConsentEvent {
      ConsentEvent(
        id: id, purpose: .statistics, decision: decision, date: try day(date), method: .written, expires: try expires.map(day),
        recordedBy: "w")
    }
    let history = [
      try event(1, .granted, "2024-01-10", expires: "2024-06-30"), try event(2, .withdrawn, "2024-03-01"),
      try event(3, .granted, "2024-04-01", expires: "2024-06-30"), try event(4, .refused, "2024-09-01"),
    ]
    let expectations: [(String, ConsentState.Status)] = [
      ("2024-01-09", .notAsked), ("2024-01-10", .given), ("2024-02-29", .given), ("2024-03-01", .withdrawn),
      ("2024-03-31", .withdrawn),
      ("2024-04-01", .given), ("2024-06-29", .given), ("2024-06-30", .expired), ("2024-08-31", .expired),
      ("2024-09-01", .refused),
    ]
    for (date, status) in expectations {
      #expect(ConsentLedger.state(of: .statistics, in: history, on: try day(date)).status == status, "on \(date)")
    }
    #expect(ConsentLedger.state(of: .evaluation, in: history, on: try day("2024-05-01")).status == .notAsked)
    // Two decisions on one day: the later record wins.
    let sameDay = [try event(1, .granted, "2024-01-10"), try event(2, .withdrawn, "2024-01-10")]
    #expect(ConsentLedger.state(of: .statistics, in: sameDay, on: try day("2024-01-10")).status == .withdrawn)
  }

  @Test("consent is recorded and shown with its history; bad input is refused and changes nothing")
  func recording() throws {
    let fixture = try CaseRecordTests.partnership()
    try fixture.admin().addAgency("south-yorkshire-police")
    let wendy = try fixture.unlock("wendy")
    let ref = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Consent"))
    _ = try wendy.recordConsent(
      ref, purpose: .statistics, decision: .granted, date: try day("2024-01-10"), method: .competentYoungPerson,
      expires: try day("2099-01-01"))
    _ = try wendy.recordConsent(
      ref, purpose: .share(agency: "south-yorkshire-police"), decision: .granted, date: try day("2024-01-10"),
      method: .parentOrGuardian)
    _ = try wendy.recordConsent(
      ref, purpose: .contact(.voicemail), decision: .refused, date: try day("2024-01-10"), method: .verbal)
    _ = try wendy.recordConsent(
      ref, purpose: .share(agency: "south-yorkshire-police"), decision: .withdrawn, date: try day("2024-02-01"), method: .verbal)
    let consent = try wendy.consent(ref)
    #expect(consent.history.count == 4)
    #expect(consent.history.allSatisfy { $0.recordedBy == "wendy" })
    let current = Dictionary(uniqueKeysWithValues: consent.current.map { ($0.purpose, $0.status) })
    #expect(current[.statistics] == .given)
    #expect(current[.share(agency: "south-yorkshire-police")] == .withdrawn)
    #expect(current[.contact(.voicemail)] == .refused)
    #expect(current[.evaluation] == .notAsked)

    let before = try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM consent_events") }
    let tomorrow = CalendarDate.today().adding(days: 1)
    #expect(throws: VaultError.invalidArgument("the consent date \(tomorrow) is in the future")) {
      _ = try wendy.recordConsent(ref, purpose: .support, decision: .granted, date: tomorrow, method: .written)
    }
    #expect(throws: VaultError.self) {
      _ = try wendy.recordConsent(
        ref, purpose: .share(agency: "nobody"), decision: .granted, date: try day("2024-01-01"), method: .written)
    }
    #expect(throws: VaultError.invalidArgument("there is no consent to withdraw: evaluation is not asked on 2024-03-01")) {
      _ = try wendy.recordConsent(ref, purpose: .evaluation, decision: .withdrawn, date: try day("2024-03-01"), method: .verbal)
    }
    #expect(throws: VaultError.self) { _ = try ConsentPurpose(parsing: "marketing") }
    #expect(throws: VaultError.self) {
      _ = try wendy.recordConsent(
        ref, purpose: .support, decision: .refused, date: try day("2024-01-01"), method: .written, expires: try day("2025-01-01"))
    }
    #expect(try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM consent_events") } == before)
  }

  @Test("the statistics reader honours consent at read time, and a withdrawal takes effect at once")
  func statisticsHonourConsent() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let consenting = try wendy.addSurvivor(
      team: "trauma-service", details: SurvivorDetails(name: "Testperson Yes", cohort: .victimSurvivor))
    _ = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Never Asked"))
    let expiring = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Expired"))
    _ = try wendy.recordConsent(
      consenting, purpose: .statistics, decision: .granted, date: try day("2024-01-01"), method: .written)
    _ = try wendy.recordConsent(
      expiring, purpose: .statistics, decision: .granted, date: try day("2024-01-01"), method: .written,
      expires: try day("2024-06-01"))
    let rita = try fixture.unlock("rita")
    let first = try rita.survivorStatistics()
    #expect(first.survivors.count == 1)
    #expect(first.excluded == ["not asked": 1, "expired": 1])
    _ = try wendy.recordConsent(
      consenting, purpose: .statistics, decision: .withdrawn, date: CalendarDate.today(), method: .verbal)
    let second = try rita.survivorStatistics()
    #expect(second.survivors.isEmpty)
    #expect(second.excluded == ["not asked": 1, "expired": 1, "withdrawn": 1])
    #expect(try wendy.consentDue().map(\.reference) == [expiring])
    #expect(try wendy.consentDue().first?.expired == true)
    // Read from the caseload index: a renewal, written after the index was built, is seen.
    _ = try wendy.recordConsent(
      expiring, purpose: .statistics, decision: .granted, date: CalendarDate.today(), method: .written,
      expires: CalendarDate.today().adding(days: 20))
    #expect(try wendy.consentDue().isEmpty)
    let soon = try wendy.consentDue(within: 30)
    #expect(soon.map(\.reference) == [expiring] && soon.first?.expired == false)
  }

  @Test("after erasure no byte of the survivor's values or ciphertexts is left in any vault file, and nobody can decrypt them")
  func erasure() throws {
    let fixture = try CaseRecordTests.partnership()
    try fixture.admin().addMember(team: "trauma-service", user: "ada")
    let wendy = try fixture.unlock("wendy")
    let canaries = [
      "Canary Erasedperson", "CANARY-NOTE-7F3A9", "07700 900999", "canary.erased@example.invalid", "CANARY-SESSION-NOTE-51C",
    ]
    let ref = try wendy.addSurvivor(
      team: "trauma-service",
      details: SurvivorDetails(
        name: canaries[0], phone: canaries[2], email: canaries[3], notes: canaries[1], externalID: "CANARY-EXT-1"))
    _ = try wendy.recordSession(
      ref,
      try NewSupportSession(date: try day("2024-01-02"), minutes: 30, kind: .phone, attendance: .attended, notes: canaries[4]))
    _ = try wendy.addRelatedPerson(ref, RelatedPerson(relationship: .parent, name: "Canary Parentperson"))
    _ = try wendy.addReferral(
      ref, NewReferral(date: try day("2024-01-01"), referrerType: .gp, pathway: .postCSE, service: "trauma-service"))
    let keep = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Kept"))
    let ciphertexts = try fixture.rawDatabase().read { db -> [[UInt8]] in
      let row = try StoreRow.fetchOne(
        db, sql: "SELECT wrapped_record_key, wrapped_statistics_key, name, notes, phone FROM survivors WHERE id = 1")!
      return row.values.compactMap { Data.fromStoreValue($0).map { [UInt8]($0) } }
    }
    #expect(ciphertexts.count == 5)

    // A worker has no right to erase; a hold blocks the admin.
    #expect(throws: VaultError.self) { try wendy.eraseSurvivor(ref, reason: "asked") }
    let hold = try wendy.placeHold(ref, reason: "Operation example: evidence request")
    let admin = try fixture.admin()
    let holds = try admin.listHolds()
    #expect(holds.map(\.reason) == ["Operation example: evidence request"])
    let expected = VaultError.underLegalHold(holdID: hold, survivorID: 1, placedAt: holds[0].placedAt)
    var refusal: VaultError?
    do { try admin.eraseSurvivor(ref, reason: "erasure request") } catch { refusal = error }
    #expect(refusal == expected)
    #expect(try wendy.survivorFile(ref).details.name == canaries[0])
    #expect(throws: VaultError.self) { try wendy.liftHold(hold) }
    try admin.liftHold(hold)
    #expect(try admin.eraseSurvivor(ref, reason: "erasure request of 2025-02-03") == .complete)

    let tombstones = try admin.tombstones()
    #expect(tombstones.map(\.survivorID) == [1])
    #expect(tombstones[0].reason == "erasure request of 2025-02-03")
    #expect(tombstones[0].erasedBy == "ada")
    #expect(throws: VaultError.notInYourTeams("survivor \(ref)")) { _ = try wendy.survivorFile(ref) }
    #expect(try wendy.findSurvivors(by: .name(canaries[0])).isEmpty)
    #expect(try wendy.survivorFile(keep).details.name == "Testperson Kept")
    // Even the recovery key finds nothing to open: the wrapped key is gone.
    try admin.deliverWithRecoveryKey(fixture.recoveryKey())
    #expect(
      try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM survivors WHERE id = 1") } == 0)

    var files: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: fixture.path) { files.append(fixture.path + "/" + name) }
    for name in try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/keys") {
      files.append(fixture.path + "/keys/" + name)
    }
    let contents = try files.filter { !$0.hasSuffix("/keys") }.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    #expect(files.contains { $0.hasSuffix("vault.sqlite") })
    for canary in canaries {
      for form in [
        Data(canary.utf8), Data(Data(canary.utf8).base64EncodedString().utf8), Data(Hex.encode(Array(canary.utf8)).utf8),
      ] {
        #expect(!contents.contains { $0.range(of: form) != nil }, "\(canary) found")
      }
    }
    for ciphertext in ciphertexts {
      #expect(
        !contents.contains { $0.range(of: Data(ciphertext.suffix(40))) != nil }, "an erased ciphertext is still in a vault file")
    }
    #expect(try AuditVerifier(vaultPath: fixture.path).verify().isIntact)
  }

  @Test("purge erases exactly what is past its retention period, and keeps what is on hold")
  func purge() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let held = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Held"))
    _ = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Old"))
    _ = try wendy.placeHold(held, reason: "live investigation")
    let admin = try fixture.admin()
    try admin.setRetentionYears(1)
    #expect(try admin.retentionDue().isEmpty)
    let later = Date().addingTimeInterval(2 * 366 * 86_400)
    let due = try admin.retentionDue(asOf: later)
    #expect(due.map(\.survivorID) == [1, 2])
    #expect(due[0].holds.count == 1 && due[1].holds.isEmpty)
    let (erased, kept, _) = try admin.purgeDue(asOf: later)
    #expect(erased == [2])
    #expect(kept == [1])
    #expect(try wendy.survivorFile(held).details.name == "Testperson Held")
    #expect(try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM survivors") } == 1)
    #expect(throws: VaultError.self) { _ = try wendy.retentionDue() }
  }

  @Test("retention reads each survivor's last activity, moved forward by any new record; a lost row is made again")
  func lastActivity() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let quiet = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Quiet"))
    let busy = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Busy"))
    let admin = try fixture.admin()
    try admin.setRetentionYears(1)
    // Pretend both were added three years ago; then a session is recorded for one today.
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "UPDATE survivors SET updated_at = '2023-01-01T00:00:00Z'")
      try db.execute(sql: "UPDATE survivor_activity SET last_activity = '2023-01-01T00:00:00Z'")
    }
    #expect(try admin.retentionDue().map(\.survivorID) == [1, 2])
    _ = try wendy.recordSession(
      busy, NewSupportSession(date: CalendarDate.today(), minutes: 30, kind: .oneToOne, attendance: .attended))
    #expect(try admin.retentionDue().map(\.survivorID) == [1])
    #expect(try admin.retentionDue().first?.lastActivity == "2023-01-01T00:00:00Z")
    // A row deleted outside haven is computed again from the records, not silently skipped.
    try fixture.rawDatabase().write { db in try db.execute(sql: "DELETE FROM survivor_activity WHERE survivor_id = 1") }
    #expect(try admin.retentionDue().map(\.survivorID) == [1])
    _ = quiet
  }
}

@Suite("Record ids after erasure")
struct RecordIDReuseTests {
  @Test("the newest survivor erased, the next one gets a new id: audit entries and pseudonyms never name two people")
  func idsAreNeverReused() throws {
    let fixture = try VaultFixture()
    let admin = try fixture.admin()
    try admin.addTeam("t")
    try fixture.addUser("wendy", role: .worker, teams: ["t"])
    try admin.addMember(team: "t", user: "ada")
    let wendy = try fixture.unlock("wendy")
    _ = try wendy.addSurvivor(team: "t", details: SurvivorDetails(name: "First Person"))
    let second = try wendy.addSurvivor(team: "t", details: SurvivorDetails(name: "Second Person"))
    let erasing = try fixture.admin()
    try erasing.eraseSurvivor(second, reason: "request")
    _ = try wendy.addSurvivor(team: "t", details: SurvivorDetails(name: "Third Person"))
    let ids = try fixture.rawDatabase().read { db in try Int64.fetchAll(db, sql: "SELECT id FROM survivors ORDER BY id") }
    #expect(ids == [1, 3])
  }
}
