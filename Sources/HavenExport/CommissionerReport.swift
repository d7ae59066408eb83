import HavenVault

/// How a report's counts were made safe to publish.
public enum DisclosureMethod: String, Sendable, Codable, Equatable {
  /// For release: every count perturbed by the Cell Key Method (the same cell always gets the
  /// same noise, so releases cannot be differenced into people), then counts from 1 to the
  /// threshold shown as `<5`.
  case cellKey = "cell-key"
  /// For the vault's own internal use only: exact counts with primary and secondary suppression
  /// within the report. Protects one report on its own, not one release against another.
  case exactInternal = "exact-internal"
}

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

  /// A count published on its own: small ones shown as `<threshold`.
  init(_ value: Int, threshold: Int) {
    self.init(value, (1..<threshold).contains(value) ? .primary : .shown, threshold: threshold)
  }
}

public struct PublishedRow: Sendable, Codable, Equatable {
  /// The code behind the label (a service's short name, a closed-list value), nil for totals.
  public let code: String?
  public let label: String
  public let cells: [PublishedCell]
}

/// A table as published: rows of cells under column headings; the last row (and for a grid the
/// last column) are totals.
public struct PublishedTable: Sendable, Codable, Equatable {
  public let id: String
  public let title: String
  public let columns: [String]
  public let rows: [PublishedRow]
}

/// A share ("83% of leaving referrals maintained or improved"), shown only where disclosure
/// rules allow.
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

/// Outcomes in one unit: leaving referrals (the council's definition) or leavers (people).
public struct PublishedOutcomes: Sendable, Codable, Equatable {
  public let id: String
  /// "leaving referrals" or "leavers".
  public let unit: String
  public let title: String
  /// How many left support in the period, in this unit.
  public let leaving: PublishedCell
  /// Of those, the share with start and end ratings recorded (base: `leaving`).
  public let recorded: PublishedShare
  /// Per domain, the share maintained or improved (base: those with ratings).
  public let domains: [PublishedShare]
}

/// The commissioner's report after disclosure control: every number in it is safe to publish.
public struct CommissionerReport: Sendable, Codable, Equatable {
  public let title: String
  public let partnership: String
  public let period: ReportPeriod
  public let service: String?
  public let pathway: String?
  public let threshold: Int
  public let method: DisclosureMethod
  /// The largest noise added to any count (0 for the internal exact method).
  public let maximumNoise: Int
  public let survivorsCounted: Int
  public let excludedForConsent: [String: Int]
  /// Referrals and people received, starting and leaving support.
  public let headline: PublishedTable
  /// Per leaving referral (the council's definition), then per leaver.
  public let outcomes: [PublishedOutcomes]
  public let funnel: PublishedTable
  public let waitingReferrals: PublishedCell
  public let waitingMedianDays: String
  public let waitingP90Days: String
  public let tables: [PublishedTable]
  /// One plain sentence on what was done to the figures.
  public let methodStatement: String
  public let notes: [String]
  /// 0 for a period's first release; a revision (`--revise`) says which one, and what it replaces.
  public internal(set) var revision = 0
  public internal(set) var replaces: String?

