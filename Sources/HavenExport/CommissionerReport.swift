import HavenVault

/// One published number: its value only when shown.
public struct PublishedCell: Sendable, Codable, Equatable {
  public let value: Int?
  public let display: String
  public let protection: CellProtection

  init(_ value: Int, _ protection: CellProtection, threshold: Int) {
    self.protection = protection
    switch protection {
    case .shown:
      self.value = value
      self.display = String(value)
    case .primary:
      self.value = nil
      self.display = "<\(threshold)"
    case .secondary:
      self.value = nil
      self.display = "[c]"
    }
  }
}

public struct PublishedRow: Sendable, Codable, Equatable {
  public let label: String
  public let cells: [PublishedCell]
}

/// A table as published: rows of cells under column headings; the last row and (for a grid)
/// the last column are totals.
public struct PublishedTable: Sendable, Codable, Equatable {
  public let id: String
  public let title: String
  public let columns: [String]
  public let rows: [PublishedRow]
}

/// A share ("83% of leavers maintained or improved"), shown only where disclosure rules allow.
public struct PublishedShare: Sendable, Codable, Equatable {
  public let id: String
  public let label: String
  /// Whole percent, when shown.
  public let percent: Int?
  public let display: String
  /// How many of the base the share counts, published under the same rules as the share: shown
  /// with it, `<5` when small, `[c]` when showing it would give away a small remainder.
  public let numerator: PublishedCell
  /// The base the share is of, as published ("<5" when small).
  public let base: PublishedCell
}

/// The commissioner's report after disclosure control: every number in it is safe to publish.
public struct CommissionerReport: Sendable, Codable, Equatable {
  public let title: String
  public let period: ReportPeriod
  public let service: String?
  public let pathway: String?
  public let threshold: Int
  public let survivorsCounted: Int
  public let excludedForConsent: [String: Int]
  public let headline: PublishedTable
  public let outcomeRecorded: PublishedShare
  public let outcomes: [PublishedShare]
  public let funnel: PublishedTable
  public let waitingReferrals: PublishedCell
  public let waitingMedianDays: String
  public let waitingP90Days: String
  public let tables: [PublishedTable]
  public let notes: [String]

  public init(
    counts: ReportCounts, consent: ConsentFilterSummary, rules: DisclosureRules = DisclosureRules(), partnership: String
  ) {
    let threshold = rules.threshold
    title = "\(partnership): referrals and outcomes, \(counts.period.label)"
    period = counts.period
    service = counts.filter.service
    pathway = counts.filter.pathway?.rawValue
    self.threshold = threshold
    survivorsCounted = consent.included
    excludedForConsent = consent.excluded

    headline = Self.list(
      id: "headline", title: "Headline figures", column: "Count",
      [
        ("Referrals received", counts.referrals), ("Unique survivors referred", counts.uniqueSurvivors),
        ("New starters (support began)", counts.newStarters), ("Leavers (support ended)", counts.leavers),
      ], total: nil, threshold: threshold)
    let leaversCell = headline.rows[3].cells[0]
    outcomeRecorded = Self.share(
      id: "outcome-recorded", "Leavers with start and end ratings recorded", counts.leaversWithOutcome, of: counts.leavers,
      baseCell: leaversCell, rules: rules, whenNoBase: "n/a (no leavers)")
    let withOutcome = PublishedCell(
      counts.leaversWithOutcome, (1..<threshold).contains(counts.leaversWithOutcome) ? .primary : .shown, threshold: threshold)
    outcomes = OutcomeDomain.allCases.map { domain in
      Self.share(
        id: "outcome-\(domain.rawValue)", domain.title, counts.maintainedOrImproved[domain] ?? 0, of: counts.leaversWithOutcome,
        baseCell: withOutcome, rules: rules, whenNoBase: "n/a (no leavers with ratings)")
    }
    funnel = Self.list(
      id: "funnel", title: "Pathway funnel: referrals received in the period that reached each stage", column: "Referrals",
      [ReferralStatus.referred, .allocated, .engaged, .closed].map { ($0.rawValue, counts.funnel[$0] ?? 0) }, total: nil,
      threshold: threshold)
    waitingReferrals = PublishedCell(
      counts.waitingCount, (1..<threshold).contains(counts.waitingCount) ? .primary : .shown, threshold: threshold)
    let enough = counts.waitingCount >= rules.minimumForQuantiles
    waitingMedianDays = enough ? counts.waitingQuantile(0.5).map(String.init) ?? "-" : "[c]"
    waitingP90Days = enough ? counts.waitingQuantile(0.9).map(String.init) ?? "-" : "[c]"

    let districts = counts.byDistrict.keys.sorted {
      ($0 == ReportCounts.notRecorded ? 1 : 0, $0) < ($1 == ReportCounts.notRecorded ? 1 : 0, $1)
    }
    let breakdowns: [(id: String, title: String, items: [(String, Int)])] = [
      (
        "referrer-type", "Referrals by referrer type", ReferrerType.allCases.map { ($0.rawValue, counts.byReferrerType[$0] ?? 0) }
      ),
      (
        "cohort", "Referrals by cohort",
        (Cohort.allCases.map(\.rawValue) + [ReportCounts.notRecorded]).map { ($0, counts.byCohort[$0] ?? 0) }
          .filter { $0.0 != ReportCounts.notRecorded || $0.1 > 0 }
      ),
      ("age-band", "Referrals by age band at referral", AgeBand.allCases.map { ($0.rawValue, counts.byAgeBand[$0] ?? 0) }),
      ("district", "Referrals by district", districts.map { ($0, counts.byDistrict[$0]!) }),
    ]
    let tables =
      [Self.grid(counts, threshold: threshold)]
      + breakdowns.map {
        Self.list(id: $0.id, title: $0.title, column: "Referrals", $0.items, total: counts.referrals, threshold: threshold)
      }
    self.tables = tables
    notes = [
      "Counts from 1 to \(threshold - 1) are shown as <\(threshold); zero is shown as 0.",
      "[c] marks a count hidden so that a <\(threshold) cell cannot be worked out from totals or differences (secondary suppression).",
      "A percentage is not shown where its base is below \(threshold), or where the count or the rest of the base is below \(threshold).",
      "Median and 90th percentile waiting times are shown only when at least \(rules.minimumForQuantiles) referrals had a first session.",
      "Only survivors whose consent to inclusion in anonymised statistics was in effect when the report was made are counted.",
    ]
  }

