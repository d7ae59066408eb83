import HavenCrypto
import HavenStore

/// An unlocked user: their key pairs in guarded memory, and every operation they may attempt.
/// Operations live in extensions, one concern per file (administration, key duties, recovery,
/// record keys, status). Each runs in one write transaction that also appends its audit entry.
public final class VaultSession: @unchecked Sendable {
  public let vault: Vault
  public let user: UserRecord
  let keys: UserKeyPairs
  let teamKeys = KeyCache<TeamKeyPurpose>()
  let auditKeys = KeyCache<PseudonymKeyPurpose>()
  let auditReasonKeys = KeyCache<AuditReasonKeyPurpose>()
  var heldAuditReasonPair: HeldBoxKeyPair?
  /// Why the user is accessing records this session (`--reason`); recorded, encrypted for
  /// auditors, in every audit entry the session writes.
  public var accessReason: String?
  private var activeWriter: AuditWriter?
  /// Set for a break-glass session (`--break-glass REASON`): survivors outside the user's teams
  /// become reachable for reading, and every entry the session writes is flagged.
  public var breakGlassReason: String? {
    didSet { if let breakGlassReason, accessReason == nil { accessReason = breakGlassReason } }
  }
  let blindIndexKeys = KeyCache<BlindIndexKeyPurpose>()
  /// One per team key version used: deriving it for every record was a measurable cost of imports.
  let recordWrappingKeys = KeyCache<RecordWrappingKeyPurpose>()
  /// One per team: the caseload index is read whole, and sealed again whenever a case changed.
  let caseloadKeys = KeyCache<CaseloadKeyPurpose>()
  /// The audit pseudonym of the survivor last written or read (consecutive rows of an import or a
  /// case file name the same survivor; a survivor's reference, and so the pseudonym, never changes).
  var lastSubject: (survivorID: Int64, subject: String)?

  /// The signed directory as verified at unlock; `directory(_:)` extends it with later entries.
  var unlockedDirectory: DirectoryState
  private var cachedDirectory: DirectoryState?

  init(vault: Vault, user: UserRecord, keys: consuming UserKeyPairs, directory: DirectoryState) {
    self.vault = vault
    self.user = user
    self.keys = keys
    self.unlockedDirectory = directory
  }

