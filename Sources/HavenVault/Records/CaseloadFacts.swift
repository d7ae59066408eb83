/// What the caseload needs to know about one case, computed from its decrypted file when the
/// file changes and kept sealed in `caseload_entries` (docs/FORMAT.md, "Caseload index"), so
/// `haven caseload` reads one small envelope per case instead of every record of every case.
/// It holds facts, not verdicts: what is due depends on today, and is decided at read time
/// (`CaseloadRules`). No name and no note: a name is read from the case file only for the
/// cases shown, and audited.
struct CaseloadFacts: Equatable {
  /// One referral, as far as the due rules look at it.
  struct ReferralFacts: Equatable {
    let id: Int64
    let service: String
    let status: ReferralStatus
    let referredOn: CalendarDate
    /// When it reached its current status.
    let statusOn: CalendarDate
    /// Closed as a planned ending after the survivor engaged: an end-of-support rating is expected.
    let endedAfterSupport: Bool
    let endOutcomeRecorded: Bool
  }

  /// A consent in force (or lapsed) that has an expiry date: it needs a review around then.
  struct ExpiringConsent: Equatable {
    let purpose: String
    let expires: CalendarDate
  }

  /// An attended session recorded without notes.
  struct UnnotedSession: Equatable {
    let id: Int64
    let date: CalendarDate
  }

  /// How many unnoted sessions an entry keeps (the latest): the caseload says "N or more".
  static let unnotedSessionsKept = 8

  // Facts that can never fall due again are left out when the entry is built (dates only move
  // forward): sessions older than the notes window, and closed referrals other than those
  // still within the end-of-support window without their rating. Entries stay small, and a
  // caseload reads one per case.

  let reference: String
  let safeContact: SafeContact.Flags
  /// The latest session the survivor attended.
  let lastContact: CalendarDate?
  /// Referrals still open, and closed ones still awaiting an end-of-support rating.
  let referrals: [ReferralFacts]
  /// Closed referrals not listed: nothing about them can fall due again.
  let closedReferralsOmitted: Int
  let consents: [ExpiringConsent]
  let unnotedSessions: [UnnotedSession]

  /// A case is open until every referral is closed (a survivor with none yet is open).
  var isOpen: Bool {
    (referrals.isEmpty && closedReferralsOmitted == 0) || referrals.contains { $0.status != .closed }
  }
}

extension CaseloadFacts {
  init(
    reference: SurvivorReference, safeContact: SafeContact?, referrals: [Referral], sessions: [SupportSession],
    outcomes: [OutcomeAssessment], consents: [ConsentEvent], today: CalendarDate
  ) {
    self.reference = reference.description
    self.safeContact = SafeContact.Flags(safeContact)
    let attended = sessions.filter { $0.attendance == .attended }
    lastContact = attended.map(\.date).max()
    let ends = outcomes.filter { $0.stage == .end }
    let judged = referrals.map { referral in
      let engaged = referral.events.first { $0.status == .engaged }?.date
      let last = referral.events.last
      let planned = referral.status == .closed && last?.reason == ClosureReason.plannedEnding.rawValue && engaged != nil
      let ended = ends.contains { outcome in
        outcome.referralID == referral.id || (outcome.referralID == nil && engaged.map { outcome.date >= $0 } ?? false)
      }
      return ReferralFacts(
        id: referral.id, service: referral.service, status: referral.status, referredOn: referral.date,
        statusOn: last?.date ?? referral.date, endedAfterSupport: planned, endOutcomeRecorded: ended)
    }
    self.referrals = judged.filter { referral in
      referral.status != .closed
        || (referral.endedAfterSupport && !referral.endOutcomeRecorded
          && referral.statusOn.days(until: today) <= CaseloadRules.endOutcomeWindow)
    }
    closedReferralsOmitted = judged.count - self.referrals.count
    var purposes: [ConsentPurpose] = []
    for event in consents where !purposes.contains(event.purpose) { purposes.append(event.purpose) }
    self.consents = purposes.compactMap { purpose in
      let state = ConsentLedger.state(of: purpose, in: consents, on: today)
      guard let expires = state.expires, state.status == .given || state.status == .expired else { return nil }
      return ExpiringConsent(purpose: purpose.description, expires: expires)
    }
    unnotedSessions = Array(
      attended.filter { $0.notes == nil && $0.date.days(until: today) <= CaseloadRules.sessionNotesWindow }.sorted {
        ($0.date, $0.id) > ($1.date, $1.id)
      }.prefix(Self.unnotedSessionsKept)
        .map { UnnotedSession(id: $0.id, date: $0.date) })
  }
}

extension SafeContact {
  /// What a caseload line shows of the safe-contact plan: per method safe / never / not asked,
  /// and whether there are safe times or a note to read first (not what they say).
  public struct Flags: Sendable, Equatable {
    /// One bit per method, in `Method.allCases` order (a caseload holds one per case: no dictionary).
    let safeBits: UInt8
    let neverBits: UInt8
    public let hasTimesOrNote: Bool

    init(_ contact: SafeContact?) {
      self.init(methods: contact?.methods ?? [:], hasTimesOrNote: contact?.times != nil || contact?.note != nil)
    }

    init(methods: [Method: Bool], hasTimesOrNote: Bool) {
      var safe: UInt8 = 0
      var never: UInt8 = 0
      for (offset, method) in Method.allCases.enumerated() {
        switch methods[method] {
        case true?: safe |= 1 << offset
        case false?: never |= 1 << offset
        case nil: break
        }
      }
      self.init(safeBits: safe, neverBits: never, hasTimesOrNote: hasTimesOrNote)
    }

    init(safeBits: UInt8, neverBits: UInt8, hasTimesOrNote: Bool) {
      self.safeBits = safeBits
      self.neverBits = neverBits
      self.hasTimesOrNote = hasTimesOrNote
    }

    /// Per method: true = safe, false = never; absent = not recorded.
    public var methods: [Method: Bool] {
      var methods: [Method: Bool] = [:]
      for method in safe { methods[method] = true }
      for method in never { methods[method] = false }
      return methods
    }

    /// Never-use methods first: they are the ones that put someone at risk.
    public var never: [Method] { Self.methods(in: neverBits) }
    public var safe: [Method] { Self.methods(in: safeBits) }
    /// Nothing recorded: ask before any contact.
    public var isUnknown: Bool { safeBits == 0 && neverBits == 0 && !hasTimesOrNote }

    private static func methods(in bits: UInt8) -> [Method] {
      Method.allCases.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element)
    }
  }
}
