import Foundation
import HavenCrypto
import HavenExport
import HavenVault
import Testing

@Suite("Subject access and shares: the survivor's own file, redacted, with provable access history")
struct CaseExportTests {
  static func survivor(_ fixture: ExportFixture) throws -> SurvivorReference {
    let wendy = try fixture.unlock("wendy")
    let reference = try wendy.addSurvivor(
      team: "trauma-service",
      details: SurvivorDetails(
        name: "Sam Example", gender: .female, postcode: "S60 1AA", phone: "07700 900123",
        notes: "Mark Placeholder phoned 07700 900456 asking for Sam; wendy logged it."))
    _ = try wendy.addRelatedPerson(reference, RelatedPerson(relationship: .allegedPerpetrator, name: "Mark Placeholder"))
    _ = try wendy.recordSession(
      reference,
      try NewSupportSession(
        date: ExportFixture.date("2025-01-10"), minutes: 50, kind: .oneToOne, attendance: .attended,
        notes: "Talked about Mark; his email is mark.p@example.invalid."))
    _ = try wendy.survivorFile(reference)
    return reference
  }

  @Test("third parties and staff are withheld, the survivor's own details stay, and every access proves against the checkpoint")
  func subjectAccess() throws {
    let fixture = try ExportFixture()
    let reference = try Self.survivor(fixture)
    let made = try CaseExport.make(session: try fixture.unlock("wendy"), reference: reference, purpose: .subjectAccess)
    let document = made.document
    #expect(document.survivor.name == "Sam Example")
    #expect(document.survivor.phone == "07700 900123")
    let notes = try #require(document.survivor.notes)
    #expect(!notes.contains("Mark") && !notes.contains("07700 900456") && !notes.contains("wendy"))
    #expect(notes.contains("Sam"))
    #expect(document.relatedPeople.allSatisfy { !$0.details.contains("Mark") })
    #expect(document.sessions.allSatisfy { $0.worker == "support worker" })
    #expect(!(document.sessions[0].notes ?? "").contains("mark.p@example.invalid"))
    let json = String(decoding: made.request.entries[1].contents, as: UTF8.self)
    for leaked in ["Mark Placeholder", "07700 900456", "mark.p@example.invalid", "\"wendy\""] { #expect(!json.contains(leaked)) }

    // The access history: create, related, session, read... each with a proof that verifies
    // against the signed checkpoint and reveals no other entry.
    #expect(document.accessHistory.count >= 4)
    let checkpoint = try Checkpoint(parsing: try SignedNote(parsing: try #require(document.checkpoint)).text)
    for access in document.accessHistory {
      let leaf = try #require(Hex.decode(access.leafData))
      #expect(Hex.encode(MerkleTree.leafHash(leaf)) == access.leafHash)
      #expect(
        MerkleTree.verifyInclusion(
          leafHash: MerkleTree.leafHash(leaf), index: access.leafIndex, treeSize: checkpoint.size,
          proof: access.path.map { Hex.decode($0)! }, root: checkpoint.root))
      #expect(access.by == "support worker" || access.by == "administrator")
    }
    #expect(document.accessHistory.contains { $0.action == "survivor.read" })
  }

  @Test("a subject-access export names no member of staff in any byte: manifest, content, checkpoint or proofs")
  func subjectAccessNamesNoStaff() throws {
    let fixture = try ExportFixture()
    let reference = try Self.survivor(fixture)
    let wendy = try fixture.unlock("wendy")
    let made = try CaseExport.make(session: wendy, reference: reference, purpose: .subjectAccess)
    let signed = try ExportSigner(session: wendy).sign(made.request, recipient: nil)
    let opened = try ExportOpener.verify(
      signed,
      trustedSigners: try AuditVerifier(vaultPath: fixture.path).currentSigners().map {
        TrustedSigner(name: $0.keyName, publicKey: $0.publicKey)
      })
    #expect(opened.signerTrusted)
    #expect(opened.manifest.generatedBy.user == "worker")
    #expect(opened.manifest.generatedBy.keyName == wendy.anonymousSigningKeyName)
    let note = try SignedNote(parsing: opened.manifest.auditCheckpoint)
    #expect(note.signatures.map(\.name) == [wendy.anonymousSigningKeyName])
    #expect(note.isSigned(by: wendy.anonymousSigningKeyName, publicKey: wendy.signingPublicKey))
    let everything =
      [signed.manifestJSON] + signed.entries.map(\.contents)
      + made.document.accessHistory.compactMap { Hex.decode($0.leafData) }
    let staffNames = try fixture.unlock("ada").listUsers().map(\.name)
    for bytes in everything {
      let text = String(decoding: bytes, as: UTF8.self)
      for name in staffNames { #expect(!text.contains("/\(name)") && !text.contains("\"\(name)\""), "\(name) named") }
    }
    // Each leaf is a format-6 entry: its actor is a salted commitment, not a user id.
    for access in made.document.accessHistory {
      let leaf = try #require(Hex.decode(access.leafData))
      let parts = try #require(AssociatedData.decode(leaf))
      #expect(String(decoding: parts[0], as: UTF8.self) == "haven.audit.entry.v2")
      #expect(parts[3].count == 32)
    }
  }

  @Test("a share is produced only while share consent is in effect; a refusal is audited; withdrawal stops the next one")
  func shareNeedsConsent() throws {
    let fixture = try ExportFixture()
    let reference = try Self.survivor(fixture)
    let wendy = try fixture.unlock("wendy")
    do {
      _ = try CaseExport.make(session: wendy, reference: reference, purpose: .share(agency: "police"))
      Issue.record("a share without consent was produced")
    } catch {
      #expect(error == .consentNotGiven(purpose: "share:police", status: "not asked"))
    }
    _ = try wendy.recordConsent(
      reference, purpose: .share(agency: "police"), decision: .granted, date: ExportFixture.date("2025-01-01"), method: .written)
    let shared = try CaseExport.make(session: wendy, reference: reference, purpose: .share(agency: "police"))
    #expect(shared.document.relatedPeople.first?.details.contains("Mark Placeholder") == true)
    _ = try wendy.recordConsent(
      reference, purpose: .share(agency: "police"), decision: .withdrawn, date: CalendarDate.today(), method: .verbal)
    #expect(throws: VaultError.self) {
      _ = try CaseExport.make(session: wendy, reference: reference, purpose: .share(agency: "police"))
    }
    #expect(throws: VaultError.notFound(kind: "partner agency", name: "nobody")) {
      _ = try CaseExport.make(session: wendy, reference: reference, purpose: .share(agency: "nobody"))
    }
    let denied = try fixture.unlock("ada").auditLog(
      {
        var filter = AuditFilter()
        filter.action = "export.share"
        filter.refusedOnly = true
        return filter
      }())
    #expect(denied.count == 2)
  }

  @Test("the performance officer cannot make a subject-access export: they hold no record key")
  func reportingRefused() throws {
    let fixture = try ExportFixture()
    let reference = try Self.survivor(fixture)
    #expect(throws: VaultError.self) {
      _ = try CaseExport.make(session: try fixture.unlock("rita"), reference: reference, purpose: .subjectAccess)
    }
  }
}
