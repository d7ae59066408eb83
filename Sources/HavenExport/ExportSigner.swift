import Foundation
import HavenCrypto
import HavenVault

/// Assembles, signs and seals an export in the name of the unlocked user: the manifest names
/// the vault, the recipient and the signer, and carries the audit checkpoint current when the
/// data was read. Every export is audited with its content hash and recipient fingerprint.
public struct ExportSigner {
  public let session: VaultSession

  public init(session: VaultSession) { self.session = session }

  public struct Request: Sendable {
    public let kind: String
    public let title: String
    public let parameters: [String: String]
    public let consent: ConsentFilterSummary?
    public let disclosureNotes: [String]
    public let entries: [ExportEntry]
    public let auditCheckpoint: String
    /// For a commissioner's report: the release the ledger records when it is delivered.
    public let release: ReportRelease?

    public init(
      kind: String, title: String, parameters: [String: String], consent: ConsentFilterSummary?, disclosureNotes: [String],
      entries: [ExportEntry], auditCheckpoint: String, release: ReportRelease? = nil
    ) {
      self.release = release
      self.kind = kind
      self.title = title
      self.parameters = parameters
      self.consent = consent
      self.disclosureNotes = disclosureNotes
      self.entries = entries
      self.auditCheckpoint = auditCheckpoint
    }
  }

  /// Signs the request's manifest; `recipient` nil makes an unsealed (`--plain`) copy.
  public func sign(_ request: Request, recipient: RecipientPublicKey?) throws(VaultError) -> ExportFile.Signed {
    let (json, signature) = try signManifest(request, files: request.entries.map(\.record), recipient: recipient)
    return ExportFile.Signed(manifestJSON: json, signature: signature, entries: request.entries, release: request.release)
  }

  /// Signs a manifest for files described rather than held (a backup, streamed from disk).
  public func signManifest(
    _ request: Request, files: [ExportManifest.File], recipient: RecipientPublicKey?
  ) throws(VaultError) -> (manifestJSON: [UInt8], signature: [UInt8]) {
    // A survivor's own copy shows roles, never staff: the signer is named by role and key fingerprint.
    let anonymous = request.kind == "subject-access"
    let manifest = ExportManifest(
      kind: request.kind, title: request.title,
      vault: .init(id: Hex.encode(session.vault.metadata.vaultID), name: session.vault.metadata.name),
      recipient: recipient.map { .init(publicKey: Hex.encode($0.key.bytes), fingerprint: $0.fingerprint) },
      generatedBy: .init(
        user: anonymous ? session.user.role.rawValue : session.user.name, role: session.user.role.rawValue,
        keyName: anonymous ? session.anonymousSigningKeyName : session.signingKeyName,
        publicKey: Hex.encode(session.signingPublicKey.bytes)),
      generatedAt: ISO8601DateFormatter().string(from: Date()), parameters: request.parameters,
      consent: request.consent.map { .init(purpose: $0.purpose, included: $0.included, excluded: $0.excluded) },
      disclosureNotes: request.disclosureNotes, auditCheckpoint: request.auditCheckpoint,
      files: files, contentHash: ExportManifest.contentHash(files))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let json = try? encoder.encode(manifest) else { throw .storageFailure("could not encode the export manifest") }
    return (Array(json), session.signExport(manifest: Array(json), anonymous: anonymous).signature)
  }

  /// Records the export in the audit log; call once the file is ready to be written.
  public func audit(
    _ signed: ExportFile.Signed, action: AuditAction, survivor: SurvivorReference? = nil, recipient: RecipientPublicKey?
  )
    throws(VaultError)
  {
    let manifest = try ExportOpener.decodeManifest(signed.manifestJSON)
    let detail =
      "\(manifest.kind) to \(recipient.map { "recipient \($0.fingerprint)" } ?? "an unsealed copy"), content sha256 \(manifest.contentHash)"
    if let release = signed.release {
      guard action == .exportReport else { throw .invalidArgument("a report release is recorded as export.report") }
      return try session.recordReportRelease(release, detail: detail)
    }
    try session.recordExport(action, survivor: survivor, detail: detail)
  }
}
