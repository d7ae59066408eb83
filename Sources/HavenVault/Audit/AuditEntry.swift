import Foundation
import HavenCrypto
import HavenStore

/// One audit entry as stored, and its canonical encoding: the leaf data of the Merkle tree
/// (docs/FORMAT.md, "Audit log"). Entries hold ids, user names, pseudonymous survivor references
/// and key versions, never case content; a reason for access is encrypted for auditors.
public struct AuditEntry: Sendable, Equatable {
  public let seq: Int64
  public let recordedAt: String
  public let actorUserID: Int64?
  public let action: String
  public let target: String?
  /// BLAKE2b pseudonym of the survivor reference the access concerned (hex), if any.
  public let subject: String?
  public let outcome: String
  public let detail: String?
  /// The reason given for the access, sealed under the audit reason key (envelope), if any.
  public let reason: [UInt8]?
  public let breakGlass: Bool
  /// A random 16-byte salt for the actor commitment of a format-6 entry; nil for earlier entries,
  /// whose leaf names the actor's user id directly.
  public let actorSalt: [UInt8]?

  /// The columns of an entry in the order `init(positional:)` reads them, then its stored leaf hash.
  /// A format-5 file not yet upgraded (read by `audit verify`, which never migrates) has no
  /// `actor_salt`: its entries read as version-1 leaves.
  static func orderedColumns(_ db: StoreDatabase) throws -> String {
    let salt = try db.columns(in: "audit_entries").contains { $0.name == "actor_salt" } ? "actor_salt" : "NULL AS actor_salt"
    return "seq, recorded_at, actor_user_id, action, target, subject, outcome, detail, reason, break_glass, leaf_hash, \(salt)"
  }

  /// Decodes a row of `SELECT \(orderedColumns(db))` by position: the verifier decodes every entry
  /// of the log, and looking columns up by name was a sixth of its time.
  init(positional row: StoreRow) {
    seq = row[0]
    recordedAt = row[1]
    actorUserID = row[2]
    action = row[3]
    target = row[4]
    subject = row[5]
    outcome = row[6]
    detail = row[7]
    reason = (row[8] as Data?).map { [UInt8]($0) }
    breakGlass = (row[9] as Int64?) == 1
    actorSalt = (row[11] as Data?).map { [UInt8]($0) }
  }

  init(row: StoreRow) {
    seq = row["seq"]
    recordedAt = row["recorded_at"]
    actorUserID = row["actor_user_id"]
    action = row["action"]
    target = row["target"]
    subject = row["subject"]
    outcome = row["outcome"]
    detail = row["detail"]
    reason = (row["reason"] as Data?).map { [UInt8]($0) }
    breakGlass = (row["break_glass"] as Int64?) == 1
    actorSalt = (row["actor_salt"] as Data?).map { [UInt8]($0) }
  }

  init(
    seq: Int64, recordedAt: String, actorUserID: Int64?, action: String, target: String?, subject: String?, outcome: String,
    detail: String?, reason: [UInt8]?, breakGlass: Bool, actorSalt: [UInt8]? = nil
  ) {
    self.seq = seq
    self.recordedAt = recordedAt
    self.actorUserID = actorUserID
    self.action = action
    self.target = target
    self.subject = subject
    self.outcome = outcome
    self.detail = detail
    self.reason = reason
    self.breakGlass = breakGlass
    self.actorSalt = actorSalt
  }

  /// The leaf data: every column, in order, in the length-prefixed context encoding, so that no
  /// column can change without changing the leaf hash. From format 6 the actor is a salted
  /// commitment (`actorCommitment`): a proof handed to a survivor shows that the entry is in the
  /// log without naming, or letting them link, the member of staff (docs/FORMAT.md section 9).
  public var leafData: [UInt8] {
    if let actorSalt {
      return AssociatedData.encode(
        domain: "haven.audit.entry.v2",
        [
          .integer(seq), .text(recordedAt), .bytes(AuditEntry.actorCommitment(salt: actorSalt, actor: actorUserID)),
          .text(action), .text(target ?? ""), .text(subject ?? ""), .text(outcome), .text(detail ?? ""),
          .bytes(reason ?? []), .integer(breakGlass ? 1 : 0),
        ])
    }
    return AssociatedData.encode(
      domain: "haven.audit.entry.v1",
      [
        .integer(seq), .text(recordedAt), .integer(actorUserID ?? 0), .text(action), .text(target ?? ""), .text(subject ?? ""),
        .text(outcome), .text(detail ?? ""), .bytes(reason ?? []), .integer(breakGlass ? 1 : 0),
      ])
  }

  public var leafHash: MerkleTree.Hash { MerkleTree.leafHash(leafData) }

  /// `SHA-256(encode("haven.audit.actor.v1", [salt, actor user id or 0]))`.
  static func actorCommitment(salt: [UInt8], actor: Int64?) -> [UInt8] {
    SHA256.hash(AssociatedData.encode(domain: "haven.audit.actor.v1", [.bytes(salt), .integer(actor ?? 0)]))
  }
}
