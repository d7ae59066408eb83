import Foundation
import HavenCrypto
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// The backup file (docs/FORMAT.md section 16): a signed manifest of kind `backup` and the files
/// `vault.sqlite` and `key-USER.key`, encrypted as one stream under the key of one generation, in
/// 64 KiB chunks, so a vault larger than memory can be backed up and restored:
///
///     file      = "HAVENBK1" || vault_id (16) || generation_id (16) || secretstream header (24) || chunks
///     plaintext = u32_be(len(manifest)) || manifest || signature (64) || file_1 || ... || file_n
///
/// Every chunk is `crypto_secretstream_xchacha20poly1305` with associated data
/// `encode("haven.backup.file.v1", ["HAVENBK1", vault_id, generation_id])`; the last is tagged final.
public enum BackupFile {
  static let magic = Array("HAVENBK1".utf8)
  static let headerByteCount = 8 + 16 + 16
  static let chunkByteCount = 64 * 1024
  static let databaseName = "vault.sqlite"
  static let maximumManifestByteCount = 16 * 1024 * 1024

  /// Signs and seals a snapshot into `descriptor`; returns the SHA-256 of everything written.
  public static func write(
    _ snapshot: borrowing VaultSnapshot, session: VaultSession, to descriptor: Int32, path: String
  ) throws(VaultError) -> String {
    var files = [try describe(file: snapshot.databasePath, name: databaseName, mediaType: "application/vnd.sqlite3")]
    for keyFile in snapshot.keyFiles {
      files.append(
        ExportManifest.File(
          name: "key-\(keyFile.user).key", mediaType: "application/octet-stream", bytes: keyFile.bytes.count,
          sha256: Hex.encode(SHA256.hash(keyFile.bytes))))
    }
    let request = ExportSigner.Request(
      kind: "backup", title: "Backup of \(session.vault.metadata.name)",
      parameters: ["generation": snapshot.generation.description, "users": String(snapshot.keyFiles.count)], consent: nil,
      disclosureNotes: ["A whole vault: every field still encrypted as in the vault, keys sealed as in the vault."],
      entries: [], auditCheckpoint: snapshot.checkpoint)
    let (manifest, signature) = try ExportSigner(session: session).signManifest(request, files: files, recipient: nil)
    let vaultID = session.vault.metadata.vaultID
    let stream: SecretStreamPush
    do { stream = try SecretStreamPush(key: snapshot.key) } catch { throw .storageFailure("could not start the backup stream") }
    let output = ChunkedOutput(descriptor: descriptor, path: path)
    try output.writeRaw(magic + vaultID + snapshot.generation.bytes + stream.header)
    let associated = associatedData(vaultID: vaultID, generation: snapshot.generation)
    let seal = { (chunk: UnsafeRawBufferPointer, final: Bool) in stream.push(chunk, associatedData: associated, final: final) }
    let length = UInt32(manifest.count)
    try output.append(
      [UInt8((length >> 24) & 0xff), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)], seal)
    try output.append(manifest, seal)
    try output.append(signature, seal)
    try streamFile(snapshot.databasePath) { bytes throws(VaultError) in try output.append(bytes, seal) }
    for keyFile in snapshot.keyFiles { try output.append(keyFile.bytes, seal) }
    try output.finish(seal)
    return output.digest()
  }

  /// The vault and generation a backup file names, read without any key.
  public static func header(_ bytes: [UInt8]) throws(VaultError) -> (vaultID: [UInt8], generation: BackupGenerationID) {
    guard bytes.count >= headerByteCount + SecretStreamPush.headerByteCount else {
      throw .exportInvalid("the file is too short to be a Haven backup (truncated?)")
    }
    guard Array(bytes.prefix(8)) == magic else { throw .exportInvalid("the file is not a Haven backup (no HAVENBK1 header)") }
    return (Array(bytes[8..<24]), try BackupGenerationID(bytes: Array(bytes[24..<40])))
  }

  /// Decrypts a backup from `descriptor` into the empty vault directory `target`, checking as it
  /// goes: the manifest's signature before any file is written, each file's size and SHA-256, the
  /// final tag, and that nothing follows it. Returns the manifest; the caller checks the vault.
  public static func read(
    from descriptor: Int32, keyring: BackupKeyring, recoveryKey: borrowing RecoveryKey, into target: VaultDirectory
  ) throws(VaultError) -> (manifest: ExportManifest, vaultID: [UInt8]) {
    let input = ChunkedInput(descriptor: descriptor)
    let head = try input.read(headerByteCount + SecretStreamPush.headerByteCount)
    let (vaultID, generation) = try header(head)
    let key = try keyring.open(generation, vaultID: vaultID, recoveryKey: recoveryKey)
    let stream: SecretStreamPull
    do {
      stream = try SecretStreamPull(key: key, header: Array(head[headerByteCount...]))
    } catch {
      throw .exportInvalid("the backup failed authentication: it was altered or truncated")
    }
    let parser = BackupPayloadParser(target: target, vaultID: vaultID, generation: generation)
    let associated = associatedData(vaultID: vaultID, generation: generation)
    while true {
      let chunk = try input.read(chunkByteCount + SecretStreamPush.overheadByteCount)
      guard !chunk.isEmpty else { throw .exportInvalid("the backup ends before its final chunk: it was truncated") }
      let opened: (plaintext: [UInt8], final: Bool)
      do {
        opened = try stream.pull(chunk[...], associatedData: associated)
      } catch {
        throw .exportInvalid("the backup failed authentication: it was altered or truncated")
      }
      try parser.consume(opened.plaintext)
      if opened.final { break }
    }
    guard try input.read(1).isEmpty else { throw .exportInvalid("bytes follow the backup's final chunk") }
    return (try parser.finish(), vaultID)
  }

  static func associatedData(vaultID: [UInt8], generation: BackupGenerationID) -> [UInt8] {
    AssociatedData.encode(domain: "haven.backup.file.v1", [.bytes(magic), .bytes(vaultID), .bytes(generation.bytes)])
  }

  private static func describe(file path: String, name: String, mediaType: String) throws(VaultError) -> ExportManifest.File {
    var hasher = SHA256.Hasher()
    var size = 0
    try streamFile(path) { bytes throws(VaultError) in
      hasher.update(bytes)
      size += bytes.count
    }
    return ExportManifest.File(name: name, mediaType: mediaType, bytes: size, sha256: Hex.encode(hasher.finalize()))
  }

  /// Reads a file in chunks, handing each to `body`.
  static func streamFile(_ path: String, _ body: ([UInt8]) throws(VaultError) -> Void) throws(VaultError) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    let input = ChunkedInput(descriptor: descriptor)
    while true {
      let bytes = try input.read(chunkByteCount)
      if bytes.isEmpty { return }
      try body(bytes)
    }
  }
}

