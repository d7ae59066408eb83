import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// The reads that serve many survivors in one transaction: a caseload read whole, and a batch of
/// lookups. Each survivor they reach is audited exactly as a single read would be.
@Suite("Bulk reads: whole caseloads and batches of lookups")
struct BulkReadTests {
  @Test("readCaseFiles gives every file of the user's teams, whole, and audits each as a read")
  func caseload() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    var references: [SurvivorReference] = []
    for index in 1...3 {
      let reference = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson \(index)"))
      for day in 1...index {
        _ = try wendy.recordSession(
          reference,
          NewSupportSession(
            date: try CalendarDate(parsing: "2024-06-0\(day)"), minutes: 50, kind: .oneToOne, attendance: .attended,
            notes: "Canary note \(index)"))
      }
      references.append(reference)
    }
    let sam = try fixture.unlock("sam")
    _ = try sam.addSurvivor(team: "stovewood", details: SurvivorDetails(name: "Testperson Elsewhere"))
    let before = try fixture.auditEntries().count

    var files: [SurvivorFile] = []
    #expect(try wendy.readCaseFiles { files.append($0) } == 3)
    #expect(files.map(\.reference) == references)
    #expect(files.map(\.sessions.count) == [1, 2, 3])
    #expect(files.map(\.details.name) == ["Testperson 1", "Testperson 2", "Testperson 3"])
    #expect(files.allSatisfy { $0.sessions.allSatisfy { $0.notes?.hasPrefix("Canary note") == true } })

    let entries = Array(try fixture.auditEntries().dropFirst(before))
    let reads = entries.filter { $0["action"] == "survivor.read" && $0["outcome"] == "ok" }
    #expect(reads.map { $0["target"] as String? } == files.map { "survivor:\($0.id)" })
    #expect(Set(reads.compactMap { $0["subject"] as String? }).count == 3)

    // Another team's worker reads none of them, and asking for that team is refused and audited.
    #expect(try sam.readCaseFiles(team: "stovewood") { _ in } == 1)
    #expect(throws: VaultError.notInYourTeams("team 'trauma-service'")) {
      _ = try sam.readCaseFiles(team: "trauma-service") { _ in Issue.record("a file was shown") }
    }
    let denied = try fixture.auditEntries().filter { $0["outcome"] == "denied" && $0["action"] == "survivor.read" }
    #expect(denied.count == 1)
    // A reporting user holds no record key and may not read case files at all.
    #expect(throws: VaultError.self) { _ = try fixture.unlock("rita").readCaseFiles { _ in } }
  }

  @Test("findSurvivors(byEach:) answers like one search per criterion, in one transaction, each audited")
  func batchOfLookups() throws {
    let fixture = try CaseRecordTests.partnership()
    let wendy = try fixture.unlock("wendy")
    let first = try wendy.addSurvivor(team: "trauma-service", details: CaseRecordTests.testperson)
    let second = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Testperson Beta"))
    let elsewhere = try fixture.unlock("sam").addSurvivor(team: "stovewood", details: SurvivorDetails(name: "Testperson Gamma"))
    let criteria: [SurvivorSearch] = [
      .reference(second), .reference(elsewhere), .externalID("legacy-0042"), .name("Testperson Beta"), .reference(first),
    ]
    let before = try fixture.auditEntries()
    let batch = try wendy.findSurvivors(byEach: criteria)
    #expect(batch.map { $0.map(\.reference) } == [[second], [], [first], [second], [first]])
    let entries = Array(try fixture.auditEntries().dropFirst(before.count))
    let finds = entries.filter { $0["action"] == "survivor.find" }
    #expect(finds.count == criteria.count)
    #expect(finds.filter { ($0["detail"] as String?)?.hasSuffix("no match") == true }.count == 1)
    // One transaction: one signed checkpoint for the whole batch.
    let checkpoints = try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_checkpoints") }
    #expect(try wendy.findSurvivors(by: .reference(first)).map(\.reference) == [first])
    let after = try fixture.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_checkpoints") }
    #expect(after == (checkpoints ?? 0) + 1)
  }
}
