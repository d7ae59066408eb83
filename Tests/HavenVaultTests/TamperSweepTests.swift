import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Flips random bytes in every encrypted column of a fully recorded survivor, one at a time, and
/// swaps ciphertexts between columns: every change must be refused as damage (exit 65 at the
/// CLI), naming what failed, and never read as other plaintext. 3 flips per column in
/// `make test`; 40 with `HAVEN_SOAK=1`.
@Suite("Tamper: every encrypted column")
struct TamperSweepTests {
  static var flipsPerColumn: Int { ProcessInfo.processInfo.environment["HAVEN_SOAK"] == "1" ? 40 : 3 }

  static let columns: [(table: String, key: String, columns: [String])] = [
    (
      "survivors", "id",
      [
        "wrapped_record_key", "wrapped_statistics_key", "reference", "name", "aliases", "date_of_birth", "address", "postcode",
        "phone", "email", "nhs_number", "health_notes", "notes", "external_id", "safe_contact", "gender", "district", "cohort",
      ]
    ),
    ("referrals", "id", ["referral_date", "referrer_type", "referrer_role", "pathway", "service", "age_band"]),
    ("referral_events", "id", ["status", "event_date", "service", "reason", "recorded_by"]),
    ("support_sessions", "id", ["session_date", "minutes", "kind", "attendance", "worker", "notes"]),
    ("outcome_assessments", "id", ["stage", "assessed_on", "wellbeing", "self", "trauma", "relationships", "recorded_by"]),
    ("related_people", "id", ["relationship", "name", "phone", "email", "address", "notes"]),
    ("consent_events", "id", ["purpose", "decision", "decided_on", "method", "expires", "recorded_by"]),
  ]

  /// Everything a team member can read about the survivor, through every reader.
  struct Everything: Equatable {
    let details: SurvivorDetails
    let safeContact: SafeContact?
    let related: [RelatedPerson]
    let referrals: [Referral]
    let sessions: [SupportSession]
    let outcomes: [OutcomeAssessment]
    let consent: [ConsentEvent]
  }

  static func readEverything(_ session: VaultSession, _ reference: SurvivorReference) throws -> Everything {
    let file = try session.survivorFile(reference)
    return Everything(
      details: file.details, safeContact: file.safeContact, related: file.relatedPeople, referrals: file.referrals,
      sessions: file.sessions, outcomes: file.outcomes, consent: try session.consent(reference).history)
  }

  @Test("every flipped byte of every encrypted column is refused as damage; swapped ciphertexts too")
  func sweep() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(team: "trauma-service", details: CaseRecordTests.testperson)
    try wendy.setSafeContact(reference, SafeContact(methods: [.text: true], times: "weekdays", note: "not at home"))
    _ = try wendy.addRelatedPerson(
      reference,
      RelatedPerson(
        relationship: .parent, name: "Parent Example", phone: "07700 900456", email: "p@example.invalid", address: "2 StoreRow",
        notes: "n"))
    let referral = try wendy.addReferral(
      reference,
      NewReferral(
        date: try CalendarDate(parsing: "2024-05-01"), referrerType: .police, referrerRole: "DC", pathway: .postCSE,
        service: "trauma-service"))
    try wendy.changeReferralStatus(
      referral, ReferralStatusChange(status: .triaged, date: try CalendarDate(parsing: "2024-05-02")))
    try wendy.changeReferralStatus(
      referral,
      ReferralStatusChange(
        status: .allocated, date: try CalendarDate(parsing: "2024-05-03"), service: "specialist-a", reason: "need"))
    try wendy.changeReferralStatus(
      referral,
      ReferralStatusChange(status: .closed, date: try CalendarDate(parsing: "2024-05-04"), reason: "declined"))
    _ = try wendy.recordSession(
      reference,
      NewSupportSession(
        date: try CalendarDate(parsing: "2024-05-02"), minutes: 50, kind: .phone, attendance: .attended, notes: "note"))
    _ = try wendy.recordOutcome(
      reference,
      NewOutcomeAssessment(
        stage: .start, date: try CalendarDate(parsing: "2024-05-02"),
        ratings: [.wellbeing: 3, .selfRegard: 4, .trauma: 5, .relationships: 6]))
    _ = try wendy.recordConsent(
      reference, purpose: .statistics, decision: .granted, date: try CalendarDate(parsing: "2024-05-02"), method: .written,
      expires: try CalendarDate(parsing: "2030-01-01"))
    let truth = try Self.readEverything(wendy, reference)
    let database = try fixture.rawDatabase()
    var trials = 0
    for (table, key, columns) in Self.columns {
      for column in columns {
        let (id, original) = try #require(
          try database.read { db in
            try StoreRow.fetchOne(db, sql: "SELECT \(key), \(column) FROM \(table) WHERE \(column) IS NOT NULL LIMIT 1").map {
              ($0[0] as Int64, $0[1] as Data)
            }
          }, "\(table).\(column) is empty")
        for _ in 0..<Self.flipsPerColumn {
          var altered = original
          altered[Int.random(in: 0..<altered.count)] ^= UInt8.random(in: 1...255)
          try database.write { db in
            try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(key) = ?", arguments: [altered, id])
          }
          trials += 1
          do {
            let read = try Self.readEverything(wendy, reference)
            Issue.record(
              "\(table).\(column): a flipped byte was read\(read == truth ? " as the original" : " as other plaintext")")
          } catch let error as VaultError {
            #expect(error.category == .dataError, "\(table).\(column): \(error.message)")
          }
        }
        try database.write { db in
          try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(key) = ?", arguments: [original, id])
        }
      }
      // Swaps: each column's ciphertext moved into the next column of the same row.
      for (first, second) in zip(columns, columns.dropFirst()) {
        let id = try database.read { db in
          try Int64.fetchOne(db, sql: "SELECT \(key) FROM \(table) WHERE \(first) IS NOT NULL AND \(second) IS NOT NULL LIMIT 1")
        }
        guard let id else { continue }
        let saved = try database.read { db in
          try Data.fetchOne(db, sql: "SELECT \(second) FROM \(table) WHERE \(key) = ?", arguments: [id])
        }
        try database.write { db in
          try db.execute(sql: "UPDATE \(table) SET \(second) = \(first) WHERE \(key) = ?", arguments: [id])
        }
        trials += 1
        #expect(throws: VaultError.self, "\(table): \(first) swapped into \(second) was accepted") {
          _ = try Self.readEverything(wendy, reference)
        }
        try database.write { db in
          try db.execute(sql: "UPDATE \(table) SET \(second) = ? WHERE \(key) = ?", arguments: [saved, id])
        }
      }
    }
    #expect(try Self.readEverything(wendy, reference) == truth)
    print("tamper sweep: \(trials) altered or swapped ciphertexts, all refused")
  }
}
