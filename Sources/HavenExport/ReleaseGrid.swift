import HavenVault

/// The cuts a released report may take: one whole UK financial year of the whole partnership.
///
/// The Cell Key Method turns a difference of two overlapping releases into a difference of
/// noises, but every extra overlapping cut (a half-year inside a year, one service inside the
/// partnership) is another noisy equation about the same people, and enough of them can pin a
/// small cell. Fixing the grid keeps the releases few and never nested: two released reports
/// are either the same cut (the same cells, the same noise, unless the records changed) or
/// disjoint years. Services and pathways are already broken down inside the report. Any other
/// period or filter is for the vault's own use (`haven export internal-report`).
public enum ReleaseGrid {
  /// Why this cut may not be released, in words a reporting user can act on; nil when it may.
  public static func refusal(period: ReportPeriod, filter: ReportFilter) -> String? {
    var problems: [String] = []
    if !isFinancialYear(period) {
      problems.append(
        "it covers \(period.from) to \(period.to), not one whole financial year (1 April to 31 March)")
    }
    if let service = filter.service { problems.append("it is restricted to the service '\(service)'") }
    if let pathway = filter.pathway { problems.append("it is restricted to the pathway '\(pathway.rawValue)'") }
    guard !problems.isEmpty else { return nil }
    return problems.joined(separator: " and ")
      + "; a released report covers one whole financial year of every service and pathway (each is broken down"
      + " inside it), because overlapping releases could be differenced. For the vault's own use, any period or"
      + " filter: 'haven export internal-report'"
  }

  static func isFinancialYear(_ period: ReportPeriod) -> Bool {
    period.from.month == 4 && period.from.day == 1 && period.to.year == period.from.year + 1 && period.to.month == 3
      && period.to.day == 31
  }
}