/// Buffers plaintext into 64 KiB chunks, seals each, and writes it, hashing what it writes.
final class ChunkedOutput {
  let descriptor: Int32
  let path: String
  private var buffer: [UInt8] = []
  private var hasher = SHA256.Hasher()

  init(descriptor: Int32, path: String) {
    self.descriptor = descriptor
    self.path = path
    buffer.reserveCapacity(BackupFile.chunkByteCount)
  }

  func append(_ bytes: [UInt8], _ seal: (UnsafeRawBufferPointer, Bool) -> [UInt8]) throws(VaultError) {
    var offset = 0
    while offset < bytes.count {
      let take = min(BackupFile.chunkByteCount - buffer.count, bytes.count - offset)
      buffer.append(contentsOf: bytes[offset..<offset + take])
      offset += take
      if buffer.count == BackupFile.chunkByteCount {
        try writeRaw(buffer.withUnsafeBytes { seal($0, false) })
        buffer.removeAll(keepingCapacity: true)
      }
    }
  }

  func finish(_ seal: (UnsafeRawBufferPointer, Bool) -> [UInt8]) throws(VaultError) {
    try writeRaw(buffer.withUnsafeBytes { seal($0, true) })
    buffer.removeAll()
    guard fsync(descriptor) == 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
  }

