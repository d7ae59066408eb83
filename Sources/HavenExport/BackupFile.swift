import Foundation
import HavenCrypto
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// The backup file (docs/FORMAT.md, "Backup file"): the export payload of section 14 (a signed
/// manifest of kind `backup` and the files `vault.sqlite` and `key-USER.key`), encrypted under
/// the key of one backup generation:
///
///     file = "HAVENBK1" || vault_id (16) || generation_id (16) || nonce (24) || XChaCha20-Poly1305(K_gen, nonce, payload, AD)
///     AD   = encode("haven.backup.file.v1", ["HAVENBK1", vault_id, generation_id])
public enum BackupFile {
  static let magic = Array("HAVENBK1".utf8)
  static let headerByteCount = 8 + 16 + 16
  static let databaseName = "vault.sqlite"

  /// What a backup holds, after every check has passed.
  public struct Contents: Sendable {
    public let manifest: ExportManifest
    public let vaultID: [UInt8]
    public let generation: BackupGenerationID
    public let database: [UInt8]
    public let keyFiles: [(user: String, bytes: [UInt8])]
  }

  /// Signs and seals a snapshot; returns the file's bytes.
  public static func seal(_ snapshot: borrowing VaultSnapshot, session: VaultSession) throws(VaultError) -> [UInt8] {
    var entries = [ExportEntry(name: databaseName, mediaType: "application/vnd.sqlite3", contents: snapshot.database)]
    entries += snapshot.keyFiles.map {
      ExportEntry(name: "key-\($0.user).key", mediaType: "application/octet-stream", contents: $0.bytes)
    }
    let request = ExportSigner.Request(
      kind: "backup", title: "Backup of \(session.vault.metadata.name)",
      parameters: ["generation": snapshot.generation.description, "users": String(snapshot.keyFiles.count)], consent: nil,
      disclosureNotes: ["A whole vault: every field still encrypted as in the vault, keys sealed as in the vault."],
      entries: entries, auditCheckpoint: snapshot.checkpoint)
    let signed = try ExportSigner(session: session).sign(request, recipient: nil)
    let vaultID = session.vault.metadata.vaultID
    let header = magic + vaultID + snapshot.generation.bytes
    return header
      + XChaCha20Poly1305.seal(
        signed.payload, key: snapshot.key, associatedData: associatedData(vaultID: vaultID, generation: snapshot.generation))
  }

  /// The vault and generation a backup file names, read without any key.
  public static func header(_ file: [UInt8]) throws(VaultError) -> (vaultID: [UInt8], generation: BackupGenerationID) {
    guard file.count >= headerByteCount + XChaCha20Poly1305.nonceByteCount + XChaCha20Poly1305.tagByteCount else {
      throw .exportInvalid("the file is too short to be a Haven backup (truncated?)")
    }
    guard Array(file.prefix(8)) == magic else { throw .exportInvalid("the file is not a Haven backup (no HAVENBK1 header)") }
    return (Array(file[8..<24]), try BackupGenerationID(bytes: Array(file[24..<40])))
  }

  /// Decrypts with the generation key from the keyring (opened with the recovery key) and checks
  /// the signature, every file's hash and that the manifest names the vault in the header.
  public static func open(
    _ file: [UInt8], keyring: BackupKeyring, recoveryKey: borrowing RecoveryKey
  ) throws(VaultError) -> Contents {
    let (vaultID, generation) = try header(file)
    let key = try keyring.open(generation, vaultID: vaultID, recoveryKey: recoveryKey)
    let payload: [UInt8]
    do {
      payload = try XChaCha20Poly1305.open(
        Array(file[headerByteCount...]), key: key, associatedData: associatedData(vaultID: vaultID, generation: generation))
    } catch {
      throw .exportInvalid("the backup failed authentication: it was altered or truncated")
    }
    let signed = try ExportFile.split(payload)
    let opened = try ExportOpener.verify(signed, trustedSigners: nil)
    guard opened.manifest.kind == "backup", opened.manifest.vault.id == Hex.encode(vaultID),
      opened.manifest.parameters["generation"] == generation.description
    else { throw .exportInvalid("the backup's manifest does not match its header") }
    guard let database = opened.entries.first(where: { $0.name == databaseName }) else {
      throw .exportInvalid("the backup holds no database")
    }
    let keyFiles = opened.entries.filter { $0.name.hasPrefix("key-") && $0.name.hasSuffix(".key") }.map {
      (user: String($0.name.dropFirst(4).dropLast(4)), bytes: $0.contents)
    }
    return Contents(
      manifest: opened.manifest, vaultID: vaultID, generation: generation, database: database.contents, keyFiles: keyFiles)
  }

