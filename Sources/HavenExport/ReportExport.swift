import HavenVault

/// Makes the commissioner's report (`haven export report`): streams every consenting survivor
/// through `ReportCounts` with the statistics key alone, applies disclosure control, and
/// renders HTML, CSV and JSON into one export request.
public enum ReportExport {
  public static func make(
    session: VaultSession, period: ReportPeriod, filter: ReportFilter, rules: DisclosureRules,
    on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (report: CommissionerReport, request: ExportSigner.Request) {
    let (report, consent) = try figures(session: session, period: period, filter: filter, rules: rules, method: .cellKey, on: day)
    var parameters = [
      "from": period.from.description, "to": period.to.description, "threshold": String(rules.threshold),
      "method": report.method.rawValue, "maximum-adjustment": String(report.maximumNoise),
    ]
    if let service = filter.service { parameters["service"] = service }
    if let pathway = filter.pathway { parameters["pathway"] = pathway.rawValue }
    let request = ExportSigner.Request(
      kind: "report", title: report.title, parameters: parameters, consent: consent,
      disclosureNotes: report.notes, entries: try ReportRendering.entries(report), auditCheckpoint: try session.latestCheckpoint()
    )
    return (report, request)
  }

  /// The report's figures under one disclosure method. `.exactInternal` is for the vault's own
  /// use (`haven export internal-report` prints it and writes no file); its read is audited as
  /// such, so an auditor sees every exact read.
  public static func figures(
    session: VaultSession, period: ReportPeriod, filter: ReportFilter, rules: DisclosureRules, method: DisclosureMethod,
    on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (report: CommissionerReport, consent: ConsentFilterSummary) {
    var counts = ReportCounts(period: period, filter: filter)
    let target = method == .cellKey ? "report" : "report (exact counts, internal use)"
    let consent = try session.readStatisticalCases(consentFor: .statistics, on: day, target: target) { counts.add($0) }
    let labels = ReportLabels(
      services: Dictionary(
        uniqueKeysWithValues: try session.listServices().compactMap { service in service.displayName.map { (service.name, $0) } })
    )
    let report = CommissionerReport(
      counts: counts, consent: consent, rules: rules, partnership: session.vault.metadata.name, labels: labels, method: method)
    return (report, consent)
  }
}
