/// One support session with a survivor.
public struct SupportSession: Sendable, Equatable {
  public let id: Int64
  public let date: CalendarDate
  public let minutes: Int
  public let kind: SessionKind
  public let attendance: Attendance
  public let worker: String
  public let notes: String?
  /// The referral (episode of support) it belongs to, when the service records that.
  public let referralID: Int64?
}

public struct NewSupportSession: Sendable {
  public let date: CalendarDate
  public let minutes: Int
  public let kind: SessionKind
  public let attendance: Attendance
  /// Who ran it; the recording user when nil.
  public let worker: String?
  public let notes: String?
  public let referral: ReferralLink?

  public init(
    date: CalendarDate, minutes: Int, kind: SessionKind, attendance: Attendance, worker: String? = nil, notes: String? = nil,
    referral: ReferralLink? = nil
  ) throws(VaultError) {
    guard (0...1440).contains(minutes) else { throw .invalidArgument("minutes must be between 0 and 1440") }
    self.date = date
    self.minutes = minutes
    self.kind = kind
    self.attendance = attendance
    self.worker = worker
    self.notes = notes
    self.referral = referral
  }
}

/// Ratings in the four domains at one stage of support.
public struct OutcomeAssessment: Sendable, Equatable {
  public let id: Int64
  public let stage: OutcomeStage
  public let date: CalendarDate
  public let ratings: [OutcomeDomain: Int]
  public let recordedBy: String
  /// The referral (episode of support) these ratings measure, when the service records that.
  public let referralID: Int64?
}

public struct NewOutcomeAssessment: Sendable {
  public let stage: OutcomeStage
  public let date: CalendarDate
  public let ratings: [OutcomeDomain: Int]
  public let referral: ReferralLink?

  public init(
    stage: OutcomeStage, date: CalendarDate, ratings: [OutcomeDomain: Int], referral: ReferralLink? = nil
  ) throws(VaultError) {
    for domain in OutcomeDomain.allCases {
      guard let rating = ratings[domain] else { throw .invalidArgument("a rating for '\(domain.rawValue)' is required") }
      guard OutcomeScale.widest.contains(rating) else {
        throw .invalidArgument(
          "\(domain.rawValue) rating \(rating) is outside \(OutcomeScale.widest.lowerBound)-\(OutcomeScale.widest.upperBound)")
      }
    }
    self.stage = stage
    self.date = date
    self.ratings = ratings
    self.referral = referral
  }
}

/// Everything a member of the holding team may see about one survivor.
public struct SurvivorFile: Sendable {
  public let id: Int64
  public let reference: SurvivorReference
  public let team: String
  public let details: SurvivorDetails
  public let safeContact: SafeContact?
  public let relatedPeople: [RelatedPerson]
  public let referrals: [Referral]
  public let sessions: [SupportSession]
  public let outcomes: [OutcomeAssessment]
  public let createdAt: String
  public let updatedAt: String
}

/// One line of a list or search result.
public struct SurvivorSummary: Sendable, Equatable {
  public let id: Int64
  public let reference: SurvivorReference
  public let name: String
  public let team: String
  public let dateOfBirth: CalendarDate?
}
