/// One survivor as the `reporting` role sees them: statistical fields only (never a name, a
/// contact detail, a note, a worker or a reference), decrypted with the statistics secret. This
/// is everything a commissioner's report or a pseudonymised export may be computed from.
public struct StatisticalCase: Sendable {
  /// The vault's internal row number: stable, meaningless outside the vault, never exported.
  public let survivorID: Int64
  public let gender: Gender?
  public let district: String?
  public let cohort: Cohort?
  public let referrals: [StatisticalReferral]
  public let sessions: [StatisticalSession]
  public let outcomes: [StatisticalOutcome]
  /// The survivor's pseudonym for one export recipient, when the read was asked for one.
  public let pseudonym: String?
  /// The survivor's cell-key record key (counts of people), see `CellKeys`.
  public let recordKey: UInt8

  func with(pseudonym: String?) -> StatisticalCase {
    StatisticalCase(
      survivorID: survivorID, gender: gender, district: district, cohort: cohort, referrals: referrals, sessions: sessions,
      outcomes: outcomes, pseudonym: pseudonym, recordKey: recordKey)
  }

  /// The sessions that belong to a referral: those linked to it, or where the service records no
  /// links for this survivor, all of them (the date rules then decide).
  public func sessions(of referral: StatisticalReferral) -> [StatisticalSession] {
    sessions.contains { $0.referralID != nil } ? sessions.filter { $0.referralID == referral.id } : sessions
  }

  /// The outcome assessments that belong to a referral, by the same rule as `sessions(of:)`.
  public func outcomes(of referral: StatisticalReferral) -> [StatisticalOutcome] {
    outcomes.contains { $0.referralID != nil } ? outcomes.filter { $0.referralID == referral.id } : outcomes
  }
}

public struct StatisticalReferral: Sendable, Equatable {
  public let id: Int64
  public let date: CalendarDate
  public let referrerType: ReferrerType
  public let pathway: Pathway
  public let service: String
  public let ageBand: AgeBand
  public let events: [StatisticalReferralEvent]
  /// The referral's cell-key record key (counts of referrals), see `CellKeys`.
  public let recordKey: UInt8

  /// The first date the referral reached `status`, if it has.
  public func firstDate(of status: ReferralStatus) -> CalendarDate? {
    events.first { $0.status == status }?.date
  }
}

public struct StatisticalReferralEvent: Sendable, Equatable {
  public let status: ReferralStatus
  public let date: CalendarDate
  public let service: String?
  public let reason: String?
}

/// A session as reports use it: when, and whether the survivor came.
public struct StatisticalSession: Sendable, Equatable {
  public let date: CalendarDate
  public let attendance: Attendance
  public let referralID: Int64?
}

public struct StatisticalOutcome: Sendable, Equatable {
  public let stage: OutcomeStage
  public let date: CalendarDate
  public let ratings: [OutcomeDomain: Int]
  public let referralID: Int64?
}

/// Who a statistical read left out for consent, by reason ("not asked", "refused", "withdrawn",
/// "expired"), and how many it included.
public struct ConsentFilterSummary: Sendable, Equatable {
  public let purpose: String
  public let included: Int
  public let excluded: [String: Int]

  public var excludedTotal: Int { excluded.values.reduce(0, +) }
}
