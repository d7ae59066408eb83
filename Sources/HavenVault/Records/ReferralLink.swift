/// Which referral (episode of support) a session or an outcome assessment belongs to, as a
/// worker or an import file names it: the referral's Haven id, or the id the service's own
/// system gave it (`external_id` on the referral). Matched within the survivor only, so a link
/// can never point into another person's file.
public enum ReferralLink: Sendable, Equatable, CustomStringConvertible {
  case id(Int64)
  case externalID(String)

  /// Digits are a Haven id first (then an external id, if no referral has that id); anything
  /// else is an external id.
  public init(parsing text: String) {
    if let id = Int64(text), id > 0 { self = .id(id) } else { self = .externalID(text) }
  }

  public var description: String {
    switch self {
    case .id(let id): String(id)
    case .externalID(let text): text
    }
  }
}

extension ReferralLink {
  /// A stored link (the referral's id as decimal text), or a damage report naming the row.
  static func storedID(_ text: String, in row: String) throws(VaultError) -> Int64 {
    guard let id = Int64(text) else { throw .databaseDamaged("\(row) names a referral that is not a number") }
    return id
  }
}