  func writeRaw(_ bytes: [UInt8]) throws(VaultError) {
    hasher.update(bytes)
    try RawFile.write(descriptor, bytes, path: path)
  }

  func digest() -> String { Hex.encode(hasher.finalize()) }
}

/// Reads exactly the bytes asked for, or fewer only at the end of the file.
struct ChunkedInput {
  let descriptor: Int32

  func read(_ count: Int) throws(VaultError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, count - filled) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw .storageFailure("cannot read: \(String(cString: strerror(errno)))") }
      if got == 0 { break }
      filled += got
    }
    return Array(bytes.prefix(filled))
  }
}

/// Writes all of a buffer; a full disk is reported as such.
enum RawFile {
  static func write(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(VaultError) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        if errno == ENOSPC || errno == EDQUOT { throw .diskFull("writing \(path)") }
        throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
  }
}

/// Parses the decrypted payload as it arrives: manifest length, manifest, signature (checked
/// before anything is written), then each file into the target directory, hashed as it goes.
final class BackupPayloadParser {
  private let target: VaultDirectory
  private let vaultID: [UInt8]
  private let generation: BackupGenerationID
  private var pending: [UInt8] = []
  private var manifestLength: Int?
  private var manifest: ExportManifest?
  private var fileIndex = 0
  private var remaining = 0
  private var output: Int32 = -1
  private var outputPath = ""
  private var hasher = SHA256.Hasher()

  init(target: VaultDirectory, vaultID: [UInt8], generation: BackupGenerationID) {
    self.target = target
    self.vaultID = vaultID
    self.generation = generation
  }

  deinit { if output >= 0 { close(output) } }

  func consume(_ bytes: [UInt8]) throws(VaultError) {
    var bytes = bytes[...]
    while !bytes.isEmpty {
      guard let manifest else {
        pending.append(contentsOf: bytes)
        bytes = []
        try readManifest()
        if let manifest = self.manifest {
          let rest = pending
          pending = []
          try openNext(manifest)
          try consume(rest)
        }
        return
      }
      guard fileIndex < manifest.files.count else { throw .exportInvalid("the backup holds more than its manifest lists") }
      let take = min(remaining, bytes.count)
      let piece = Array(bytes.prefix(take))
      hasher.update(piece)
      try RawFile.write(output, piece, path: outputPath)
      bytes = bytes.dropFirst(take)
      remaining -= take
      if remaining == 0 { try closeCurrent(manifest) }
    }
  }

  func finish() throws(VaultError) -> ExportManifest {
    guard let manifest, fileIndex == manifest.files.count, pending.isEmpty else {
      throw .exportInvalid("the backup ends before all the files its manifest lists")
    }
    return manifest
  }

  private func readManifest() throws(VaultError) {
    if manifestLength == nil, pending.count >= 4 {
      let length = pending.prefix(4).reduce(0) { $0 << 8 | Int($1) }
      guard length > 0, length <= BackupFile.maximumManifestByteCount else {
        throw .exportInvalid("its manifest length is implausible")
      }
      manifestLength = length
    }
    guard let length = manifestLength, pending.count >= 4 + length + SigningPublicKey.signatureByteCount else { return }
    let json = Array(pending[4..<4 + length])
    let signature = Array(pending[(4 + length)..<(4 + length + SigningPublicKey.signatureByteCount)])
    pending = Array(pending[(4 + length + SigningPublicKey.signatureByteCount)...])
    let (verified, _) = try ExportOpener.verifySignature(manifestJSON: json, signature: signature)
    guard verified.kind == "backup", verified.vault.id == Hex.encode(vaultID),
      verified.parameters["generation"] == generation.description, verified.files.first?.name == BackupFile.databaseName
    else { throw .exportInvalid("the backup's manifest does not match its header") }
    for file in verified.files.dropFirst() {
      guard file.name.hasPrefix("key-"), file.name.hasSuffix(".key"),
        VaultDirectory.isValidUserName(String(file.name.dropFirst(4).dropLast(4)))
      else { throw .exportInvalid("the backup lists a file it may not hold: \(file.name)") }
    }
    manifest = verified
  }

