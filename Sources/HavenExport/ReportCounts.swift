import HavenVault

/// Which referrals a report counts, beyond the period.
public struct ReportFilter: Sendable, Equatable {
  public var service: String?
  public var pathway: Pathway?

  public init(service: String? = nil, pathway: Pathway? = nil) {
    self.service = service
    self.pathway = pathway
  }

  func admits(_ referral: StatisticalReferral) -> Bool {
    (service == nil || referral.service == service) && (pathway == nil || referral.pathway == pathway)
  }
}

/// Outcome figures for one unit of count (leaving referrals, or leavers).
public struct OutcomeTallies: Sendable, Equatable {
  /// Those with a start and an end rating (the base of every domain's share).
  public internal(set) var withRatings = CellTally()
  public internal(set) var maintainedOrImproved: [OutcomeDomain: CellTally] = [:]

  mutating func add(_ pair: OutcomePair?, recordKey: UInt8) {
    guard let pair else { return }
    withRatings.add(recordKey)
    for domain in OutcomeDomain.allCases where pair.maintainedOrImproved(domain) {
      maintainedOrImproved[domain, default: CellTally()].add(recordKey)
    }
  }
}

/// A breakdown (by referrer type, cohort, age band, district) in both units: referrals in each
/// category, and people with at least one referral in it.
public struct BreakdownTallies: Sendable, Equatable {
  public internal(set) var referrals: [String: CellTally] = [:]
  public internal(set) var people: [String: CellTally] = [:]
}

/// The true figures of a commissioner's report, before disclosure control, accumulated one
/// survivor at a time so memory stays flat however many survivors there are: tallies (a count and
/// its cell key), one small dictionary per breakdown, and a histogram of waiting days. Every
/// figure that can be per referral or per person is kept in both units (docs/export.md,
/// "Definitions", says exactly what each counts).
public struct ReportCounts: Sendable, Equatable {
  public let period: ReportPeriod
  public let filter: ReportFilter

  /// Referrals dated in the period, and the people they are for.
  public private(set) var referrals = CellTally()
  public private(set) var people = CellTally()
  /// Referrals that reached `engaged` in the period, and the people with one.
  public private(set) var startingReferrals = CellTally()
  public private(set) var starters = CellTally()
  /// Referrals closed in the period, and the people with one (leavers).
  public private(set) var leavingReferrals = CellTally()
  public private(set) var leavers = CellTally()
  /// Outcomes per leaving referral (the council's definition) and per leaver.
  public private(set) var referralOutcomes = OutcomeTallies()
  public private(set) var leaverOutcomes = OutcomeTallies()
  public private(set) var byServiceAndPathway: [String: [Pathway: CellTally]] = [:]
  public private(set) var breakdowns: [BreakdownKind: BreakdownTallies] = [:]
  public private(set) var funnel: [ReferralStatus: CellTally] = [:]
  /// Days from referral to first attended session -> number of referrals.
  public private(set) var waitingDays: [Int: Int] = [:]
  /// Referrals with a first attended session (the waiting-time base), as a tally to publish.
  public private(set) var waitingReferrals = CellTally()

  public static let notRecorded = "not recorded"

  public init(period: ReportPeriod, filter: ReportFilter = ReportFilter()) {
    self.period = period
    self.filter = filter
  }

  public var waitingCount: Int { waitingDays.values.reduce(0, +) }

  /// The nearest-rank quantile of waiting days (q in 0...1), nil with no values.
  public func waitingQuantile(_ q: Double) -> Int? {
    let count = waitingCount
    guard count > 0 else { return nil }
    let rank = max(1, Int((q * Double(count)).rounded(.up)))
    var seen = 0
    for days in waitingDays.keys.sorted() {
      seen += waitingDays[days]!
      if seen >= rank { return days }
    }
    return nil
  }

