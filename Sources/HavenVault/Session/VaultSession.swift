import GRDB
import HavenCrypto

/// An unlocked user: their key pairs in guarded memory, and every operation they may attempt.
/// Operations live in extensions, one concern per file (administration, key duties, recovery,
/// record keys, status). Each runs in one write transaction that also appends its audit entry.
public final class VaultSession: @unchecked Sendable {
  public let vault: Vault
  public let user: UserRecord
  let keys: UserKeyPairs
  let teamKeys = KeyCache<TeamKeyPurpose>()
  let blindIndexKeys = KeyCache<BlindIndexKeyPurpose>()

  init(vault: Vault, user: UserRecord, keys: consuming UserKeyPairs) {
    self.vault = vault
    self.user = user
    self.keys = keys
  }

  var metadata: VaultMetadata { vault.metadata }

  /// Runs `body` in one write transaction (BEGIN IMMEDIATE), mapping storage errors.
  func transaction<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
    do {
      return try vault.database.write(body)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Checks a role rule; a refusal is audited (in its own transaction) before it is reported.
  func authorize(_ operation: AccessPolicy.Operation, action: AuditAction, target: String?) throws(VaultError) {
    guard AccessPolicy.allows(user.role, operation) else {
      let reason = AccessPolicy.reason(user.role, operation)
      try transaction { db in
        try AuditLog.append(
          db, actor: user.id, action: action, target: target, outcome: .denied, detail: "role \(user.role.rawValue)")
      }
      throw VaultError.permissionDenied(action: operation.rawValue, reason: reason)
    }
  }

  /// Records a refusal that happened after authorization (e.g. an outsider asking for a team key).
  func recordDenied(_ action: AuditAction, target: String?, detail: String) throws(VaultError) {
    try transaction { db in
      try AuditLog.append(db, actor: user.id, action: action, target: target, outcome: .denied, detail: detail)
    }
  }
}

/// Holds unwrapped keys for the length of a session, each in its own guarded allocation, so a
/// command that touches many records unwraps each team key once.
final class KeyCache<Purpose: KeyPurpose>: @unchecked Sendable {
  final class Entry {
    let key: SecretKey<Purpose>
    init(key: consuming SecretKey<Purpose>) { self.key = key }
  }
  private var entries: [String: Entry] = [:]

  func entry(_ name: String) -> Entry? { entries[name] }
  func store(_ name: String, _ key: consuming SecretKey<Purpose>) -> Entry {
    let entry = Entry(key: key)
    entries[name] = entry
    return entry
  }
}