  public init(
    counts: ReportCounts, consent: ConsentFilterSummary, rules: DisclosureRules = DisclosureRules(), partnership: String,
    labels: ReportLabels = ReportLabels(), method: DisclosureMethod = .cellKey
  ) {
    let publisher = Publisher(method: method, threshold: rules.threshold)
    let threshold = rules.threshold
    self.partnership = partnership
    title =
      "\(partnership): referrals and outcomes, \(counts.period.label)"
      + (method == .exactInternal ? " (INTERNAL: exact counts, not for publication)" : "")
    period = counts.period
    service = counts.filter.service.map(labels.service)
    pathway = counts.filter.pathway.map(ReportLabels.pathway)
    self.threshold = threshold
    self.method = method
    maximumNoise = method == .cellKey ? PerturbationTable.standard.maximumNoise : 0
    survivorsCounted = consent.included
    excludedForConsent = consent.excluded

    headline = publisher.table(
      id: "headline", title: "Referrals and people", columns: ["Referrals", "People"],
      rows: [
        ("received", "Received in the period (people: referred at least once)", [counts.referrals, counts.people]),
        ("started", "Support began in the period", [counts.startingReferrals, counts.starters]),
        ("left", "Support ended in the period (leaving referrals; leavers)", [counts.leavingReferrals, counts.leavers]),
      ], total: nil)
    outcomes = [
      publisher.outcomes(
        id: "per-referral", unit: "leaving referrals",
        title: "Outcomes per leaving referral (the council's definition: each closed episode of support counts once)",
        leaving: counts.leavingReferrals, counts.referralOutcomes, rules: rules),
      publisher.outcomes(
        id: "per-leaver", unit: "leavers", title: "Outcomes per leaver (each person counts once, on their latest closure)",
        leaving: counts.leavers, counts.leaverOutcomes, rules: rules),
    ]
    funnel = publisher.table(
      id: "funnel", title: "Referrals received in the period that reached each stage by its end", columns: ["Referrals"],
      rows: [ReferralStatus.referred, .allocated, .engaged, .closed].map {
        ($0.rawValue, ReportLabels.stage($0), [counts.funnel[$0] ?? CellTally()])
      }, total: nil)
    waitingReferrals = PublishedCell(publisher.value(counts.waitingReferrals), threshold: threshold)
    let enough = counts.waitingCount >= rules.minimumForQuantiles
    waitingMedianDays = enough ? counts.waitingQuantile(0.5).map(String.init) ?? "-" : "[c]"
    waitingP90Days = enough ? counts.waitingQuantile(0.9).map(String.init) ?? "-" : "[c]"

    tables =
      [publisher.grid(counts, labels: labels)]
      + BreakdownKind.allCases.map { kind in
        let tallies = counts.breakdowns[kind] ?? BreakdownTallies()
        return publisher.table(
          id: kind.rawValue, title: "Referrals received, by \(kind.title)", columns: ["Referrals", "People"],
          rows: kind.categories(present: tallies.referrals).map { code in
            (code, labels.category(kind, code), [tallies.referrals[code] ?? CellTally(), tallies.people[code] ?? CellTally()])
          }, total: [counts.referrals, counts.people])
      }
    switch method {
    case .cellKey:
      methodStatement =
        "To protect the people counted, every number in this report has had a small, fixed adjustment of at most "
        + "\(maximumNoise) added (the same every time the same figure is asked for), so totals may differ slightly "
        + "from the sum of their parts."
    case .exactInternal:
      methodStatement =
        "INTERNAL: these are exact counts with small cells suppressed within this report only; they must not be "
        + "published or shared, because comparing them with any other release could reveal individuals."
    }
    var notes = [
      methodStatement,
      "Counts from 1 to \(threshold - 1) are shown as <\(threshold); 0 means nobody was counted.",
      "A percentage is not shown ([c]) where its base is below \(threshold), or where the count or the rest of the base is below \(threshold); it reads n/a where its base is 0.",
      "Percentages are of the base stated beside them, and are computed from the published (adjusted) counts.",
      "In the People column of a breakdown, a person with referrals in two categories is counted in each.",
      "Median and 90th percentile waiting times are shown only when at least \(rules.minimumForQuantiles) referrals had a first session.",
      "Only survivors whose consent to inclusion in anonymised statistics was in effect when the report was made are counted.",
    ]
    if method == .exactInternal {
      notes.insert(
        "[c] marks a count hidden so that a <\(threshold) cell cannot be worked out from totals within this report.", at: 2)
    }
    self.notes = notes
  }
}

/// Turns true tallies into published cells under one disclosure method.
struct Publisher {
  let method: DisclosureMethod
  let threshold: Int
  let perturbation = PerturbationTable.standard

  /// The number published for a tally (before small-count display).
  func value(_ tally: CellTally) -> Int {
    method == .cellKey ? perturbation.perturbed(tally) : tally.count
  }

  /// Only exact counts add up, so only they need (and can use) secondary suppression.
  var usesRelations: Bool { method == .exactInternal }

  /// A table of rows (code, label, one tally per column), with a total row when given; the
  /// first column adds up to its total (referrals), later ones need not (people).
  func table(
    id: String, title: String, columns: [String], rows: [(String, String, [CellTally])], total: [CellTally]?
  ) -> PublishedTable {
    let width = columns.count
    var values = rows.flatMap { $0.2.map(value) }
    if let total { values += total.map(value) }
    var relations: [(total: Int, parts: [Int])] = []
    var pinned: Set<Int> = []
    if total != nil {
      pinned = Set((0..<width).map { rows.count * width + $0 })
      if usesRelations { relations.append((total: rows.count * width, parts: rows.indices.map { $0 * width })) }
    }
    var protected = ProtectedTable(values: values, relations: relations, pinned: pinned)
    protected.protect(threshold: threshold)
    func cells(_ row: Int) -> [PublishedCell] {
      (0..<width).map { PublishedCell(values[row * width + $0], protected.protection[row * width + $0], threshold: threshold) }
    }
    var published = rows.enumerated().map { index, row in PublishedRow(code: row.0, label: row.1, cells: cells(index)) }
    if total != nil { published.append(PublishedRow(code: nil, label: "Total", cells: cells(rows.count))) }
    return PublishedTable(id: id, title: title, columns: columns, rows: published)
  }

