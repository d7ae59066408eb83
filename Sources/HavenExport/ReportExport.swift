import HavenVault

/// Makes the commissioner's report (`haven export report`): streams every consenting survivor
/// through `ReportCounts` with the statistics key alone, applies disclosure control, and
/// renders HTML, CSV and JSON into one export request.
public enum ReportExport {
  public static func make(
    session: VaultSession, period: ReportPeriod, filter: ReportFilter, rules: DisclosureRules,
    on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (report: CommissionerReport, request: ExportSigner.Request) {
    var counts = ReportCounts(period: period, filter: filter)
    let consent = try session.readStatisticalCases(consentFor: .statistics, on: day, target: "report") { counts.add($0) }
    let report = CommissionerReport(counts: counts, consent: consent, rules: rules, partnership: session.vault.metadata.name)
    var parameters = ["from": period.from.description, "to": period.to.description, "threshold": String(rules.threshold)]
    if let service = filter.service { parameters["service"] = service }
    if let pathway = filter.pathway { parameters["pathway"] = pathway.rawValue }
    let request = ExportSigner.Request(
      kind: "report", title: report.title, parameters: parameters, consent: consent, disclosureNotes: report.notes,
      entries: try ReportRendering.entries(report), auditCheckpoint: try session.latestCheckpoint())
    return (report, request)
  }
}