  private static func associatedData(vaultID: [UInt8], generation: BackupGenerationID) -> [UInt8] {
    AssociatedData.encode(domain: "haven.backup.file.v1", [.bytes(magic), .bytes(vaultID), .bytes(generation.bytes)])
  }
}

/// What checking a restored (or to-be-restored) vault found.
public struct BackupCheck: Sendable {
  public let manifest: ExportManifest
  public let audit: AuditVerification
  public let witness: WitnessRelation?

  public var summary: String {
    var lines = [
      "backup of \(manifest.vault.name) (\(manifest.vault.id)), generation \(manifest.parameters["generation"] ?? "?"), made \(manifest.generatedAt) by \(manifest.generatedBy.user)",
      "seal, signature and file hashes: ok; SQLite integrity check: ok",
      "audit log: \(audit.summary)",
    ]
    if let witness { lines.append("against the witness: \(witness.summary)") }
    return lines.joined(separator: "\n")
  }
}

/// Verifies and restores backups. A restore writes only into a new directory, then checks it as
/// `backup verify` does; a backup that fails any check is not restored.
public enum BackupRestore {
  /// Checks a backup without restoring it: decrypts into a private temporary directory, runs
  /// SQLite's integrity check and the audit verifier there, and removes it.
  public static func verify(
    _ file: [UInt8], keyring: BackupKeyring, recoveryKey: borrowing RecoveryKey, witness: String?
  ) throws(VaultError) -> BackupCheck {
    let contents = try BackupFile.open(file, keyring: keyring, recoveryKey: recoveryKey)
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-verify-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    _ = try VaultDirectory.restore(at: scratch, database: contents.database, keyFiles: contents.keyFiles)
    return try check(at: scratch, contents: contents, witness: witness)
  }

  /// Restores into `directory`, which must not exist or be empty, and checks the result; on any
  /// failure the new directory is removed again.
  public static func restore(
    _ file: [UInt8], to directory: String, keyring: BackupKeyring, recoveryKey: borrowing RecoveryKey, witness: String?
  ) throws(VaultError) -> BackupCheck {
    let contents = try BackupFile.open(file, keyring: keyring, recoveryKey: recoveryKey)
    let restored = try VaultDirectory.restore(at: directory, database: contents.database, keyFiles: contents.keyFiles)
    do {
      return try check(at: restored.path, contents: contents, witness: witness)
    } catch {
      try? FileManager.default.removeItem(atPath: restored.path)
      throw error
    }
  }

  private static func check(at path: String, contents: BackupFile.Contents, witness: String?) throws(VaultError) -> BackupCheck {
    let verifier = try AuditVerifier(vaultPath: path)
    if let problem = try verifier.integrityCheck() {
      throw .databaseDamaged("the backup's database fails SQLite's integrity check: \(problem)")
    }
    guard verifier.vaultID == contents.vaultID else { throw .exportInvalid("the database inside is another vault's") }
    guard let key = Hex.decode(contents.manifest.generatedBy.publicKey).flatMap({ try? SigningPublicKey(bytes: $0) }),
      try verifier.isSigningKey(key, of: contents.manifest.generatedBy.user)
    else { throw .exportInvalid("the backup was not signed by a user of the vault inside it") }
    let audit = try verifier.verify()
    guard audit.isIntact else { throw .databaseDamaged("the audit log inside the backup: \(audit.problem ?? "")") }
    var relation: WitnessRelation?
    if let witness { relation = try verifier.relation(toWitness: witness) }
    return BackupCheck(manifest: contents.manifest, audit: audit, witness: relation)
  }
}
