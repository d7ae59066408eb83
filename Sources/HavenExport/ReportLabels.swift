import HavenVault

/// What a report prints for each code, so a commissioner reads it without a glossary: services
/// by the display names an admin configured (`haven service label`), the closed lists by the
/// words the partnership uses. Machine-readable forms keep the code beside the label.
public struct ReportLabels: Sendable, Equatable {
  /// Service code -> display name, from the vault's configuration.
  public var services: [String: String]

  public init(services: [String: String] = [:]) {
    self.services = services
  }

  public func service(_ code: String) -> String { services[code] ?? code }

  public static func pathway(_ pathway: Pathway) -> String {
    switch pathway {
    case .postCSE: "Post-CSE support"
    case .stovewood: "Operation Stovewood victim support"
    case .trsConsultation: "Trauma service consultation"
    }
  }

  public static func referrerType(_ type: ReferrerType) -> String {
    switch type {
    case .police: "Police"
    case .nca: "National Crime Agency"
    case .gp: "GP"
    case .health: "Other health services"
    case .school: "School or college"
    case .selfReferral: "Self-referral"
    case .childrensSocialCare: "Children's social care"
    case .adultSocialCare: "Adult social care"
    case .voluntarySector: "Voluntary sector"
    case .other: "Other"
    case .traumaService: "The trauma service itself"
    }
  }

  public static func cohort(_ cohort: Cohort) -> String {
    switch cohort {
    case .victimSurvivor: "Victim or survivor"
    case .familyOfVictim: "Family member of a victim"
    case .familyOfSuspect: "Family member of a suspect"
    }
  }

  public static func ageBand(_ band: AgeBand) -> String {
    switch band {
    case .under11: "Under 11"
    case .from55: "55 and over"
    case .unknown: "Not known"
    default: band.rawValue.replacingOccurrences(of: "-", with: " to ")
    }
  }

  public static func stage(_ status: ReferralStatus) -> String {
    switch status {
    case .referred: "Referred"
    case .triaged: "Triaged"
    case .allocated: "Allocated to a service"
    case .engaged: "Support began"
    case .closed: "Support ended (closed)"
    }
  }

  /// A breakdown category's label from its code.
  public func category(_ kind: BreakdownKind, _ code: String) -> String {
    if code == ReportCounts.notRecorded { return "Not recorded" }
    switch kind {
    case .referrerType: return ReferrerType(rawValue: code).map(Self.referrerType) ?? code
    case .cohort: return Cohort(rawValue: code).map(Self.cohort) ?? code
    case .ageBand: return AgeBand(rawValue: code).map(Self.ageBand) ?? code
    case .district: return code
    }
  }
}