  private func openNext(_ manifest: ExportManifest) throws(VaultError) {
    while fileIndex < manifest.files.count {
      let file = manifest.files[fileIndex]
      outputPath =
        fileIndex == 0 ? target.databasePath : target.keyFilePath(user: String(file.name.dropFirst(4).dropLast(4)))
      output = open(outputPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard output >= 0 else { throw .cannotCreate(path: outputPath, reason: String(cString: strerror(errno))) }
      remaining = file.bytes
      hasher = SHA256.Hasher()
      if remaining > 0 { return }
      try closeCurrent(manifest)
    }
  }

  private func closeCurrent(_ manifest: ExportManifest) throws(VaultError) {
    let file = manifest.files[fileIndex]
    let synced = fsync(output) == 0
    close(output)
    output = -1
    guard Hex.encode(hasher.finalize()) == file.sha256 else {
      throw .exportInvalid("file \(file.name) does not match its hash in the manifest")
    }
    guard synced else { throw .cannotCreate(path: outputPath, reason: String(cString: strerror(errno))) }
    fileIndex += 1
    try openNext(manifest)
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
    file: String, keyring: BackupKeyring, recoveryKey: borrowing RecoveryKey, witness: String?
  ) throws(VaultError) -> BackupCheck {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-verify-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    return try restore(file: file, to: scratch, keyring: keyring, recoveryKey: recoveryKey, witness: witness)
  }

  /// Restores into `directory`, which must not exist or be empty, and checks the result; on any
  /// failure the new directory is removed again.
  public static func restore(
    file: String, to directory: String, keyring: BackupKeyring, recoveryKey: borrowing RecoveryKey, witness: String?
  ) throws(VaultError) -> BackupCheck {
    let descriptor = open(file, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .notFound(kind: "backup file", name: file) }
    defer { close(descriptor) }
    let target = try VaultDirectory.createForRestore(at: directory)
    do {
      let (manifest, vaultID) = try BackupFile.read(from: descriptor, keyring: keyring, recoveryKey: recoveryKey, into: target)
      return try check(at: target.path, manifest: manifest, vaultID: vaultID, witness: witness)
    } catch {
      target.removeFailedRestore()
      throw error
    }
  }

  private static func check(
    at path: String, manifest: ExportManifest, vaultID: [UInt8], witness: String?
  ) throws(VaultError) -> BackupCheck {
    let verifier = try AuditVerifier(vaultPath: path)
    if let problem = try verifier.integrityCheck() {
      throw .databaseDamaged("the backup's database fails SQLite's integrity check: \(problem)")
    }
    guard verifier.vaultID == vaultID else { throw .exportInvalid("the database inside is another vault's") }
    guard let key = Hex.decode(manifest.generatedBy.publicKey).flatMap({ try? SigningPublicKey(bytes: $0) }),
      try verifier.isSigningKey(key, of: manifest.generatedBy.user)
    else { throw .exportInvalid("the backup was not signed by a user of the vault inside it") }
    let audit = try verifier.verify()
    guard audit.isIntact else { throw .databaseDamaged("the audit log inside the backup: \(audit.problem ?? "")") }
    var relation: WitnessRelation?
    if let witness { relation = try verifier.relation(toWitness: witness) }
    return BackupCheck(manifest: manifest, audit: audit, witness: relation)
  }
}
