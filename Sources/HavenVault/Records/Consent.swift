/// What a survivor may consent to. Each partner agency and each contact method is its own
/// purpose, so a "yes" to one never implies another.
public enum ConsentPurpose: Sendable, Hashable, CustomStringConvertible {
  /// Storing and using the record for support.
  case support
  /// Inclusion in anonymised statistics for commissioners.
  case statistics
  /// Inclusion in pseudonymised record-level exports for service evaluation.
  case evaluation
  /// Sharing with one named partner agency (agencies are configuration: `haven agency add`).
  case share(agency: String)
  /// Being contacted by one method.
  case contact(SafeContact.Method)

  /// `support`, `statistics`, `evaluation`, `share:AGENCY`, `contact:METHOD`.
  public var description: String {
    switch self {
    case .support: "support"
    case .statistics: "statistics"
    case .evaluation: "evaluation"
    case .share(let agency): "share:\(agency)"
    case .contact(let method): "contact:\(method.rawValue)"
    }
  }

  public init(parsing text: String) throws(VaultError) {
    let value = text.trimmingCharacters(in: .whitespaces).lowercased()
    switch value {
    case "support": self = .support
    case "statistics": self = .statistics
    case "evaluation": self = .evaluation
    default:
      if value.hasPrefix("share:"), value.count > 6 {
        self = .share(agency: String(value.dropFirst(6)))
      } else if value.hasPrefix("contact:"), let method = SafeContact.Method(rawValue: String(value.dropFirst(8))) {
        self = .contact(method)
      } else {
        throw .invalidArgument(
          "unknown consent purpose '\(text)' (support, statistics, evaluation, share:AGENCY, contact:call|voicemail|text|letter|email)"
        )
      }
    }
  }
}

public enum ConsentDecision: String, CaseTerm {
  case granted, refused, withdrawn
}

/// How consent was obtained.
public enum ConsentMethod: String, CaseTerm {
  case written, verbal
  /// Given by a parent or guardian on the person's behalf.
  case parentOrGuardian = "parent-guardian"
  /// A young person judged competent to consent for themselves (Gillick competence).
  case competentYoungPerson = "competent-young-person"
}

/// A decision as a worker (or an import file) records it: refuses a date in the future, an
/// expiry not after the decision, and an expiry on anything but a grant.
public struct NewConsent: Sendable {
  public let purpose: ConsentPurpose
  public let decision: ConsentDecision
  public let date: CalendarDate
  public let method: ConsentMethod
  public let expires: CalendarDate?

  public init(
    purpose: ConsentPurpose, decision: ConsentDecision, date: CalendarDate, method: ConsentMethod, expires: CalendarDate? = nil
  ) throws(VaultError) {
    guard date <= CalendarDate.today() else { throw .invalidArgument("the consent date \(date) is in the future") }
    if let expires, expires <= date { throw .invalidArgument("the expiry \(expires) is not after the consent date \(date)") }
    if expires != nil && decision != .granted { throw .invalidArgument("only a grant can have an expiry or review date") }
    self.purpose = purpose
    self.decision = decision
    self.date = date
    self.method = method
    self.expires = expires
  }
}

/// One recorded decision. The history is append-only: a change of mind is a new event.
public struct ConsentEvent: Sendable, Equatable {
  public let id: Int64
  public let purpose: ConsentPurpose
  public let decision: ConsentDecision
  public let date: CalendarDate
  public let method: ConsentMethod
  /// When a grant lapses and must be reviewed; a lapsed grant counts as not given.
  public let expires: CalendarDate?
  public let recordedBy: String
}

extension ConsentEvent {
  /// Decodes one stored event, given a way to open its fields (with a record's case keys, or
  /// with the statistics key alone): the one decoder for both paths.
  static func decode(id: Int64, recordedBy: String, _ open: (String) throws -> String?) throws -> ConsentEvent {
    func required(_ field: String) throws -> String {
      guard let value = try open(field) else { throw VaultError.databaseDamaged("consent event \(id) has no \(field)") }
      return value
    }
    return ConsentEvent(
      id: id, purpose: try ConsentPurpose(parsing: try required("purpose")),
      decision: try ConsentDecision.parse(try required("decision"), field: "decision"),
      date: try CalendarDate(parsing: try required("decided_on")),
      method: try ConsentMethod.parse(try required("method"), field: "method"),
      expires: try open("expires").map { try CalendarDate(parsing: $0) }, recordedBy: recordedBy)
  }
}

/// The effect of a history at one instant.
public struct ConsentState: Sendable, Equatable {
  public enum Status: String, Sendable {
    case given, refused, withdrawn, expired
    case notAsked = "not asked"
  }
  public let purpose: ConsentPurpose
  public let status: Status
  public let since: CalendarDate?
  public let expires: CalendarDate?

  public var isGiven: Bool { status == .given }
}

/// Computes effective consent from a history: for each purpose, the latest decision dated on or
/// before the instant wins (ties go to the later record); a grant past its expiry is `expired`.
public enum ConsentLedger {
  public static func state(of purpose: ConsentPurpose, in history: [ConsentEvent], on day: CalendarDate) -> ConsentState {
    let relevant = history.filter { $0.purpose == purpose && $0.date <= day }
    guard let latest = relevant.max(by: { ($0.date, $0.id) < ($1.date, $1.id) }) else {
      return ConsentState(purpose: purpose, status: .notAsked, since: nil, expires: nil)
    }
    switch latest.decision {
    case .granted:
      if let expires = latest.expires, expires <= day {
        return ConsentState(purpose: purpose, status: .expired, since: latest.date, expires: expires)
      }
      return ConsentState(purpose: purpose, status: .given, since: latest.date, expires: latest.expires)
    case .refused: return ConsentState(purpose: purpose, status: .refused, since: latest.date, expires: nil)
    case .withdrawn: return ConsentState(purpose: purpose, status: .withdrawn, since: latest.date, expires: nil)
    }
  }

  /// The state of every purpose the history mentions, plus the standard ones.
  public static func states(_ history: [ConsentEvent], on day: CalendarDate) -> [ConsentState] {
    var purposes: [ConsentPurpose] = [.support, .statistics, .evaluation]
    for event in history where !purposes.contains(event.purpose) { purposes.append(event.purpose) }
    return purposes.map { state(of: $0, in: history, on: day) }
  }
}
