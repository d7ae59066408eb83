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

/// The true figures of a commissioner's report, before disclosure control, accumulated one
/// survivor at a time so memory stays flat however many survivors there are: counters, one
/// small dictionary per breakdown, and a histogram of waiting days (docs/export.md,
/// "Definitions", says exactly what each figure counts).
public struct ReportCounts: Sendable, Equatable {
  public let period: ReportPeriod
  public let filter: ReportFilter

  public private(set) var referrals = 0
  public private(set) var uniqueSurvivors = 0
  public private(set) var newStarters = 0
  public private(set) var leavers = 0
  public private(set) var leaversWithOutcome = 0
  public private(set) var maintainedOrImproved: [OutcomeDomain: Int] = [:]
  public private(set) var byServiceAndPathway: [String: [Pathway: Int]] = [:]
  public private(set) var byReferrerType: [ReferrerType: Int] = [:]
  public private(set) var byCohort: [String: Int] = [:]
  public private(set) var byAgeBand: [AgeBand: Int] = [:]
  public private(set) var byDistrict: [String: Int] = [:]
  public private(set) var funnel: [ReferralStatus: Int] = [:]
  /// Days from referral to first attended session -> number of referrals.
  public private(set) var waitingDays: [Int: Int] = [:]

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
    if !received.isEmpty { uniqueSurvivors += 1 }
    for referral in received { countReceived(referral, of: survivor) }
    if admitted.contains(where: { $0.firstDate(of: .engaged).map(period.contains) ?? false }) { newStarters += 1 }
    let closures = admitted.compactMap { referral in
      referral.firstDate(of: .closed).flatMap { period.contains($0) ? (referral, $0) : nil }
    }
    if let (referral, closed) = closures.max(by: { $0.1 < $1.1 }) {
      leavers += 1
      countOutcome(referral: referral, closed: closed, outcomes: survivor.outcomes)
    }
  }

  private mutating func countReceived(_ referral: StatisticalReferral, of survivor: StatisticalCase) {
    referrals += 1
    byServiceAndPathway[referral.service, default: [:]][referral.pathway, default: 0] += 1
    byReferrerType[referral.referrerType, default: 0] += 1
    byCohort[survivor.cohort?.rawValue ?? Self.notRecorded, default: 0] += 1
    byAgeBand[referral.ageBand, default: 0] += 1
    byDistrict[survivor.district ?? Self.notRecorded, default: 0] += 1
    funnel[.referred, default: 0] += 1
    for stage in [ReferralStatus.allocated, .engaged, .closed] {
      if let reached = referral.firstDate(of: stage), reached <= period.to { funnel[stage, default: 0] += 1 }
    }
    let firstSession = survivor.sessions.first { $0.attendance == .attended && $0.date >= referral.date }
    if let firstSession, firstSession.date <= period.to {
      waitingDays[referral.date.days(until: firstSession.date), default: 0] += 1
    }
  }

  private mutating func countOutcome(referral: StatisticalReferral, closed: CalendarDate, outcomes: [StatisticalOutcome]) {
    guard let pair = OutcomePair(referral: referral, closed: closed, outcomes: outcomes) else { return }
    leaversWithOutcome += 1
    for domain in OutcomeDomain.allCases where pair.maintainedOrImproved(domain) {
      maintainedOrImproved[domain, default: 0] += 1
    }
  }
}

/// The start and end ratings that measure one episode of support. Start: the first
/// start-of-support rating between referral and closure. End: the last end-of-support rating
/// from the start rating to 31 days after closure (ratings are often taken at the last session).
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
