import HavenStore

/// What `haven caseload` is asked for.
public struct CaseloadQuery: Sendable {
  /// One of the user's teams, or all of them.
  public var team: String?
  /// Every open case, not only those with something due.
  public var everyOpenCase: Bool
  /// At most this many cases are shown (and so have their names read); nil: no limit.
  public var limit: Int?
  /// Consents expiring within this many days are due for review.
  public var consentWindowDays: Int
  /// Rebuild the team's caseload index from the case files first (after a damaged entry).
  public var rebuild: Bool

  public static let defaultLimit = 50
  public static let defaultConsentWindow = 30

  public init(
    team: String? = nil, everyOpenCase: Bool = false, limit: Int? = CaseloadQuery.defaultLimit,
    consentWindowDays: Int = CaseloadQuery.defaultConsentWindow, rebuild: Bool = false
  ) {
    self.team = team
    self.everyOpenCase = everyOpenCase
    self.limit = limit
    self.consentWindowDays = consentWindowDays
    self.rebuild = rebuild
  }
}

/// One case on the caseload.
public struct CaseloadCase: Sendable, Equatable {
  public let reference: SurvivorReference
  public let name: String
  public let team: String
  public let safeContact: SafeContact.Flags
  /// The latest session the survivor attended.
  public let lastContact: CalendarDate?
  public let isOpen: Bool
  /// Most urgent first.
  public let due: [CaseloadItem]
}

/// The caseload of the user's teams: the cases shown, most urgent first, and what was not shown.
public struct Caseload: Sendable {
  public let today: CalendarDate
  public let cases: [CaseloadCase]
  public let openCases: Int
  public let casesWithSomethingDue: Int
  /// Cases that qualified but were beyond the limit.
  public let notShown: Int
  /// Index entries built from case files during this read (cases changed since the last one).
  public let rebuiltEntries: Int
}

extension VaultSession {
  /// The worker's teams' open cases and what is due on them, most urgent first.
  ///
  /// Reads each team's caseload index (one sealed entry per case), so its cost is one small
  /// decryption per case; only the cases shown have their name read from the case file. The
  /// read is audited once for the caseload (how many cases, due and shown) and once per case
  /// shown, in the same transaction.
  public func caseload(_ query: CaseloadQuery = CaseloadQuery()) throws(VaultError) -> Caseload {
    let target = query.team.map { "team:\($0)" } ?? "caseload"
    guard query.consentWindowDays >= 0, query.consentWindowDays <= 366 else {
      throw .invalidArgument("the consent review window must be 0 to 366 days")
    }
    guard (query.limit ?? 1) >= 1 else { throw .invalidArgument("the limit must be at least 1") }
    try authorize(.handleCaseRecords, action: .caseloadRead, target: target)
    return try caseTransaction(action: .caseloadRead, target: target) { db in
      let teams = try query.team.map { [try memberTeam(db, named: $0)] } ?? memberTeams(db)
      let today = CalendarDate.today()
      let rules = CaseloadRules(today: today, consentWindow: query.consentWindowDays, targets: try serviceTargets(db))
      var candidates: [CaseloadCandidate] = []
      var rebuilt = 0
      var open = 0
      let everyOpenCase = query.everyOpenCase
      for team in teams where team.currentKeyVersion > 0 {
        rebuilt += try updateCaseloadIndex(db, team: team, rebuild: query.rebuild)
        let scan = try scanCaseloadIndex(db, team: team) { facts in
          let due = rules.items(facts)
          let kept = !due.isEmpty || (everyOpenCase && facts.isOpen)
          return (facts.isOpen, kept ? CaseloadJudgement(facts: facts, due: due) : nil)
        }
        open += scan.counted
        candidates += scan.kept.map { CaseloadCandidate(survivorID: $0.survivorID, team: team, judgement: $0.kept) }
      }
      let withDue = candidates.filter { !$0.judgement.due.isEmpty }.count
      // Only the order keys move while sorting (a candidate carries its facts and items).
      let keys = candidates.map(\.judgement.order)
      let ranked = keys.indices.sorted { keys[$0] < keys[$1] }
      let shown = (query.limit.map { Array(ranked.prefix($0)) } ?? ranked).map { candidates[$0] }
      var cases: [CaseloadCase] = []
      for candidate in shown {
        guard let row = try SurvivorRow.fetch(db, id: candidate.survivorID) else {
          throw VaultError.databaseDamaged("caseload entry for survivor \(candidate.survivorID) has no case file")
        }
        let keys = try caseKeys(db, row)
        let reference = try SurvivorReference(
          parsing: try keys.open(row.envelopes[.reference] ?? [], at: SurvivorField.reference.location(row.id)))
        guard reference.description == candidate.judgement.facts.reference else {
          throw VaultError.databaseDamaged("caseload entry for survivor \(row.id) names another reference")
        }
        let name = try keys.open(row.envelopes[.name] ?? [], at: SurvivorField.name.location(row.id))
        cases.append(
          CaseloadCase(
            reference: reference, name: name, team: candidate.team.name, safeContact: candidate.judgement.facts.safeContact,
            lastContact: candidate.judgement.facts.lastContact, isOpen: candidate.judgement.facts.isOpen,
            due: candidate.judgement.due))
        try record(
          db, action: .caseloadRead, target: "survivor:\(row.id)", subject: try subject(db, row, keys), detail: "caseload")
      }
      try record(
        db, action: .caseloadRead, target: target,
        detail:
          "\(open) open, \(withDue) with something due, \(cases.count) shown\(rebuilt > 0 ? ", \(rebuilt) index entries rebuilt" : "")"
      )
      return Caseload(
        today: today, cases: cases, openCases: open, casesWithSomethingDue: withDue, notShown: candidates.count - cases.count,
        rebuiltEntries: rebuilt)
    }
  }

  /// Every service's targets (the standard ones where none are set).
  func serviceTargets(_ db: StoreDatabase) throws -> [String: ServiceTargets] {
    var targets: [String: ServiceTargets] = [:]
    for row in try StoreRow.fetchAll(db, sql: "SELECT name, triage_target_days, allocation_target_days FROM services") {
      targets[row["name"]] = ServiceTargets(
        triageDays: row["triage_target_days"] ?? ServiceTargets.standard.triageDays,
        allocationDays: row["allocation_target_days"] ?? ServiceTargets.standard.allocationDays)
    }
    return targets
  }
}

/// What the caseload rules made of one case (in a scan worker), and the key it is ordered by:
/// most urgent item first (overdue, due soon, records to complete; then the most days late),
/// then cases with nothing due, the longest without contact first (never seen before anyone),
/// then by reference.
struct CaseloadJudgement: Sendable {
  let facts: CaseloadFacts
  let due: [CaseloadItem]
  let order: Order

  struct Order: Comparable, Sendable {
    let tier: Int
    let lateness: Int
    let reference: String

    static func < (first: Order, second: Order) -> Bool {
      (first.tier, first.lateness, first.reference) < (second.tier, second.lateness, second.reference)
    }
  }

  init(facts: CaseloadFacts, due: [CaseloadItem]) {
    self.facts = facts
    self.due = due
    if let first = due.first {
      order = Order(tier: first.kind.tier, lateness: -first.daysLate, reference: facts.reference)
    } else {
      order = Order(tier: 3, lateness: facts.lastContact?.dayNumber ?? Int.min, reference: facts.reference)
    }
  }
}

/// A case the caseload may show: which survivor, in which of the user's teams.
struct CaseloadCandidate {
  let survivorID: Int64
  let team: TeamRecord
  let judgement: CaseloadJudgement
}
