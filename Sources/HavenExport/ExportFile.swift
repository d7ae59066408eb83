import Foundation
import HavenCrypto
import HavenVault

/// The sealed export file (docs/FORMAT.md, "Export file"):
///
///     file      = "HAVENEX1" || E (32) || nonce (24) || XChaCha20-Poly1305(key, nonce, payload, AD)
///     key       = BLAKE2b-256(key = X25519(e, R), message = encode("haven.export.v1", [E, R]))
///     AD        = encode("haven.export.file.v1", ["HAVENEX1", E, R])
///     payload   = encode("haven.export.payload.v1", [manifest JSON, signature (64), file_1, ..., file_n])
///     signature = Ed25519(signer, encode("haven.export.signature.v1", [manifest JSON]))
///
/// `R` is the recipient's X25519 public key and `(e, E)` a fresh key pair per file. The
/// signature is inside the encryption, so only the recipient learns who made the export, and
/// the manifest names the recipient, so a forwarded copy still says whom it was made for.
public enum ExportFile {
  static let magic = Array("HAVENEX1".utf8)
  static let keyLabel = "haven.export.v1"
  static let headerByteCount = 8 + BoxPublicKey.byteCount

  /// A signed, unsealed export: what `--plain` writes and what the sealed file carries.
  public struct Signed: Sendable {
    public let manifestJSON: [UInt8]
    public let signature: [UInt8]
    public let entries: [ExportEntry]
    /// Not part of the file: what the release ledger records when this is delivered.
    public let release: ReportRelease?

    public init(manifestJSON: [UInt8], signature: [UInt8], entries: [ExportEntry], release: ReportRelease? = nil) {
      self.manifestJSON = manifestJSON
      self.signature = signature
      self.entries = entries
      self.release = release
    }

    var payload: [UInt8] {
      AssociatedData.encode(
        domain: "haven.export.payload.v1", [.bytes(manifestJSON), .bytes(signature)] + entries.map { .bytes($0.contents) })
    }
  }

  /// The bytes the signer signs.
  public static func signedMessage(manifestJSON: [UInt8]) -> [UInt8] {
    AssociatedData.encode(domain: "haven.export.signature.v1", [.bytes(manifestJSON)])
  }

  public static func seal(_ signed: Signed, to recipient: BoxPublicKey) throws(VaultError) -> [UInt8] {
    do {
      let agreed = try HybridKeyAgreement.agree(with: recipient, label: keyLabel, as: ExportFileKeyPurpose.self)
      let ephemeral = agreed.ephemeralPublicKey
      let sealed = XChaCha20Poly1305.seal(
        signed.payload, key: agreed.key, associatedData: associatedData(ephemeral: ephemeral, recipient: recipient))
      return magic + ephemeral.bytes + sealed
    } catch {
      throw .storageFailure("could not seal the export")
    }
  }

  /// Decrypts a sealed export with the recipient's identity and splits its payload. Checks
  /// nothing about the signer: `ExportOpener` does.
  static func unseal(_ file: [UInt8], identity: borrowing RecipientIdentity) throws(VaultError) -> Signed {
    guard file.count >= headerByteCount + XChaCha20Poly1305.nonceByteCount + XChaCha20Poly1305.tagByteCount else {
      throw .exportInvalid("the file is too short to be a Haven export (truncated?)")
    }
    guard Array(file.prefix(8)) == magic else { throw .exportInvalid("the file is not a Haven export (no HAVENEX1 header)") }
    let ephemeral: BoxPublicKey
    let payload: [UInt8]
    do {
      ephemeral = try BoxPublicKey(bytes: Array(file[8..<headerByteCount]))
      let key = try HybridKeyAgreement.recover(
        ephemeral: ephemeral, recipient: identity.keyPair, label: keyLabel, as: ExportFileKeyPurpose.self)
      payload = try XChaCha20Poly1305.open(
        Array(file[headerByteCount...]), key: key,
        associatedData: associatedData(ephemeral: ephemeral, recipient: identity.publicKey))
    } catch {
      throw .exportInvalid(
        "it failed authentication: it was altered or truncated, or it was not sealed to this identity")
    }
    return try split(payload)
  }

  /// Splits a decrypted payload into manifest, signature and files (names come from the manifest).
  static func split(_ payload: [UInt8]) throws(VaultError) -> Signed {
    guard let parts = ContextDecoding.decode(payload, domain: "haven.export.payload.v1"), parts.count >= 2,
      parts[1].count == SigningPublicKey.signatureByteCount
    else { throw .exportInvalid("its payload is malformed") }
    return Signed(
      manifestJSON: parts[0], signature: parts[1],
      entries: parts.dropFirst(2).map { ExportEntry(name: "", mediaType: "", contents: $0) })
  }

  private static func associatedData(ephemeral: BoxPublicKey, recipient: BoxPublicKey) -> [UInt8] {
    AssociatedData.encode(domain: "haven.export.file.v1", [.bytes(magic), .bytes(ephemeral.bytes), .bytes(recipient.bytes)])
  }
}

/// Splits `encode(domain, parts)` back into its parts, checking the domain and that the lengths
/// cover the input exactly. Nil for anything malformed.
enum ContextDecoding {
  static func decode(_ bytes: [UInt8], domain: String) -> [[UInt8]]? {
    var parts: [[UInt8]] = []
    var offset = 0
    while offset < bytes.count {
      guard bytes.count - offset >= 4 else { return nil }
      let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      offset += 4
      guard bytes.count - offset >= length else { return nil }
      parts.append(Array(bytes[offset..<offset + length]))
      offset += length
    }
    guard let first = parts.first, first == Array(domain.utf8) else { return nil }
    return Array(parts.dropFirst())
  }
}
