import Foundation
import Testing

@testable import HavenExport
@testable import HavenVault

/// Issue 17 (observed): with no leavers, the outcome shares said `[c]` (confidential) although
/// nothing was hidden. A zero base now says so; `[c]` stays for what disclosure control withholds.
@Suite("Report: a zero base is not a suppression")
struct ReportZeroBaseTests {
  @Test("with no leavers, every outcome share reads n/a, never [c]")
  func noLeavers() throws {
    let counts = ReportCounts(period: try ReportPeriod.financialYear("2023/24"))
    let report = CommissionerReport(
      counts: counts, consent: ConsentFilterSummary(purpose: "statistics", included: 0, excluded: [:]),
      partnership: "Example Partnership")
    #expect(report.outcomeRecorded.display == "n/a (no leavers)")
    #expect(report.outcomes.count == 4)
    for share in report.outcomes {
      #expect(share.display == "n/a (no leavers with ratings)")
      #expect(share.percent == nil)
    }
  }
}
