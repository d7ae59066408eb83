import HavenCrypto
import HavenVault

/// Makes the commissioner's report (`haven export report`): refuses a cut outside the release
/// grid, streams every consenting survivor through `ReportCounts` with the statistics key alone,
/// applies disclosure control, and renders HTML, CSV and JSON into one export request.
public enum ReportExport {
  public static func make(
    session: VaultSession, period: ReportPeriod, filter: ReportFilter, rules: DisclosureRules, revise: Bool = false,
    rewrapKeys: Bool = false, on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (report: CommissionerReport, request: ExportSigner.Request) {
    if let reason = ReleaseGrid.refusal(period: period, filter: filter) {
      try session.refuseReportRelease(detail: "outside the release grid: \(cutDescription(period, filter))", reason: reason)
    }
    var (report, consent) = try figures(
      session: session, period: period, filter: filter, rules: rules, method: .cellKey, rewrapKeys: rewrapKeys, on: day)
    let release = try ledgerDecision(
      session: session, period: period, figures: Hex.encode(SHA256.hash(Array(try ReportRendering.csv(report).utf8))),
      revise: revise)
    if let replaced = release.replaces {
      report.revision = release.release.revision
      report.replaces = replaced
    }
    // A released report has no service or pathway filter: the grid refused one above.
    let parameters = [
      "from": period.from.description, "to": period.to.description, "threshold": String(rules.threshold),
      "method": report.method.rawValue, "maximum-adjustment": String(report.maximumNoise),
      "revision": String(release.release.revision),
    ]
    let request = ExportSigner.Request(
      kind: "report", title: report.title, parameters: parameters, consent: consent,
      disclosureNotes: report.notes + (report.revision > 0 ? [revisionStatement(report)] : []),
      entries: try ReportRendering.entries(report), auditCheckpoint: try session.latestCheckpoint(),
      release: release.release)
    return (report, request)
  }

  /// What the release ledger allows for these figures: the first release of the period; the
  /// same figures again (same revision); or, only with `revise`, the next revision. Different
  /// figures without `revise` are refused (exit 77) and audited.
  static func ledgerDecision(
    session: VaultSession, period: ReportPeriod, figures: String, revise: Bool
  ) throws(VaultError) -> (release: ReportRelease, replaces: String?) {
    let history = try session.reportReleases(from: period.from, to: period.to)
    guard let last = history.last else {
      if revise {
        throw .invalidArgument("\(period.label) has not been released, so there is nothing to revise: leave out --revise")
      }
      return (ReportRelease(from: period.from, to: period.to, revision: 0, figuresSHA256: figures), nil)
    }
    func described(_ released: ReleasedReport) -> String { "\(released.releasedAt.prefix(10)) by \(released.releasedBy)" }
    let when = described(last)
    if last.release.figuresSHA256 == figures {
      // The same figures sent again: the same revision, replacing what that revision replaced.
      let replaced = history.last { $0.release.revision == last.release.revision - 1 }
      return (last.release, replaced.map { "the release of \(described($0))" })
    }
    guard revise else {
      try session.refuseReportRelease(
        detail: "already released: \(period.from) to \(period.to), figures changed since revision \(last.release.revision)",
        reason:
          "\(period.label) was released on \(when)"
          + (last.release.revision > 0 ? " (revision \(last.release.revision))" : "")
          + " and its figures have changed since; a second, different release could be compared with the first to"
          + " find people. Publish it as a revision with --revise (docs/export.md, 'Release ledger'), or send the"
          + " earlier file again")
    }
    return (
      ReportRelease(from: period.from, to: period.to, revision: last.release.revision + 1, figuresSHA256: figures),
      "the release of \(when)"
    )
  }

  /// The sentence a revised report carries.
  public static func revisionStatement(_ report: CommissionerReport) -> String {
    "Revision \(report.revision) of this period's report: it replaces \(report.replaces ?? "the earlier release"). "
      + "Figures whose records changed have new adjustments, so they may differ from it by more than the change."
  }

  static func cutDescription(_ period: ReportPeriod, _ filter: ReportFilter) -> String {
    ["\(period.from) to \(period.to)", filter.service.map { "service \($0)" }, filter.pathway.map { "pathway \($0.rawValue)" }]
      .compactMap { $0 }.joined(separator: ", ")
  }

  /// The report's figures under one disclosure method. `.exactInternal` is for the vault's own
  /// use (`haven export internal-report` prints it and writes no file); its read is audited as
  /// such, so an auditor sees every exact read.
  public static func figures(
    session: VaultSession, period: ReportPeriod, filter: ReportFilter, rules: DisclosureRules, method: DisclosureMethod,
    rewrapKeys: Bool = false, on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (report: CommissionerReport, consent: ConsentFilterSummary) {
    var counts = ReportCounts(period: period, filter: filter)
    let target = method == .cellKey ? "report" : "report (exact counts, internal use)"
    let consent = try session.readStatisticalCases(consentFor: .statistics, on: day, target: target, rewrapKeys: rewrapKeys) {
      counts.add($0)
    }
    let labels = ReportLabels(
      services: Dictionary(
        uniqueKeysWithValues: try session.listServices().compactMap { service in service.displayName.map { (service.name, $0) } })
    )
    let report = CommissionerReport(
      counts: counts, consent: consent, rules: rules, partnership: session.vault.metadata.name, labels: labels, method: method)
    return (report, consent)
  }
}
