/// A hold on a survivor (or one of their referrals) linked to a live investigation: while it
/// stands, the survivor cannot be erased or purged. Only an admin lifts it.
public struct LegalHold: Sendable, Equatable {
  public let id: Int64
  public let survivorID: Int64
  public let referralID: Int64?
  public let reason: String
  public let placedBy: String
  public let placedAt: String
}

/// A survivor due for erasure under the retention policy.
public struct RetentionDue: Sendable, Equatable {
  public let survivorID: Int64
  public let lastActivity: String
  public let dueSince: String
  /// Holds that will stop the purge, by id.
  public let holds: [Int64]
}

/// What is left of an erased survivor.
public struct Tombstone: Sendable, Equatable {
  public let survivorID: Int64
  public let erasedAt: String
  public let erasedBy: String
  public let reason: String
}
