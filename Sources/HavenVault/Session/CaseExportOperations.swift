import Foundation
import HavenCrypto
import HavenStore

/// Why one survivor's case file leaves the vault.
public enum CaseExportPurpose: Sendable, Equatable {
  /// The survivor's own right of access (UK GDPR article 15): no consent needed, and their
  /// access history comes with it.
  case subjectAccess
  /// Sharing with a named partner agency: produced only while `share:AGENCY` consent is in effect.
  case share(agency: String)

  var action: AuditAction {
    switch self {
    case .subjectAccess: .exportSubjectAccess
    case .share: .exportShare
    }
  }
}

/// One entry of a survivor's access history, with its proof of inclusion in the audit log.
public struct AccessHistoryEntry: Sendable {
  public let entry: AuditEntry
  /// The role of the user who acted: a survivor sees roles, not staff names.
  public let actorRole: Role?
  /// False for an entry from before format 6, whose leaf data names the actor's user id: a
  /// survivor's copy then shows the entry's hash and its proof, not its leaf data.
  public let leafDataShown: Bool
  public let proof: AuditInclusionProof
}

/// Everything a case export is made from, read in one audited transaction by a member of the
/// survivor's team.
public struct CaseExportRead: Sendable {
  public let file: SurvivorFile
  public let consent: [ConsentEvent]
  /// Entries whose subject is this survivor, up to the checkpoint below (subject access only).
  public let accessHistory: [AccessHistoryEntry]
  /// The signed checkpoint every proof is against: the latest when the export was read.
  public let checkpoint: String
  /// Every user name in the vault and their role, so names can be reduced to roles.
  public let staff: [String: Role]
}

/// What the vault signs an export with: the exporting user's Ed25519 key, under the same key
/// name that signs their audit checkpoints (docs/FORMAT.md, "Export file").
public struct ExportSignature: Sendable {
  public let keyName: String
  public let publicKey: SigningPublicKey
  public let signature: [UInt8]
}