  /// The directory as it stands in this transaction: the one verified at unlock, extended by
  /// (and checked against) whatever was appended since. Lookups ask for it on every call, so the
  /// extended state is kept for the rest of the transaction while the chain's length is unchanged
  /// (entries are only ever appended; each write transaction starts from a fresh extension).
  func directory(_ db: StoreDatabase) throws -> DirectoryState {
    let length = try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(seq), 0) FROM directory_entries")) ?? 0
    if let cachedDirectory, cachedDirectory.length == length { return cachedDirectory }
    let base = cachedDirectory.map { $0.length < length ? $0 : unlockedDirectory } ?? unlockedDirectory
    let extended = try DirectoryLog.extend(base, db)
    cachedDirectory = extended
    return extended
  }

  /// Appends a directory entry signed by this user, in the caller's transaction.
  func appendDirectory(_ db: StoreDatabase, _ event: DirectoryEvent) throws {
    try DirectoryLog.append(db, vaultID: metadata.vaultID, event: event, author: user.id, sign: { keys.signing.sign($0) })
  }

  var metadata: VaultMetadata { vault.metadata }

  /// Runs `body` in one write transaction (BEGIN IMMEDIATE), mapping storage errors.
  @discardableResult
  func transaction<T>(_ body: (StoreDatabase) throws -> T) throws(VaultError) -> T {
    do {
      return try signedWrite(body)
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Every write of an unlocked user: `body`, then, in the same transaction, a checkpoint of the
  /// audit tree signed with the user's Ed25519 key if `body` appended entries. Entries are
  /// appended through one `AuditWriter` per transaction (`auditWriter`).
  func signedWrite<T>(_ body: (StoreDatabase) throws -> T) throws -> T {
    cachedDirectory = nil
    defer { cachedDirectory = nil }
    return try vault.database.write { db in
      let writer = AuditWriter()
      activeWriter = writer
      defer { activeWriter = nil }
      let result = try body(db)
      if let frontier = try writer.finish(db) {
        try AuditLog.checkpoint(
          db, metadata: metadata, signer: keys.signing, signerName: user.name, signerID: user.id, frontier: frontier)
      }
      return result
    }
  }

  /// The writer of the transaction in progress. Every session write runs inside `signedWrite`.
  var auditWriter: AuditWriter {
    guard let activeWriter else { preconditionFailure("an audit entry was appended outside signedWrite") }
    return activeWriter
  }

  /// Appends an audit entry as this user, with the session's reason for access.
  @discardableResult
  func record(
    _ db: StoreDatabase, action: AuditAction, target: String? = nil, subject: String? = nil, outcome: AuditOutcome = .ok,
    detail: String? = nil, breakGlass: Bool = false
  ) throws -> Int64 {
    var sealedReason: ((Int64) throws -> [UInt8]?) = { _ in nil }
    if let reason = accessReason {
      sealedReason = { seq in try self.sealReason(reason, kind: .access, id: seq) }
    }
    return try auditWriter.append(
      db, actor: user.id, action: action, target: target, subject: subject, outcome: outcome, detail: detail,
      reason: sealedReason,
      breakGlass: breakGlass || breakGlassReason != nil)
  }

  /// The pseudonym of a survivor reference in audit entries: hex of a 16-byte BLAKE2b keyed with
  /// the audit pseudonym key. Auditors compute it to find every access to one survivor.
  func subject(_ db: StoreDatabase, _ reference: SurvivorReference) throws -> String {
    Hex.encode(BLAKE2b.keyedHash(Array("survivor:\(reference)".utf8), key: try auditPseudonymKey(db).key, outputByteCount: 16))
  }

  func auditPseudonymKey(_ db: StoreDatabase) throws -> KeyCache<PseudonymKeyPurpose>.Entry {
    if let entry = auditKeys.entry("pseudonym") { return entry }
    let root = try auditRootKey(db)
    return auditKeys.store("pseudonym", try root.deriveSubkey(id: 1, context: .auditSubkeys, as: PseudonymKeyPurpose.self))
  }

  func auditReasonKey(_ db: StoreDatabase) throws -> KeyCache<AuditReasonKeyPurpose>.Entry {
    if let entry = auditReasonKeys.entry("reason") { return entry }
    let root = try auditRootKey(db)
    return auditReasonKeys.store("reason", try root.deriveSubkey(id: 2, context: .auditSubkeys, as: AuditReasonKeyPurpose.self))
  }

  private func auditRootKey(_ db: StoreDatabase) throws -> AuditKey {
    guard
      let key = try UserKeyHolder(self).heldKey(
        db, directory: try directory(db), kind: .audit, teamID: nil, version: 1, as: AuditKeyPurpose.self)
    else { throw VaultError.keyNotHeld(what: "the audit key") }
    return key
  }

  /// Checks a role rule; a refusal is audited (in its own transaction) before it is reported.
  func authorize(_ operation: AccessPolicy.Operation, action: AuditAction, target: String?) throws(VaultError) {
    guard AccessPolicy.allows(user.role, operation) else {
      let reason = AccessPolicy.reason(user.role, operation)
      try transaction { db in
        try record(
          db, action: action, target: target, outcome: .denied, detail: "role \(user.role.rawValue)")
      }
      throw VaultError.permissionDenied(action: operation.rawValue, reason: reason)
    }
  }

  /// Records a refusal that happened after authorization (e.g. an outsider asking for a team key).
  func recordDenied(_ action: AuditAction, target: String?, subject: SurvivorReference? = nil, detail: String) throws(VaultError)
  {
    try transaction { db in
      try record(
        db, action: action, target: target, subject: try subject.map { try self.subject(db, $0) }, outcome: .denied,
        detail: detail)
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
