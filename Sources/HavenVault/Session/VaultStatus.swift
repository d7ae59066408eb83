import HavenCrypto
import HavenStore

/// What `haven status` shows: the vault's identity and format, its users, teams and counts.
/// Nothing in it is case content.
public struct VaultStatus: Sendable {
  public let name: String
  public let vaultID: String
  public let formatVersion: Int
  public let kdfLevel: KDFLevel
  public let createdAt: String
  public let you: String
  public let yourRole: Role
  public let users: [UserRecord]
  public let teams: [TeamSummary]
  public let auditEntryCount: Int
  /// Erasures committed but not yet complete after this command's attempt to complete them.
  public let pendingErasures: Int
  /// Why they are pending (nil when none are), which names who completes them.
  public let pendingErasureReason: ErasurePendingReason?
  /// The vault's root fingerprint (its signed directory's first entry), to compare out of band.
  public let root: String?
}

extension VaultSession {
  public func status() throws(VaultError) -> VaultStatus {
    // Any command may finish erasures a concurrent reader held up; status is where people look.
    let pending: Int
    let reason: ErasurePendingReason?
    switch try completeErasures() {
    case .complete: (pending, reason) = (0, nil)
    case .pending(let count, let why): (pending, reason) = (count, why)
    }
    return try transaction { db in
      try record(db, action: .statusRead)
      return VaultStatus(
        name: metadata.name, vaultID: Hex.encode(metadata.vaultID), formatVersion: metadata.formatVersion,
        kdfLevel: metadata.kdfLevel, createdAt: metadata.createdAt, you: user.name, yourRole: user.role,
        users: try UserRecord.allActive(db), teams: try teamSummaries(db),
        // Entries are numbered 1..n (audit verify checks it), so the last number is the count
        // without scanning the log.
        auditEntryCount: try Int.fetchOne(db, sql: "SELECT max(seq) FROM audit_entries") ?? 0, pendingErasures: pending,
        pendingErasureReason: reason,
        root: VaultRoot.of(unlockedDirectory, metadata: metadata)?.fingerprint)
    }
  }
}
