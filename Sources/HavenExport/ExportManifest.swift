import HavenCrypto

/// What an export says about itself: what it is, for whom, made by whom and when, from which
/// period and parameters, how many people consent left out, the audit checkpoint current when
/// its data was read, and the SHA-256 of every file it carries. The manifest is what the vault
/// signs; the files are bound to it by their hashes (docs/FORMAT.md, "Export file").
public struct ExportManifest: Codable, Sendable, Equatable {
  public struct Vault: Codable, Sendable, Equatable {
    public let id: String
    public let name: String
  }
  public struct Recipient: Codable, Sendable, Equatable {
    public let publicKey: String
    public let fingerprint: String
  }
  public struct Signer: Codable, Sendable, Equatable {
    public let user: String
    public let role: String
    public let keyName: String
    public let publicKey: String
  }
  public struct ConsentFilter: Codable, Sendable, Equatable {
    public let purpose: String
    public let included: Int
    public let excluded: [String: Int]
  }
  public struct File: Codable, Sendable, Equatable {
    public let name: String
    public let mediaType: String
    public let bytes: Int
    public let sha256: String
  }

  public static let formatName = "haven-export-1"

  public var format = ExportManifest.formatName
  /// `report`, `records`, `subject-access` or `share`.
  public let kind: String
  public let title: String
  public let vault: Vault
  /// Absent only in an unsealed (`--plain`) copy.
  public let recipient: Recipient?
  public let generatedBy: Signer
  public let generatedAt: String
  public let parameters: [String: String]
  public let consent: ConsentFilter?
  /// What was done to protect people: suppression, generalisation, redaction, in plain words.
  public let disclosureNotes: [String]
  /// The signed audit checkpoint (C2SP note) current when the data was read.
  public let auditCheckpoint: String
  public let files: [File]
  /// SHA-256 of `encode("haven.export.content.v1", [name_1, sha256_1, ..., name_n, sha256_n])`:
  /// one value naming the whole content, computable from the file list alone (so a backup larger
  /// than memory can be hashed as it streams).
  public let contentHash: String

  static func contentHash(_ files: [File]) -> String {
    Hex.encode(
      SHA256.hash(
        AssociatedData.encode(
          domain: "haven.export.content.v1",
          files.flatMap { [ContextPart.text($0.name), .bytes(Hex.decode($0.sha256) ?? [])] })))
  }
}

/// One file carried by an export (`report.html`, `records.csv`, ...).
public struct ExportEntry: Sendable, Equatable {
  public let name: String
  public let mediaType: String
  public let contents: [UInt8]

  public init(name: String, mediaType: String, contents: [UInt8]) {
    self.name = name
    self.mediaType = mediaType
    self.contents = contents
  }

  public init(name: String, mediaType: String, text: String) {
    self.init(name: name, mediaType: mediaType, contents: Array(text.utf8))
  }

  var record: ExportManifest.File {
    ExportManifest.File(name: name, mediaType: mediaType, bytes: contents.count, sha256: Hex.encode(SHA256.hash(contents)))
  }
}