extension VaultSession {
  /// Reads one survivor's whole case file for export (team members only). A share is refused,
  /// audited, unless the survivor's consent to share with that agency is in effect on `day`.
  public func readCaseForExport(
    _ reference: SurvivorReference, purpose: CaseExportPurpose, on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> CaseExportRead {
    do {
      return try withCaseFile(reference, action: purpose.action, detail: "read for export") { db, row, keys in
        let consent = try consentHistory(db, row, keys)
        if case .share(let agency) = purpose {
          guard
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM partner_agencies WHERE name = ?)", arguments: [agency])
              ?? false
          else { throw VaultError.notFound(kind: "partner agency", name: agency) }
          let state = ConsentLedger.state(of: .share(agency: agency), in: consent, on: day)
          // Thrown before anything is read beyond the consent history: the transaction rolls
          // back and the refusal is audited below.
          guard state.isGiven else {
            throw VaultError.consentNotGiven(
              purpose: ConsentPurpose.share(agency: agency).description, status: state.status.rawValue)
          }
        }
        guard
          let checkpoint = try StoreRow.fetchOne(
            db, sql: "SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
        else { throw VaultError.databaseDamaged("the audit log has no checkpoint") }
        let staff = Dictionary(
          uniqueKeysWithValues: try StoreRow.fetchAll(db, sql: "SELECT name, role FROM users").map {
            ($0["name"] as String, Role(rawValue: $0["role"]) ?? .worker)
          })
        let history =
          purpose == .subjectAccess
          ? try accessHistory(
            db, subject: try subject(db, row, keys), treeSize: checkpoint["tree_size"], note: checkpoint["note"])
          : []
        // A survivor's own copy never names staff: the checkpoint is signed again by this user
        // under their key's fingerprint, and only that signature is carried.
        let note: String = purpose == .subjectAccess ? try cosignAnonymously(checkpoint["note"]) : checkpoint["note"]
        return CaseExportRead(
          file: try buildFile(db, row, keys), consent: consent, accessHistory: history, checkpoint: note, staff: staff)
      }
    } catch .consentNotGiven(let consentPurpose, let status) {
      try recordDenied(purpose.action, target: "export", subject: reference, detail: "\(consentPurpose) consent \(status)")
      throw .consentNotGiven(purpose: consentPurpose, status: status)
    }
  }

  /// The entries about one survivor, each with an RFC 6962 inclusion proof against the
  /// checkpoint of `treeSize` leaves.
  private func accessHistory(_ db: StoreDatabase, subject: String, treeSize: Int, note: String) throws -> [AccessHistoryEntry] {
    let entries = try StoreRow.fetchAll(
      db, sql: "SELECT * FROM audit_entries WHERE subject = ? AND seq <= ? ORDER BY seq", arguments: [subject, treeSize]
    ).map(AuditEntry.init(row:))
    guard !entries.isEmpty else { return [] }
    var reader = try AuditPathReader(db, treeSize: treeSize)
    let roles = Dictionary(
      uniqueKeysWithValues: try StoreRow.fetchAll(db, sql: "SELECT id, role FROM users").map {
        ($0["id"] as Int64, Role(rawValue: $0["role"]))
      })
    let paths = try entries.map { try reader.path(seq: $0.seq) }
    return zip(entries, paths).map { entry, path in
      // An entry from before format 6 names its actor's id in its leaf: only its hash is shown.
      AccessHistoryEntry(
        entry: entry, actorRole: entry.actorUserID.flatMap { roles[$0] ?? nil }, leafDataShown: entry.actorSalt != nil,
        proof: AuditInclusionProof(
          seq: entry.seq, leafIndex: Int(entry.seq - 1), leafData: entry.leafData, leafHash: entry.leafHash, treeSize: treeSize,
          path: path, checkpoint: note))
    }
  }

  /// Signs an export manifest with this user's Ed25519 key. The bytes signed are
  /// `encode("haven.export.signature.v1", [manifest])` (docs/FORMAT.md), so the signature cannot
  /// be replayed as an audit checkpoint or anything else the key signs.
  public func signExport(manifest: [UInt8], anonymous: Bool = false) -> ExportSignature {
    let message = AssociatedData.encode(domain: "haven.export.signature.v1", [.bytes(manifest)])
    return ExportSignature(
      keyName: anonymous ? anonymousSigningKeyName : signingKeyName, publicKey: keys.signing.publicKey,
      signature: keys.signing.sign(message))
  }

  /// The same checkpoint text, signed by this user under their key's fingerprint only.
  func cosignAnonymously(_ note: String) throws -> String {
    let parsed = try SignedNote(parsing: note)
    return try SignedNote.sign(text: parsed.text, name: anonymousSigningKeyName, with: keys.signing).encoded
  }

  /// The name this user's key signs under where staff must not be named (`SignerName`).
  public var anonymousSigningKeyName: String {
    SignerName.anonymous(vaultIDHex: Hex.encode(metadata.vaultID), key: keys.signing.publicKey)
  }

  /// The latest signed audit checkpoint: exports carry it so a recipient can later check, with a
  /// consistency proof, that the log their export was made from was never rewritten.
  public func latestCheckpoint() throws(VaultError) -> String {
    do {
      guard
        let note = try vault.database.read({ db in
          try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
        })
      else { throw VaultError.databaseDamaged("the audit log has no checkpoint") }
      return note
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// This user's Ed25519 public key, as it appears in their key name's signatures.
  public var signingPublicKey: SigningPublicKey { keys.signing.publicKey }

  /// The signed-note name this user's signatures carry (`haven/<vault id hex>/<user>`).
  public var signingKeyName: String { AuditLog.keyName(metadata, user: user.name) }

  /// Refuses a report release that the release rules forbid (HavenExport's `ReleaseGrid` and
  /// release ledger): a user without the reporting role is refused for that first; otherwise the
  /// refusal is audited as a denied `export.report` with `detail` (period, filter, revision:
  /// configuration, never case content) before the error is reported, and nothing is written.
  public func refuseReportRelease(detail: String, reason: String) throws(VaultError) -> Never {
    try authorize(.readStatistics, action: .exportReport, target: "report")
    try recordDenied(.exportReport, target: "report", detail: detail)
    throw .permissionDenied(action: "release this report", reason: reason)
  }

  /// Records that an export was written: what, for whom (key fingerprint), its content hash.
  /// `survivor`: for a case export, the survivor's pseudonymous subject is recorded too.
  public func recordExport(_ action: AuditAction, survivor: SurvivorReference? = nil, detail: String) throws(VaultError) {
    guard [.exportReport, .exportRecords, .exportSubjectAccess, .exportShare].contains(action) else {
      throw .invalidArgument("\(action.rawValue) is not an export action")
    }
    try transaction { db in
      try record(db, action: action, target: "export", subject: try survivor.map { try subject(db, $0) }, detail: detail)
    }
  }
}
