/// A referral: one request for support for one survivor. A survivor may have many over the
/// years, so every count must be able to say both "referrals" and "people".
public struct Referral: Sendable, Equatable {
  public let id: Int64
  public let date: CalendarDate
  public let referrerType: ReferrerType
  /// The referrer's agency role in their words ("DC, CSE team"); a team field.
  public let referrerRole: String?
  public let pathway: Pathway
  public let service: String
  public let ageBand: AgeBand
  public let events: [ReferralEvent]
  /// The id the service's own system gave this referral, if any (a team field).
  public let externalID: String?

  public var status: ReferralStatus { events.last?.status ?? .referred }
}

/// One step of a referral's status history.
public struct ReferralEvent: Sendable, Equatable {
  public let status: ReferralStatus
  public let date: CalendarDate
  /// The service allocated to (allocated), or transferred to.
  public let service: String?
  /// Why: an `AllocationReason` for allocated, a `ClosureReason` for closed.
  public let reason: String?
  public let recordedBy: String
}

/// What a worker records when a referral moves on.
public struct ReferralStatusChange: Sendable {
  public let status: ReferralStatus
  public let date: CalendarDate
  public let service: String?
  public let reason: String?

  public init(status: ReferralStatus, date: CalendarDate, service: String? = nil, reason: String? = nil) throws(VaultError) {
    switch status {
    case .allocated:
      guard service != nil else { throw .invalidArgument("allocated needs --service (which service takes the referral)") }
      guard let reason else {
        throw .invalidArgument("allocated needs --reason: \(AllocationReason.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      _ = try AllocationReason.parse(reason, field: "reason")
    case .closed:
      guard let reason else {
        throw .invalidArgument("closed needs --reason: \(ClosureReason.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      _ = try ClosureReason.parse(reason, field: "reason")
    case .referred, .triaged, .engaged:
      break
    }
    self.status = status
    self.date = date
    self.service = service
    self.reason = reason?.lowercased()
  }
}

/// A new referral as a worker records it.
public struct NewReferral: Sendable {
  public let date: CalendarDate
  public let referrerType: ReferrerType
  public let referrerRole: String?
  public let pathway: Pathway
  public let service: String
  public let externalID: String?

  public init(
    date: CalendarDate, referrerType: ReferrerType, referrerRole: String? = nil, pathway: Pathway, service: String,
    externalID: String? = nil
  ) {
    self.externalID = externalID
    self.date = date
    self.referrerType = referrerType
    self.referrerRole = referrerRole
    self.pathway = pathway
    self.service = service
  }
}
