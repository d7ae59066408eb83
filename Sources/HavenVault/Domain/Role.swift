/// What a user may do. A role decides which keys a user may be given; the keys then decide what
/// they can actually read (SECURITY.md, "Who holds which key").
public enum Role: String, CaseIterable, Sendable, Codable {
  /// Manages users and teams. Holds no team key unless also a member of that team.
  case admin
  /// Records and reads case content of the teams they belong to.
  case worker
  /// Reads and verifies the audit log; never case content.
  case auditor
  /// Holds the statistics key: statistical fields of every team, never names, contacts or notes.
  case reporting

  /// Only admins and workers may belong to teams (and so hold team keys).
  public var mayJoinTeams: Bool { self == .admin || self == .worker }
  /// Who receives the statistics key.
  public var holdsStatisticsKey: Bool { self == .reporting }
}
