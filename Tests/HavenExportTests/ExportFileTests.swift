import Foundation
import HavenCrypto
import HavenExport
import HavenVault
import Testing

@Suite("Export files: sealed to one recipient, signed by the vault, refused when anything changes")
struct ExportFileTests {
  static func signedReport(_ fixture: ExportFixture, to recipient: RecipientPublicKey?) throws -> ExportFile.Signed {
    let session = try fixture.unlock("rita")
    let made = try ReportExport.make(
      session: session, period: try ReportPeriod.financialYear("2024/25"), filter: ReportFilter(), rules: DisclosureRules())
    return try ExportSigner(session: session).sign(made.request, recipient: recipient)
  }

  static func signers(_ fixture: ExportFixture) throws -> [TrustedSigner] {
    try AuditVerifier(vaultPath: fixture.path).currentSigners().map { TrustedSigner(name: $0.keyName, publicKey: $0.publicKey) }
  }

  @Test("a sealed export opens with its identity and trusted signers, and carries its files, manifest and checkpoint")
  func roundTrip() throws {
    let fixture = try ExportFixture()
    let recipient = try TestRecipient()
    let signed = try Self.signedReport(fixture, to: recipient.publicKey)
    let file = try ExportFile.seal(signed, to: recipient.publicKey.key)
    let opened = try ExportOpener.open(file, identity: recipient.identity, trustedSigners: try Self.signers(fixture))
    #expect(opened.signerTrusted)
    #expect(opened.entries.map(\.name) == ["report.html", "report.csv", "report.json"])
    #expect(opened.manifest.kind == "report")
    #expect(opened.manifest.generatedBy.user == "rita")
    #expect(opened.manifest.recipient?.fingerprint == recipient.publicKey.fingerprint)
    #expect(try Checkpoint(parsing: try SignedNote(parsing: opened.manifest.auditCheckpoint).text).size > 0)
    let html = String(decoding: opened.entries[0].contents, as: UTF8.self)
    #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://") && html.contains("<svg"))
  }

  @Test("every flipped byte, a truncation, another identity and an untrusted signer are all refused")
  func tamper() throws {
    let fixture = try ExportFixture()
    let recipient = try TestRecipient()
    let file = try ExportFile.seal(try Self.signedReport(fixture, to: recipient.publicKey), to: recipient.publicKey.key)
    let trusted = try Self.signers(fixture)
    let positions = Array(0..<min(file.count, 64)) + stride(from: 64, to: file.count, by: max(1, file.count / 400)).map { $0 }
    for position in positions {
      var altered = file
      altered[position] ^= 0x01
      #expect(throws: VaultError.self) { try ExportOpener.open(altered, identity: recipient.identity, trustedSigners: trusted) }
    }
    for length in [0, 7, 40, 70, file.count - 1] {
      #expect(throws: VaultError.self) {
        try ExportOpener.open(Array(file.prefix(length)), identity: recipient.identity, trustedSigners: trusted)
      }
    }
    let stranger = try TestRecipient()
    #expect(throws: VaultError.self) { try ExportOpener.open(file, identity: stranger.identity, trustedSigners: trusted) }
    let impostor = try SigningKeyPair(seed: SecretKey<SigningSeedPurpose>.random())
    let wrongSigners = trusted.map { TrustedSigner(name: $0.name, publicKey: impostor.publicKey) }
    do {
      _ = try ExportOpener.open(file, identity: recipient.identity, trustedSigners: wrongSigners)
      Issue.record("an untrusted signer was accepted")
    } catch {
      #expect(error.category == .permissionDenied)
    }
  }

  @Test("a signed export re-sealed to someone else is refused: the manifest names its recipient")
  func forwarded() throws {
    let fixture = try ExportFixture()
    let intended = try TestRecipient()
    let other = try TestRecipient()
    let signed = try Self.signedReport(fixture, to: intended.publicKey)
    let forwarded = try ExportFile.seal(signed, to: other.publicKey.key)
    #expect(throws: VaultError.self) { try ExportOpener.open(forwarded, identity: other.identity, trustedSigners: nil) }
  }

  @Test("a changed manifest or file inside a validly sealed payload fails its signature or hash")
  func alteredInside() throws {
    let fixture = try ExportFixture()
    let recipient = try TestRecipient()
    let signed = try Self.signedReport(fixture, to: recipient.publicKey)
    var manifest = signed.manifestJSON
    manifest[manifest.count / 2] ^= 0x20
    let badManifest = ExportFile.Signed(manifestJSON: manifest, signature: signed.signature, entries: signed.entries)
    #expect(throws: VaultError.self) { try ExportOpener.verify(badManifest, trustedSigners: nil) }
    var entries = signed.entries
    entries[1] = ExportEntry(
      name: entries[1].name, mediaType: entries[1].mediaType, text: "section,row,column,value\nx,y,z,999\n")
    let badFile = ExportFile.Signed(manifestJSON: signed.manifestJSON, signature: signed.signature, entries: entries)
    #expect(throws: VaultError.self) { try ExportOpener.verify(badFile, trustedSigners: nil) }
  }

  @Test("recipient public keys and verifier keys round-trip through their text forms; bad ones are refused")
  func keyTexts() throws {
    let recipient = try TestRecipient()
    let text = recipient.publicKey.text(comment: "commissioner, checked by phone")
    #expect(try RecipientPublicKey(parsing: text) == recipient.publicKey)
    #expect(throws: VaultError.self) { try RecipientPublicKey(parsing: "haven-recipient-1 00") }
    let key = try SigningKeyPair(seed: SecretKey<SigningSeedPurpose>.random())
    let signer = TrustedSigner(name: "haven/00/rita", publicKey: key.publicKey)
    #expect(try TrustedSigner(verifierKey: signer.verifierKey) == signer)
    #expect(throws: VaultError.self) { try TrustedSigner(verifierKey: "haven/00/rita+00000000+AAAA") }
  }
}