  /// Referrals by service (rows) and pathway (columns), with row, column and grand totals.
  func grid(_ counts: ReportCounts, labels: ReportLabels) -> PublishedTable {
    let services = counts.byServiceAndPathway.keys.sorted { labels.service($0) < labels.service($1) }
    let pathways = Pathway.allCases
    let width = pathways.count + 1
    var tallies: [CellTally] = []
    for service in services {
      let row = pathways.map { counts.byServiceAndPathway[service]?[$0] ?? CellTally() }
      tallies += row + [CellTally.sum(row)]
    }
    let columnTotals = pathways.map { pathway in
      CellTally.sum(services.map { counts.byServiceAndPathway[$0]?[pathway] ?? CellTally() })
    }
    tallies += columnTotals + [counts.referrals]
    let values = tallies.map(value)
    let height = services.count + 1
    func cell(_ row: Int, _ column: Int) -> Int { row * width + column }
    var relations: [(total: Int, parts: [Int])] = []
    if usesRelations {
      for row in 0..<height {
        relations.append((total: cell(row, pathways.count), parts: (0..<pathways.count).map { cell(row, $0) }))
      }
      for column in 0..<width {
        relations.append((total: cell(services.count, column), parts: (0..<services.count).map { cell($0, column) }))
      }
    }
    var table = ProtectedTable(values: values, relations: relations, pinned: [cell(services.count, pathways.count)])
    table.protect(threshold: threshold)
    let rowCodes: [String?] = services.map { $0 } + [nil]
    return PublishedTable(
      id: "service-pathway", title: "Referrals received, by service and pathway",
      columns: pathways.map(ReportLabels.pathway) + ["Total"],
      rows: rowCodes.enumerated().map { row, code in
        PublishedRow(
          code: code, label: code.map(labels.service) ?? "Total",
          cells: (0..<width).map { PublishedCell(values[cell(row, $0)], table.protection[cell(row, $0)], threshold: threshold) })
      })
  }

  func outcomes(
    id: String, unit: String, title: String, leaving: CellTally, _ tallies: OutcomeTallies, rules: DisclosureRules
  ) -> PublishedOutcomes {
    let leavingValue = value(leaving)
    let leavingCell = PublishedCell(leavingValue, threshold: threshold)
    let withRatings = min(value(tallies.withRatings), leavingValue)
    let recorded = share(
      id: "\(id)-recorded", "\(unit.prefix(1).uppercased() + unit.dropFirst()) with start and end ratings recorded",
      withRatings, of: leavingValue, baseCell: leavingCell, rules: rules, whenNoBase: "n/a (no \(unit))")
    let withRatingsCell = PublishedCell(withRatings, threshold: threshold)
    let domains = OutcomeDomain.allCases.map { domain in
      share(
        id: "\(id)-\(domain.rawValue)", domain.title,
        min(value(tallies.maintainedOrImproved[domain] ?? CellTally()), withRatings),
        of: withRatings, baseCell: withRatingsCell, rules: rules, whenNoBase: "n/a (no \(unit) with ratings)")
    }
    return PublishedOutcomes(id: id, unit: unit, title: title, leaving: leavingCell, recorded: recorded, domains: domains)
  }

  /// A share, or why it is not shown: `whenNoBase` where the base is zero (nothing is hidden,
  /// there is nothing to divide), `[c]` where disclosure control withholds it.
  func share(
    id: String, _ label: String, _ count: Int, of base: Int, baseCell: PublishedCell, rules: DisclosureRules,
    whenNoBase: String
  ) -> PublishedShare {
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

extension BreakdownKind {
  var title: String {
    switch self {
    case .referrerType: "referrer type"
    case .cohort: "cohort"
    case .ageBand: "age band at referral"
    case .district: "district"
    }
  }

  /// The rows of the breakdown: every value of a closed list (so a zero is visible), every
  /// district present, and "not recorded" last when it occurs.
  func categories(present: [String: CellTally]) -> [String] {
    let listed: [String]
    switch self {
    case .referrerType: listed = ReferrerType.allCases.map(\.rawValue)
    case .cohort: listed = Cohort.allCases.map(\.rawValue)
    case .ageBand: listed = AgeBand.allCases.map(\.rawValue)
    case .district: listed = present.keys.filter { $0 != ReportCounts.notRecorded }.sorted()
    }
    return listed + (present[ReportCounts.notRecorded] == nil ? [] : [ReportCounts.notRecorded])
  }
}
