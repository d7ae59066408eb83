import Foundation
import HavenCrypto
import HavenVault

/// A signer the recipient trusts, from a C2SP verifier-key line
/// (`NAME+KEYID+base64(0x01 || Ed25519 public key)`), as `haven export signers` writes them.
public struct TrustedSigner: Sendable, Equatable {
  public let name: String
  public let publicKey: SigningPublicKey

  public init(name: String, publicKey: SigningPublicKey) {
    self.name = name
    self.publicKey = publicKey
  }

  public init(verifierKey line: String) throws(VaultError) {
    let parts = line.trimmingCharacters(in: .whitespaces).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, let decoded = Data(base64Encoded: String(parts[2])), decoded.count == 33,
      decoded.first == SignedNote.ed25519Type, let key = try? SigningPublicKey(bytes: Array(decoded.dropFirst())),
      Hex.encode(SignedNote.keyID(name: String(parts[0]), publicKey: key)) == parts[1]
    else { throw .invalidArgument("not a verifier key line (NAME+KEYID+BASE64): \(line.prefix(60))") }
    self.init(name: String(parts[0]), publicKey: key)
  }

  public var verifierKey: String {
    "\(name)+\(Hex.encode(SignedNote.keyID(name: name, publicKey: publicKey)))+"
      + Data([SignedNote.ed25519Type] + publicKey.bytes).base64EncodedString()
  }

  /// Every line of a file of verifier keys (blank lines and `#` comments skipped).
  public static func list(_ text: String) throws(VaultError) -> [TrustedSigner] {
    var signers: [TrustedSigner] = []
    for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
      signers.append(try TrustedSigner(verifierKey: String(line)))
    }
    return signers
  }
}

/// An export after it has been decrypted and every check has passed.
public struct OpenedExport: Sendable {
  public let manifest: ExportManifest
  public let manifestJSON: [UInt8]
  public let entries: [ExportEntry]
  /// Whether the signer was one of the trusted signers given; false when none were given.
  public let signerTrusted: Bool
}

/// Opens an export on the recipient's side, with no vault: decrypt with the identity, then check
/// the signature, that it was made for this recipient, every file's hash and the content hash,
/// and (given trusted signers) that the signer is one of them. Any failure refuses the whole file.
public enum ExportOpener {
  public static func open(
    _ file: [UInt8], identity: borrowing RecipientIdentity, trustedSigners: [TrustedSigner]?
  ) throws(VaultError) -> OpenedExport {
    let signed = try ExportFile.unseal(file, identity: identity)
    let opened = try verify(signed, trustedSigners: trustedSigners)
    guard opened.manifest.recipient?.publicKey == Hex.encode(identity.publicKey.bytes) else {
      throw .exportInvalid("its manifest names another recipient: it was re-sealed after it was made")
    }
    return opened
  }

  /// Checks a manifest's signature by the key it names, and that the key name is the vault's;
  /// returns the manifest and the signer's key. File hashes are the caller's to check.
  public static func verifySignature(
    manifestJSON: [UInt8], signature: [UInt8]
  ) throws(VaultError) -> (manifest: ExportManifest, signer: SigningPublicKey) {
    let manifest = try decodeManifest(manifestJSON)
    guard let keyBytes = Hex.decode(manifest.generatedBy.publicKey), let signerKey = try? SigningPublicKey(bytes: keyBytes)
    else { throw .exportInvalid("its signer key is malformed") }
    guard signerKey.isValidSignature(signature, for: ExportFile.signedMessage(manifestJSON: manifestJSON)) else {
      throw .exportInvalid("its signature does not verify: the manifest was altered")
    }
    guard
      manifest.generatedBy.keyName == SignerName.named(vaultIDHex: manifest.vault.id, user: manifest.generatedBy.user)
        || manifest.generatedBy.keyName == SignerName.anonymous(vaultIDHex: manifest.vault.id, key: signerKey)
    else {
      throw .exportInvalid("its signer does not belong to the vault it names")
    }
    guard ExportManifest.contentHash(manifest.files) == manifest.contentHash else {
      throw .exportInvalid("its content hash does not match its file list")
    }
    for file in manifest.files where !isSafeFileName(file.name) || file.bytes < 0 {
      throw .exportInvalid("file name '\(file.name)' is not allowed")
    }
    return (manifest, signerKey)
  }

  /// Checks a signed export's signature, manifest and file hashes.
  public static func verify(_ signed: ExportFile.Signed, trustedSigners: [TrustedSigner]?) throws(VaultError) -> OpenedExport {
    let (manifest, signerKey) = try verifySignature(manifestJSON: signed.manifestJSON, signature: signed.signature)
    guard signed.entries.count == manifest.files.count else {
      throw .exportInvalid("it carries \(signed.entries.count) files but its manifest lists \(manifest.files.count)")
    }
    var entries: [ExportEntry] = []
    for (record, entry) in zip(manifest.files, signed.entries) {
      guard Hex.encode(SHA256.hash(entry.contents)) == record.sha256, entry.contents.count == record.bytes else {
        throw .exportInvalid("file \(record.name) does not match its hash in the manifest")
      }
      guard isSafeFileName(record.name) else { throw .exportInvalid("file name '\(record.name)' is not allowed") }
      entries.append(ExportEntry(name: record.name, mediaType: record.mediaType, contents: entry.contents))
    }
    guard ExportManifest.contentHash(entries.map(\.record)) == manifest.contentHash else {
      throw .exportInvalid("its content hash does not match its files")
    }
    var trusted = false
    if let trustedSigners {
      trusted = trustedSigners.contains { $0.name == manifest.generatedBy.keyName && $0.publicKey == signerKey }
      guard trusted else {
        throw .permissionDenied(
          action: "open the export",
          reason: "it was signed by \(manifest.generatedBy.keyName), which is not among the trusted signers given")
      }
    }
    return OpenedExport(manifest: manifest, manifestJSON: signed.manifestJSON, entries: entries, signerTrusted: trusted)
  }

  static func decodeManifest(_ json: [UInt8]) throws(VaultError) -> ExportManifest {
    guard let manifest = try? JSONDecoder().decode(ExportManifest.self, from: Data(json)),
      manifest.format == ExportManifest.formatName
    else { throw .exportInvalid("its manifest is not a \(ExportManifest.formatName) manifest") }
    return manifest
  }

  /// A plain file name: no directory part, no leading dot, so opening cannot write elsewhere.
  static func isSafeFileName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 100 && !name.hasPrefix(".")
      && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
  }
}