  /// Adds one consenting survivor.
  public mutating func add(_ survivor: StatisticalCase) {
    let admitted = survivor.referrals.filter(filter.admits)
    let received = admitted.filter { period.contains($0.date) }
    if !received.isEmpty { people.add(survivor.recordKey) }
    var categories: [BreakdownKind: Set<String>] = [:]
    for referral in received {
      countReceived(referral, of: survivor)
      for kind in BreakdownKind.allCases {
        let category = kind.category(of: referral, survivor)
        breakdowns[kind, default: BreakdownTallies()].referrals[category, default: CellTally()].add(referral.recordKey)
        categories[kind, default: []].insert(category)
      }
    }
    for (kind, values) in categories {
      for value in values {
        breakdowns[kind, default: BreakdownTallies()].people[value, default: CellTally()].add(survivor.recordKey)
      }
    }
    let starting = admitted.filter { $0.firstDate(of: .engaged).map(period.contains) ?? false }
    for referral in starting { startingReferrals.add(referral.recordKey) }
    if !starting.isEmpty { starters.add(survivor.recordKey) }
    let closures = admitted.compactMap { referral in
      referral.firstDate(of: .closed).flatMap { period.contains($0) ? (referral, $0) : nil }
    }
    for (referral, closed) in closures {
      leavingReferrals.add(referral.recordKey)
      referralOutcomes.add(
        OutcomePair(referral: referral, closed: closed, outcomes: survivor.outcomes(of: referral)), recordKey: referral.recordKey)
    }
    // A leaver is measured on their latest closure in the period.
    if let (referral, closed) = closures.max(by: { ($0.1, $0.0.id) < ($1.1, $1.0.id) }) {
      leavers.add(survivor.recordKey)
      leaverOutcomes.add(
        OutcomePair(referral: referral, closed: closed, outcomes: survivor.outcomes(of: referral)), recordKey: survivor.recordKey)
    }
  }

  private mutating func countReceived(_ referral: StatisticalReferral, of survivor: StatisticalCase) {
    referrals.add(referral.recordKey)
    byServiceAndPathway[referral.service, default: [:]][referral.pathway, default: CellTally()].add(referral.recordKey)
    funnel[.referred, default: CellTally()].add(referral.recordKey)
    for stage in [ReferralStatus.allocated, .engaged, .closed] {
      if let reached = referral.firstDate(of: stage), reached <= period.to {
        funnel[stage, default: CellTally()].add(referral.recordKey)
      }
    }
    let firstSession = survivor.sessions(of: referral).first { $0.attendance == .attended && $0.date >= referral.date }
    if let firstSession, firstSession.date <= period.to {
      waitingDays[referral.date.days(until: firstSession.date), default: 0] += 1
      waitingReferrals.add(referral.recordKey)
    }
  }
}

/// The breakdowns of referrals received that a report publishes, and which category of each a
/// referral falls in.
public enum BreakdownKind: String, Sendable, CaseIterable, Codable {
  case referrerType = "referrer-type"
  case cohort
  case ageBand = "age-band"
  case district

  func category(of referral: StatisticalReferral, _ survivor: StatisticalCase) -> String {
    switch self {
    case .referrerType: referral.referrerType.rawValue
    case .cohort: survivor.cohort?.rawValue ?? ReportCounts.notRecorded
    case .ageBand: referral.ageBand.rawValue
    case .district: survivor.district ?? ReportCounts.notRecorded
    }
  }
}

/// The start and end ratings that measure one episode of support. Start: the first
/// start-of-support rating between referral and closure. End: the last end-of-support rating
/// from the start rating to 31 days after closure (ratings are often taken at the last session).
/// Where the service links ratings to referrals, only that referral's ratings are considered.
struct OutcomePair {
  static let endRatingGraceDays = 31
  let start: StatisticalOutcome
  let end: StatisticalOutcome

  init?(referral: StatisticalReferral, closed: CalendarDate, outcomes: [StatisticalOutcome]) {
    guard let start = outcomes.first(where: { $0.stage == .start && $0.date >= referral.date && $0.date <= closed }),
      let end = outcomes.last(where: {
        $0.stage == .end && $0.date >= start.date && $0.date <= closed.adding(days: Self.endRatingGraceDays)
      })
    else { return nil }
    self.start = start
    self.end = end
  }

  func maintainedOrImproved(_ domain: OutcomeDomain) -> Bool {
    (end.ratings[domain] ?? 0) >= (start.ratings[domain] ?? Int.max)
  }
}
