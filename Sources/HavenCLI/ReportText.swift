import HavenExport

/// The commissioner's report on a terminal: the summary after an export, or every table of the
/// internal exact report.
enum ReportText {
  static func summary(_ report: CommissionerReport) {
    Console.out(report.title)
    for row in report.headline.rows {
      Console.out("  \(row.label): \(row.cells[0].display) referrals, \(row.cells[1].display) people")
    }
    Console.out(
      "  survivors counted: \(report.survivorsCounted); left out for consent: \(report.excludedForConsent.values.reduce(0, +))"
        + ExportCommand.reasons(report.excludedForConsent))
    Console.out("  \(report.methodStatement)")
    if report.revision > 0 { Console.out("  " + ReportExport.revisionStatement(report)) }
  }

  static func full(_ report: CommissionerReport) {
    summary(report)
    for outcomes in report.outcomes {
      Console.out("\n\(outcomes.title)\n  left support: \(outcomes.leaving.display) \(outcomes.unit)")
      for share in [outcomes.recorded] + outcomes.domains {
        Console.out("  \(share.label): \(share.display) (\(share.numerator.display) of \(share.base.display))")
      }
    }
    for table in [report.funnel] + report.tables {
      Console.out("\n" + table.title)
      Console.out(Presenter.table([[""] + table.columns] + table.rows.map { [$0.label] + $0.cells.map(\.display) }))
    }
    Console.out(
      "\nWaiting time: \(report.waitingReferrals.display) referrals with a first session; median \(report.waitingMedianDays) days, "
        + "90th percentile \(report.waitingP90Days) days")
  }
}
