/// One thing due on a case, with how late it is. The rules are in docs/cli.md ("haven caseload").
public struct CaseloadItem: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    case consentExpired = "consent-expired"
    case triageOverdue = "triage-overdue"
    case allocationOverdue = "allocation-overdue"
    case consentReview = "consent-review"
    case endOutcomeMissing = "end-outcome-missing"
    case sessionNotesMissing = "session-notes-missing"

    /// 0: overdue, act now; 1: due soon; 2: a record to complete.
    public var tier: Int {
      switch self {
      case .consentExpired, .triageOverdue, .allocationOverdue: 0
      case .consentReview: 1
      case .endOutcomeMissing, .sessionNotesMissing: 2
      }
    }
  }

  public let kind: Kind
  /// When it fell (or falls) due.
  public let dueOn: CalendarDate
  /// Days since it fell due; negative when it falls due later.
  public let daysLate: Int
  /// What to act on, in the vault's own terms (a referral or session id, a service, a purpose);
  /// never a name or a note.
  public let subject: String
}

/// A service's waiting-time targets: how long a referral may wait for triage, then for allocation.
public struct ServiceTargets: Sendable, Equatable {
  public let triageDays: Int
  public let allocationDays: Int

  /// Used for a service with no targets set: contact within a week of referral (about five
  /// working days), allocation within four weeks of triage.
  public static let standard = ServiceTargets(triageDays: 7, allocationDays: 28)

  public init(triageDays: Int, allocationDays: Int) {
    self.triageDays = triageDays
    self.allocationDays = allocationDays
  }
}

/// Decides what is due on a case today from its `CaseloadFacts`.
struct CaseloadRules {
  /// End-of-support ratings are asked for within this many days of the ending; later, the gap is
  /// a reporting matter, not a worker's to-do.
  static let endOutcomeWindow = 90
  /// Sessions without notes older than this are no longer listed.
  static let sessionNotesWindow = 30

  let today: CalendarDate
  /// Consents expiring within this many days are listed for review.
  let consentWindow: Int
  let targets: [String: ServiceTargets]

  func items(_ facts: CaseloadFacts) -> [CaseloadItem] {
    var items: [CaseloadItem] = []
    func add(_ kind: CaseloadItem.Kind, _ dueOn: CalendarDate, _ subject: String) {
      items.append(CaseloadItem(kind: kind, dueOn: dueOn, daysLate: dueOn.days(until: today), subject: subject))
    }
    for referral in facts.referrals {
      let target = targets[referral.service] ?? .standard
      switch referral.status {
      case .referred:
        let due = referral.referredOn.adding(days: target.triageDays)
        if due < today { add(.triageOverdue, due, "referral \(referral.id) to \(referral.service)") }
      case .triaged:
        let due = referral.statusOn.adding(days: target.allocationDays)
        if due < today { add(.allocationOverdue, due, "referral \(referral.id) to \(referral.service)") }
      case .closed:
        if referral.endedAfterSupport, !referral.endOutcomeRecorded,
          referral.statusOn.days(until: today) <= Self.endOutcomeWindow
        {
          add(.endOutcomeMissing, referral.statusOn, "referral \(referral.id)")
        }
      case .allocated, .engaged:
        break
      }
    }
    for consent in facts.consents {
      // As the consent ledger has it: a grant is expired on its expiry date.
      if consent.expires <= today {
        add(.consentExpired, consent.expires, "consent \(consent.purpose)")
      } else if today.days(until: consent.expires) <= consentWindow {
        add(.consentReview, consent.expires, "consent \(consent.purpose)")
      }
    }
    let recent = facts.unnotedSessions.filter { $0.date.days(until: today) <= Self.sessionNotesWindow }
    if let latest = recent.first {
      let count =
        recent.count == CaseloadFacts.unnotedSessionsKept
        ? "\(recent.count) or more sessions"
        : "\(recent.count) session"
          + (recent.count == 1 ? "" : "s")
      add(.sessionNotesMissing, latest.date, "\(count), latest \(latest.id)")
    }
    return items.sorted(by: Self.moreUrgent)
  }

  /// Overdue before due-soon before records to complete; within a tier, the latest first.
  static func moreUrgent(_ first: CaseloadItem, _ second: CaseloadItem) -> Bool {
    (first.kind.tier, -first.daysLate, first.subject) < (second.kind.tier, -second.daysLate, second.subject)
  }
}
