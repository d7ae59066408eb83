import Foundation
import HavenCrypto
import HavenExport
import HavenVault
import Testing

/// docs/vectors/export-v1.json: a sealed export made with published keys, with every
/// intermediate value, so another libsodium binding can check each step of docs/FORMAT.md
/// section 14. The test opens it with Haven and recomputes the agreed key and the pieces.
/// `HAVEN_WRITE_EXPORT_VECTOR=path swift test --filter ExportFormatVector` writes a new one
/// (the ephemeral key and nonce are random, so a new vector has new bytes).
@Suite("docs/vectors/export-v1.json: the export file format, step by step")
struct ExportFormatVectorTests {
  static let identityHex = String(repeating: "11", count: 32)
  static let signerSeedHex = String(repeating: "22", count: 32)
  static let signerName = "haven/000102030405060708090a0b0c0d0e0f/rita"

  static func secret<P: KeyPurpose>(_ hex: String, as _: P.Type) throws -> SecretKey<P> {
    let bytes = Hex.decode(hex)!
    let storage = try SecureBytes(count: bytes.count)
    storage.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
    return try SecretKey<P>(adopting: storage)
  }

  static var path: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/vectors/export-v1.json")
  }

  @Test("write a new vector when asked")
  func write() throws {
    guard let out = ProcessInfo.processInfo.environment["HAVEN_WRITE_EXPORT_VECTOR"] else { return }
    let identity = RecipientIdentity(
      keyPair: try BoxKeyPair(secretKey: try Self.secret(Self.identityHex, as: BoxSecretKeyPurpose.self)))
    let signer = try SigningKeyPair(seed: try Self.secret(Self.signerSeedHex, as: SigningSeedPurpose.self))
    let entry = ExportEntry(
      name: "report.csv", mediaType: "text/csv; charset=utf-8",
      text: "section,row,column,value\nHeadline figures,Referrals received,Count,<5\n")
    let manifest = """
      {"auditCheckpoint":"","consent":null,"contentHash":"\(Self.contentHash([entry]))","disclosureNotes":[],"files":[{"bytes":\(entry.contents.count),"mediaType":"text/csv; charset=utf-8","name":"report.csv","sha256":"\(Hex.encode(SHA256.hash(entry.contents)))"}],"format":"haven-export-1","generatedAt":"2026-11-25T09:00:00Z","generatedBy":{"keyName":"\(Self.signerName)","publicKey":"\(Hex.encode(signer.publicKey.bytes))","role":"reporting","user":"rita"},"kind":"report","parameters":{},"recipient":{"fingerprint":"\(RecipientPublicKey(identity.publicKey).fingerprint)","publicKey":"\(Hex.encode(identity.publicKey.bytes))"},"title":"vector","vault":{"id":"000102030405060708090a0b0c0d0e0f","name":"vector"}}
      """
    let json = Array(manifest.utf8)
    let signed = ExportFile.Signed(
      manifestJSON: json, signature: signer.sign(ExportFile.signedMessage(manifestJSON: json)), entries: [entry])
    let file = try ExportFile.seal(signed, to: identity.publicKey)
    let ephemeral = try BoxPublicKey(bytes: Array(file[8..<40]))
    let key = try HybridKeyAgreement.recover(
      ephemeral: ephemeral, recipient: identity.keyPair, label: "haven.export.v1", as: ExportFileKeyPurpose.self)
    let vector: [String: Any] = [
      "description": "docs/FORMAT.md section 14: a sealed export; all values hex unless named otherwise",
      "identity_secret": Self.identityHex, "recipient_public": Hex.encode(identity.publicKey.bytes),
      "signer_seed": Self.signerSeedHex, "signer_public": Hex.encode(signer.publicKey.bytes),
      "signer_verifier_key": TrustedSigner(name: Self.signerName, publicKey: signer.publicKey).verifierKey,
      "ephemeral_public": Hex.encode(ephemeral.bytes), "file_key": key.withUnsafeBytes { Hex.encode($0) },
      "nonce": Hex.encode(file[40..<64]), "manifest_json_text": manifest, "signature": Hex.encode(signed.signature),
      "file_name": entry.name, "file_contents_text": String(decoding: entry.contents, as: UTF8.self), "file": Hex.encode(file),
    ]
    let data = try JSONSerialization.data(
      withJSONObject: vector, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try data.write(to: URL(fileURLWithPath: out))
  }

  static func contentHash(_ entries: [ExportEntry]) -> String {
    Hex.encode(
      SHA256.hash(
        AssociatedData.encode(
          domain: "haven.export.content.v1", entries.flatMap { [.text($0.name), .bytes(SHA256.hash($0.contents))] })))
  }

  @Test("the vector opens: key agreement, nonce, associated data, payload parts, signature and hashes all as documented")
  func opens() throws {
    let vector = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.path)) as? [String: String])
    let identity = RecipientIdentity(
      keyPair: try BoxKeyPair(secretKey: try Self.secret(vector["identity_secret"]!, as: BoxSecretKeyPurpose.self)))
    #expect(Hex.encode(identity.publicKey.bytes) == vector["recipient_public"])
    let file = try #require(Hex.decode(vector["file"]!))
    #expect(Array(file.prefix(8)) == Array("HAVENEX1".utf8))
    #expect(Hex.encode(file[8..<40]) == vector["ephemeral_public"])
    #expect(Hex.encode(file[40..<64]) == vector["nonce"])
    let ephemeral = try BoxPublicKey(bytes: Array(file[8..<40]))
    let key = try HybridKeyAgreement.recover(
      ephemeral: ephemeral, recipient: identity.keyPair, label: "haven.export.v1", as: ExportFileKeyPurpose.self)
    #expect(key.withUnsafeBytes { Hex.encode($0) } == vector["file_key"])
    let associated = AssociatedData.encode(
      domain: "haven.export.file.v1", [.bytes(Array("HAVENEX1".utf8)), .bytes(ephemeral.bytes), .bytes(identity.publicKey.bytes)])
    let payload = try XChaCha20Poly1305.open(Array(file[40...]), key: key, associatedData: associated)
    let manifest = Array(vector["manifest_json_text"]!.utf8)
    let contents = Array(vector["file_contents_text"]!.utf8)
    let signature = try #require(Hex.decode(vector["signature"]!))
    #expect(
      payload
        == AssociatedData.encode(domain: "haven.export.payload.v1", [.bytes(manifest), .bytes(signature), .bytes(contents)]))
    let signer = try SigningPublicKey(bytes: Hex.decode(vector["signer_public"]!)!)
    #expect(
      signer.isValidSignature(signature, for: AssociatedData.encode(domain: "haven.export.signature.v1", [.bytes(manifest)])))
    let opened = try ExportOpener.open(
      file, identity: identity, trustedSigners: [try TrustedSigner(verifierKey: vector["signer_verifier_key"]!)])
    #expect(opened.entries.first?.contents == contents)
    #expect(opened.manifest.contentHash == Self.contentHash([ExportEntry(name: "report.csv", mediaType: "", contents: contents)]))
  }
}
