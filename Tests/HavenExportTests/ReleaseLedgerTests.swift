import Foundation
import GRDB
import Testing

@testable import HavenExport
@testable import HavenVault

/// Issue 17, before and after: a year released, two survivors added, the year released again.
/// The release ledger lets a year out once (the same figures may be sent again); changed
/// figures only as an explicit revision, and a ledger altered in SQL is refused, not trusted.
@Suite("The release ledger")
struct ReleaseLedgerTests {
  static func year() throws -> ReportPeriod { try ReportPeriod.financialYear("2022/23") }

  /// Makes the year's report as rita and records its delivery (an unsealed copy), as the CLI does.
  @discardableResult
  static func release(_ fixture: ExportFixture, revise: Bool = false) throws -> CommissionerReport {
    let rita = try fixture.unlock("rita")
    let made = try ReportExport.make(
      session: rita, period: try year(), filter: ReportFilter(), rules: DisclosureRules(), revise: revise)
    let signer = ExportSigner(session: rita)
    try signer.audit(try signer.sign(made.request, recipient: nil), action: .exportReport, recipient: nil)
    return made.report
  }

  static func refusals(_ fixture: ExportFixture) throws -> [AuditLogLine] {
    var filter = AuditFilter()
    filter.action = "export.report"
    filter.refusedOnly = true
    return try fixture.unlock("ada").auditLog(filter)
  }

  /// An insider's edit: foreign keys off, as anyone with the file and the sqlite3 shell can.
  static func sql(_ fixture: ExportFixture, _ statement: String) throws {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = false
    try DatabaseQueue(path: fixture.path + "/vault.sqlite", configuration: configuration).write {
      try $0.execute(sql: statement)
    }
  }

  @Test("before and after one added survivor (then two): each different release is refused and audited; a revision says so")
  func beforeAndAfter() throws {
    let fixture = try ExportFixture()
    try DifferencingAttackTests.add(DifferencingAttackTests.records.filter { !$0.added }, to: fixture)
    let first = try Self.release(fixture)
    #expect(first.revision == 0)
    #expect(try Self.release(fixture) == first, "the same figures may be sent again (to another recipient)")

    // One survivor added, then the second: each time the changed year is refused.
    for added in DifferencingAttackTests.records.filter(\.added) {
      try DifferencingAttackTests.add([added], to: fixture)
      do {
        try Self.release(fixture)
        Issue.record("a second, different release of the year was allowed")
      } catch VaultError.permissionDenied(_, let reason) {
        #expect(reason.contains("--revise") && reason.contains("by rita"))
      }
    }
    #expect(
      try Self.refusals(fixture).map(\.detail)
        == Array(repeating: "already released: 2022-04-01 to 2023-03-31, figures changed since revision 0", count: 2)
    )

    let revised = try Self.release(fixture, revise: true)
    #expect(revised.revision == 1 && revised.replaces?.hasPrefix("the release of ") == true)
    #expect(try ReportRendering.csv(revised).contains("release,revision,"))
    #expect(try Self.release(fixture, revise: true) == revised, "the same revision sent again is not a new revision")
    let ledger = try fixture.unlock("rita").reportReleases(from: try Self.year().from, to: try Self.year().to)
    #expect(ledger.map(\.release.revision) == [0, 0, 1, 1])
    #expect(ledger.allSatisfy { $0.releasedBy == "rita" })
  }

  @Test("revising a year never released is a usage error")
  func nothingToRevise() throws {
    let fixture = try ExportFixture()
    try DifferencingAttackTests.add(Array(DifferencingAttackTests.records.prefix(20)), to: fixture)
    #expect(throws: VaultError.self) { try Self.release(fixture, revise: true) }
  }

  @Test(
    "a ledger row altered, deleted or inserted in SQL is refused (exit 65), not trusted",
    arguments: [
      "UPDATE report_releases SET figures_sha256 = '00' || substr(figures_sha256, 3)",
      "UPDATE report_releases SET revision = 7",
      "DELETE FROM report_releases",
      "INSERT INTO report_releases (period_from, period_to, revision, figures_sha256, audit_seq) SELECT period_from, period_to, 1, figures_sha256, 1 FROM report_releases",
      "UPDATE audit_entries SET detail = replace(detail, 'revision 0', 'revision 1') WHERE action = 'export.report'",
    ])
  func alteredLedger(statement: String) throws {
    let fixture = try ExportFixture()
    try DifferencingAttackTests.add(Array(DifferencingAttackTests.records.prefix(20)), to: fixture)
    try Self.release(fixture)
    try Self.sql(fixture, statement)
    do {
      try Self.release(fixture)
      Issue.record("the altered ledger was trusted")
    } catch let error as VaultError {
      guard case .databaseDamaged(let message) = error else {
        Issue.record("expected the ledger to be refused as altered, got \(error)")
        return
      }
      #expect(message.contains("release ledger was altered") && error.category == .dataError)
    }
  }

  @Test("renumbering a referral to change its record key (and so its noise) is refused: its fields are bound to its id")
  func recordKeysCannotBeShifted() throws {
    let fixture = try ExportFixture()
    try DifferencingAttackTests.add(Array(DifferencingAttackTests.records.prefix(20)), to: fixture)
    try Self.sql(fixture, "UPDATE referrals SET id = id + 1000 WHERE id = (SELECT min(id) FROM referrals)")
    #expect {
      try Self.release(fixture)
    } throws: { error in
      guard case VaultError.fieldAuthenticationFailed(let table, _, _) = error else { return false }
      return table == "referral"
    }
  }
}
