import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Removal cuts what it can (issue 19, attack 5): a removed member who kept their team key,
/// their blind-index keys and a survivor's record key from before reads nothing written to that
/// survivor afterwards, and cannot confirm by name who the team holds now.
@Suite("Removal: re-key on write and blind indexes rotated")
struct RemovalRekeyTests {
  static let canary = "Testperson session canary 3d41"

  static func details(_ name: String) throws -> SurvivorDetails {
    var details = SurvivorDetails(name: name, district: "Northtown")
    details.dateOfBirth = try CalendarDate(parsing: "2008-01-02")
    return details
  }

  @Test("re-keying finds every encrypted column, including those format 7 added with ALTER TABLE")
  func rekeyCoversAddedColumns() throws {
    let fixture = try VaultFixture()
    let columns = try fixture.vault.database.read { db in
      try Dictionary(
        uniqueKeysWithValues: ["support_sessions", "outcome_assessments", "referrals"].map {
          ($0, try CaseFileColumns.columns(db, table: $0))
        })
    }
    #expect(columns["support_sessions"]!.contains { $0.name == "referral" && $0.protection == .statistics })
    #expect(columns["outcome_assessments"]!.contains { $0.name == "referral" && $0.protection == .statistics })
    #expect(columns["referrals"]!.contains { $0.name == "external_id" && $0.protection == .team })
    #expect(
      columns["support_sessions"]!.map(\.name) == [
        "session_date", "minutes", "kind", "attendance", "worker", "notes", "referral",
      ])
  }

  @Test("a removed member's saved keys open nothing written after the removal, and confirm no name")
  func removedMemberKeepsNothingNew() throws {
    let fixture = try VaultFixture()
    let admin = try fixture.admin()
    try admin.addTeam("north")
    try admin.addDistrict("Northtown")
    try fixture.addUser("wendy", role: .worker, teams: ["north"])
    try fixture.addUser("will", role: .worker, teams: ["north"])
    try fixture.addUser("rita", role: .reporting)
    _ = try fixture.unlock("wendy")
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(team: "north", details: Self.details("Testperson Before"))
    // A statistical read before the removal leaves the survivor's statistics key wrapped for the
    // reporting role (format 11); the re-key below must drop that wrap, or the last read fails.
    try admin.deliverWithRecoveryKey(fixture.recoveryKey())
    _ = try fixture.unlock("rita").readStatisticalCases(consentFor: .statistics) { _ in }
    #expect(try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM statistics_key_wraps") } == 1)

    // What will copies while a member: north v1, its blind-index key for names, the record key.
    let will = try fixture.unlock("will")
    let (stolenTeam, stolenIndex, stolenRecord) = try fixture.rawDatabase().read { db in
      let north = try TeamRecord.named("north", db)!
      let row = try SurvivorRow.fetch(db, id: 1)!
      return (
        try will.teamKey(db, team: north, version: 1), try will.blindIndexKey(db, team: north, kind: .name),
        KeyCache<RecordKeyPurpose>.Entry(
          key: try will.openRecordKey(db, row.wrappedRecordKey, for: RecordBinding(table: "survivor", recordID: 1)))
      )
    }

    try admin.removeMember(team: "north", user: "will")
    let after = try fixture.unlock("wendy")  // rotates north to v2 and re-indexes
    let session = try NewSupportSession(
      date: CalendarDate(parsing: "2026-01-05"), minutes: 50, kind: .oneToOne, attendance: .attended, notes: Self.canary)
    let sessionID = try after.recordSession(reference, session)
    let later = try after.addSurvivor(team: "north", details: Self.details("Testperson Later"))
    let day = try CalendarDate(parsing: "2026-01-05")
    for survivor in [reference, later] {
      _ = try after.recordConsent(survivor, purpose: .statistics, decision: .granted, date: day, method: .written)
    }

    try fixture.rawDatabase().read { db in
      let row = try SurvivorRow.fetch(db, id: 1)!
      #expect(row.wrappedRecordKey.teamKeyVersion == 2, "the case file was not re-keyed on write")
      #expect(row.keyVersion == 2)
      // The old team key does not unwrap the new record key.
      let wrapping = try stolenTeam.key.deriveSubkey(id: 1, context: .recordWrapping, as: RecordWrappingKeyPurpose.self)
      #expect(throws: CryptoError.authenticationFailed) {
        _ = try FieldEnvelope.openKey(
          row.wrappedRecordKey.envelope, key: wrapping,
          context: RecordKeyContext.encode(
            vaultID: after.metadata.vaultID, binding: RecordBinding(table: "survivor", recordID: 1), teamID: 1, version: 2),
          as: RecordKeyPurpose.self)
      }
      // The old record key opens neither the new session's notes nor the re-sealed name.
      let notes = [UInt8](try Data.fetchOne(db, sql: "SELECT notes FROM support_sessions WHERE id = ?", arguments: [sessionID])!)
      for generation in [Int64(1), 2] {
        let binding = FieldBinding(
          record: RecordBinding(table: "support_session", recordID: sessionID), field: "notes", keyVersion: generation)
        #expect(throws: (any Error).self) {
          _ = try FieldEnvelope.open(notes, key: stolenRecord.key, context: binding.context(vaultID: after.metadata.vaultID))
        }
      }
      // His name index key finds neither the survivor added after nor the one before.
      for name in ["Testperson Later", "Testperson Before"] {
        let value = BlindIndex.value(name, kind: .name, key: stolenIndex.key)
        let hits = try Int.fetchOne(
          db, sql: "SELECT count(*) FROM survivor_index WHERE kind = 'name' AND value = ?", arguments: [Data(value)])
        #expect(hits == 0, "\(name) confirmed with a removed member's index key")
      }
    }

    // The team reads and finds everything; the reporting role still reads statistics.
    let wendyAgain = try fixture.unlock("wendy")
    #expect(try wendyAgain.supportSessions(reference).contains { $0.notes == Self.canary })
    #expect(try wendyAgain.findSurvivors(by: .name("Testperson Before")).count == 1)
    #expect(try wendyAgain.findSurvivors(by: .name("Testperson Later")).count == 1)
    try fixture.admin().deliverWithRecoveryKey(fixture.recoveryKey())
    var districts: [String] = []
    _ = try fixture.unlock("rita").readStatisticalCases(consentFor: .statistics) { districts.append($0.district ?? "") }
    #expect(districts == ["Northtown", "Northtown"])
    #expect(try AuditVerifier(vaultPath: fixture.path).verify().isIntact)
  }
}
