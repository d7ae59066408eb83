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
    #expect(report.outcomes.map(\.recorded.display) == ["n/a (no leaving referrals)", "n/a (no leavers)"])
    for outcomes in report.outcomes {
      #expect(outcomes.domains.count == 4)
      for share in outcomes.domains {
        #expect(share.display == "n/a (no \(outcomes.unit) with ratings)")
        #expect(share.percent == nil)
      }
    }
  }
}
