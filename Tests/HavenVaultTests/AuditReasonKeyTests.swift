import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Access, break-glass, hold and erasure reasons are sealed to the audit reason key, which only
/// auditors, admins and the recovery key hold (issue 19, attack 6): a worker with the file and
/// every key of their own reads none of another team's reasons; hold reasons go with an erasure.
@Suite("Audit reasons: sealed to auditors and admins only")
struct AuditReasonKeyTests {
  static let holdCanary = "Testperson hold canary 5b1e"
  static let accessCanary = "Testperson access canary 77c2"

  @Test("a worker of another team cannot open hold or access reasons; an auditor and an admin can")
  func reasonsOnlyForAuditors() throws {
    let fixture = try DirectoryAttackTests.vault()
    try fixture.addUser("audrey", role: .auditor)
    _ = try fixture.unlock("wendy")
    let wendy = try fixture.unlock("wendy")
    wendy.accessReason = Self.accessCanary
    var details = SurvivorDetails(name: "Testperson Reasons")
    details.dateOfBirth = try CalendarDate(parsing: "2008-01-02")
    let reference = try wendy.addSurvivor(team: "north", details: details)
    let holdID = try wendy.placeHold(reference, reason: Self.holdCanary)

    // The auditor and the admin read both.
    let audrey = try fixture.unlock("audrey")
    #expect(try audrey.listHolds().contains { $0.reason == Self.holdCanary })
    #expect(try audrey.auditLog(AuditFilter()).contains { $0.reason == Self.accessCanary })
    #expect(try fixture.admin().listHolds().contains { $0.reason == Self.holdCanary })

    // The other team's worker, around the API, with his own keys: nothing opens.
    let mallory = try fixture.unlock("mallory")
    let (hold, access) = try fixture.rawDatabase().read { db in
      (
        [UInt8](try Data.fetchOne(db, sql: "SELECT reason FROM legal_holds WHERE id = ?", arguments: [holdID])!),
        try StoreRow.fetchAll(db, sql: "SELECT seq, reason FROM audit_entries WHERE reason IS NOT NULL").map {
          ($0["seq"] as Int64, [UInt8]($0["reason"] as Data))
        }
      )
    }
    #expect(!access.isEmpty)
    try fixture.rawDatabase().read { db in
      #expect(throws: VaultError.keyNotHeld(what: "the audit reason key (auditors and admins only)")) {
        _ = try mallory.openReason(db, hold, kind: .hold, id: holdID)
      }
      for (seq, sealed) in access {
        #expect(throws: VaultError.self) { _ = try mallory.openReason(db, sealed, kind: .access, id: seq) }
      }
      // Every sealed key in the file that opens with his box key: none is the reason key.
      for row in try StoreRow.fetchAll(db, sql: "SELECT key_kind, sealed_key FROM key_grants") {
        if (try? SealedBox.open([UInt8](row["sealed_key"] as Data), with: mallory.keys.box)) != nil {
          #expect(row["key_kind"] as String != "audit-reason")
        }
      }
    }
    #expect(throws: VaultError.self) { _ = try mallory.listHolds() }

    // An erasure takes the (lifted) hold and its reason with it.
    try fixture.admin().liftHold(holdID)
    try fixture.admin().addMember(team: "north", user: "ada")
    _ = try fixture.unlock("wendy")
    try fixture.admin().eraseSurvivor(reference, reason: "the survivor asked")
    let holds = try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM legal_holds") }
    #expect(holds == 0)
  }
}