  /// A one-column table, with a total row when `total` is given (and the total relation protected).
  static func list(
    id: String, title: String, column: String, _ items: [(String, Int)], total: Int?, threshold: Int
  ) -> PublishedTable {
    var values = items.map(\.1)
    var relations: [(total: Int, parts: [Int])] = []
    if let total {
      values.append(total)
      relations.append((total: items.count, parts: Array(0..<items.count)))
    }
    var table = ProtectedTable(values: values, relations: relations, pinned: total == nil ? [] : [items.count])
    table.protect(threshold: threshold)
    var rows = items.enumerated().map { index, item in
      PublishedRow(label: item.0, cells: [PublishedCell(item.1, table.protection[index], threshold: threshold)])
    }
    if let total {
      rows.append(
        PublishedRow(label: "Total", cells: [PublishedCell(total, table.protection[items.count], threshold: threshold)]))
    }
    return PublishedTable(id: id, title: title, columns: [column], rows: rows)
  }

  /// Referrals by service (rows) and pathway (columns), with row, column and grand totals.
  static func grid(_ counts: ReportCounts, threshold: Int) -> PublishedTable {
    let services = counts.byServiceAndPathway.keys.sorted()
    let pathways = Pathway.allCases
    let width = pathways.count + 1
    var values: [Int] = []
    for service in services {
      let row = pathways.map { counts.byServiceAndPathway[service]?[$0] ?? 0 }
      values += row + [row.reduce(0, +)]
    }
    let columnTotals = pathways.map { pathway in services.reduce(0) { $0 + (counts.byServiceAndPathway[$1]?[pathway] ?? 0) } }
    values += columnTotals + [counts.referrals]
    let height = services.count + 1
    func cell(_ row: Int, _ column: Int) -> Int { row * width + column }
    var relations: [(total: Int, parts: [Int])] = []
    for row in 0..<height {
      relations.append((total: cell(row, pathways.count), parts: (0..<pathways.count).map { cell(row, $0) }))
    }
    for column in 0..<width {
      relations.append((total: cell(services.count, column), parts: (0..<services.count).map { cell($0, column) }))
    }
    var table = ProtectedTable(values: values, relations: relations, pinned: [cell(services.count, pathways.count)])
    table.protect(threshold: threshold)
    let labels = services + ["Total"]
    return PublishedTable(
      id: "service-pathway", title: "Referrals received by service and pathway", columns: pathways.map(\.rawValue) + ["Total"],
      rows: labels.enumerated().map { row, label in
        PublishedRow(
          label: label,
          cells: (0..<width).map { PublishedCell(values[cell(row, $0)], table.protection[cell(row, $0)], threshold: threshold) })
      })
  }

  /// A share, or why it is not shown: `whenNoBase` where the base is zero (nothing is hidden,
  /// there is nothing to divide), `[c]` where disclosure control withholds it.
  static func share(
    id: String, _ label: String, _ count: Int, of base: Int, baseCell: PublishedCell, rules: DisclosureRules,
    whenNoBase: String
  ) -> PublishedShare {
    let threshold = rules.threshold
    guard base > 0 else {
      return PublishedShare(
        id: id, label: label, percent: nil, display: whenNoBase, numerator: PublishedCell(0, .shown, threshold: threshold),
        base: baseCell)
    }
    guard rules.allowsShare(count: count, base: base) else {
      let hidden: CellProtection = (1..<threshold).contains(count) ? .primary : .secondary
      return PublishedShare(
        id: id, label: label, percent: nil, display: "[c]", numerator: PublishedCell(count, hidden, threshold: threshold),
        base: baseCell)
    }
    let percent = Int((Double(count) * 100 / Double(base)).rounded())
    return PublishedShare(
      id: id, label: label, percent: percent, display: "\(percent)%",
      numerator: PublishedCell(count, .shown, threshold: threshold),
      base: baseCell)
  }
}
