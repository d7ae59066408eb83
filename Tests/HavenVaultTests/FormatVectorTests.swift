import Foundation
@_spi(KnownAnswerTests) import HavenCrypto
import Testing

@testable import HavenVault

/// Checks that the code still produces, and opens, every vector in docs/vectors/format-v1.json:
/// the doc, its vectors and the code change together or this fails.
@Suite("docs/FORMAT.md test vectors")
struct FormatVectorTests {
  static var vectors: [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/vectors/format-v1.json")
    let data = (try? Data(contentsOf: url)) ?? Data("{}".utf8)
    return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
  }

  func group(_ name: String) throws -> [String: String] {
    let raw = try #require(Self.vectors[name] as? [String: String], "missing vector group \(name)")
    return raw
  }

  func bytes(_ group: [String: String], _ name: String) throws -> [UInt8] {
    let text = try #require(group[name], "missing \(name)")
    return try #require(Hex.decode(text))
  }

  func key<P: KeyPurpose>(_ hex: [UInt8], as _: P.Type) throws -> SecretKey<P> {
    let storage = try SecureBytes(count: hex.count)
    storage.withUnsafeMutableBytes { $0.copyBytes(from: hex) }
    return try SecretKey<P>(adopting: storage)
  }

  var vaultID: [UInt8] { Hex.decode(Self.vectors["vault_id"] as? String ?? "") ?? [] }

  @Test("field associated data and envelope")
  func field() throws {
    let vector = try group("field")
    let binding = FieldBinding(record: RecordBinding(table: "survivor", recordID: 17), field: "name", keyVersion: 1)
    let context = binding.context(vaultID: vaultID)
    #expect(context == (try bytes(vector, "context")))
    #expect([FieldEnvelope.currentVersion] + context == (try bytes(vector, "associated_data")))
    let recordKey = try key(bytes(vector, "record_key"), as: RecordKeyPurpose.self)
    let nonce = try bytes(vector, "nonce")
    let sealed = Array("Test Person".utf8).withUnsafeBytes {
      XChaCha20Poly1305.sealDetachedNonce(
        $0, key: recordKey, nonce: nonce, associatedData: [FieldEnvelope.currentVersion] + context)
    }
    let envelope = try bytes(vector, "envelope")
    #expect([FieldEnvelope.currentVersion] + nonce + sealed == envelope)
    #expect(try FieldCipher.open(envelope, key: recordKey, binding: binding, vaultID: vaultID) == vector["plaintext_utf8"])
  }

  @Test("team key subkeys, record key wrapping and key grant context")
  func hierarchy() throws {
    let derivation = try group("team_key_derivation")
    let team = try key(bytes(derivation, "team_key"), as: TeamKeyPurpose.self)
    let wrapping = try team.deriveSubkey(id: 1, context: .recordWrapping, as: RecordWrappingKeyPurpose.self)
    let root = try team.deriveSubkey(id: 1, context: .blindIndexRoot, as: BlindIndexRootPurpose.self)
    #expect(wrapping.withUnsafeBytes { Array($0) } == (try bytes(derivation, "record_wrapping_key_ctx_HVNwrap1_id_1")))
    #expect(root.withUnsafeBytes { Array($0) } == (try bytes(derivation, "blind_index_root_ctx_HVNbidx1_id_1")))

    let record = try group("record_key")
    let binding = RecordBinding(table: "survivor", recordID: 17)
    let context = RecordKeyContext.encode(vaultID: vaultID, binding: binding, teamID: 3, version: 2)
    #expect(context == (try bytes(record, "context")))
    #expect([FieldEnvelope.currentVersion] + context == (try bytes(record, "associated_data")))
    let opened = try FieldEnvelope.openKey(
      try bytes(record, "wrapped"), key: wrapping, context: context, as: RecordKeyPurpose.self)
    #expect(opened.withUnsafeBytes { Array($0) } == (try bytes(try group("field"), "record_key")))

    let grant = try group("key_grant")
    let recipient = try BoxKeyPair(secretKey: key(bytes(grant, "recipient_secret"), as: BoxSecretKeyPurpose.self))
    #expect(recipient.publicKey.bytes == (try bytes(grant, "recipient_public")))
    let grantContext = KeyGrant.context(vaultID: vaultID, kind: .team, teamID: 3, version: 2, recipient: recipient.publicKey)
    #expect(grantContext == (try bytes(grant, "context")))
    let sealed = try KeyGrant.seal(team, context: grantContext, to: recipient.publicKey)
    let reopened = try KeyGrant.open(sealed, context: grantContext, with: recipient, as: TeamKeyPurpose.self)
    #expect(reopened.constantTimeEquals(team) == true)
  }

  @Test("a key file written by the vector opens with its passphrase to the stated public keys")
  func keyFile() throws {
    let vector = try group("key_file")
    let file = try bytes(vector, "file")
    #expect(KeyFile.digest(of: file) == (try bytes(vector, "digest_blake2b_256")))
    let decoded = try KeyFile.decode(file, user: "ada")
    #expect(decoded.vaultID == vaultID)
    #expect(decoded.userName == "ada")
    #expect(decoded.limits == KDFLevel.interactive.limits)
    let passphrase = try #require(vector["passphrase_utf8"])
    let keys = try decoded.open(passphrase: Passphrase(copying: passphrase))
    #expect(keys.box.publicKey.bytes == (try bytes(vector, "box_public")))
    #expect(keys.signing.publicKey.bytes == (try bytes(vector, "signing_public")))
    #expect(throws: VaultError.wrongPassphrase(user: "ada")) {
      _ = try decoded.open(passphrase: Passphrase(copying: "Correct horse battery staple"))
    }
  }

  @Test("statistics key agreement and recovery-key checksum")
  func agreementAndRecovery() throws {
    let vector = try group("statistics_key_agreement")
    let statistics = try BoxKeyPair(secretKey: key(Array(0xe0...0xff).map { UInt8($0) }, as: BoxSecretKeyPurpose.self))
    #expect(statistics.publicKey.bytes == (try bytes(vector, "statistics_public")))
    let ephemeral = try BoxPublicKey(bytes: bytes(vector, "ephemeral_public"))
    let fieldKey = try HybridKeyAgreement.recover(
      ephemeral: ephemeral, recipient: statistics, label: "haven.statistics.v1", as: StatisticsFieldKeyPurpose.self)
    #expect(fieldKey.withUnsafeBytes { Array($0) } == (try bytes(vector, "field_key")))

    // The report's second wrap of that key (format 11): wrap key from the statistics secret,
    // context binding survivor 17, field generation 1 and E, the envelope under nonce seq(0x40, 24).
    let wrap = try group("statistics_key_wrap")
    let wraps = try StatisticsKeyWraps(statistics: statistics, vaultID: vaultID)
    #expect(wraps.key.withUnsafeBytes { Array($0) } == (try bytes(wrap, "wrap_key")))
    let wrapContext = StatisticsKeyWraps.context(vaultID: vaultID, survivorID: 17, keyVersion: 1, ephemeralKey: ephemeral.bytes)
    #expect(wrapContext == (try bytes(wrap, "context")))
    let nonce = Array(0x40..<0x58).map { UInt8($0) }
    let sealed = fieldKey.withUnsafeBytes {
      XChaCha20Poly1305.sealDetachedNonce(
        $0, key: wraps.key, nonce: nonce, associatedData: [FieldEnvelope.currentVersion] + wrapContext)
    }
    let envelope = try bytes(wrap, "envelope")
    #expect([FieldEnvelope.currentVersion] + nonce + sealed == envelope)
    let slot = try ReusableAgreedKey<StatisticsFieldKeyPurpose>()
    try slot.unwrap(envelope, key: wraps.key, context: wrapContext)
    let unwrapped = slot.key.constantTimeEquals(fieldKey)
    #expect(unwrapped)

    let recovery = try group("recovery_key")
    let secret = try bytes(recovery, "secret")
    #expect(Array(BLAKE2b.hash(secret, outputByteCount: 32).prefix(4)) == (try bytes(recovery, "checksum")))
  }
}

extension FormatVectorTests {
  @Test("blind-index keys, normalisation and values; statistics-key wrapping context")
  func blindIndexes() throws {
    let vector = try group("blind_index")
    let team = try key(bytes(try group("team_key_derivation"), "team_key"), as: TeamKeyPurpose.self)
    let root = try team.deriveSubkey(id: 1, context: .blindIndexRoot, as: BlindIndexRootPurpose.self)
    let cases: [(BlindIndexKind, String)] = [
      (.reference, "reference_subkey_id_1_key"), (.name, "name_subkey_id_2_key"), (.dateOfBirth, "date_of_birth_subkey_id_3_key"),
      (.externalID, "external_id_subkey_id_4_key"),
    ]
    for (kind, keyName) in cases {
      let prefix = keyName.components(separatedBy: "_subkey")[0]
      let indexKey = try root.deriveSubkey(id: kind.subkeyID, context: .blindIndexField, as: BlindIndexKeyPurpose.self)
      #expect(indexKey.withUnsafeBytes { Array($0) } == (try bytes(vector, keyName)))
      let input = try #require(vector["\(prefix)_input"])
      if let normalized = vector["\(prefix)_normalized"] { #expect(kind.normalize(input) == normalized) }
      #expect(BlindIndex.value(input, kind: kind, key: indexKey) == (try bytes(vector, "\(prefix)_value")))
    }
    let wrapping = try group("statistics_key_wrapping")
    #expect(
      CaseKeys.statisticsKeyContext(vaultID: vaultID, survivorID: 17, keyVersion: 1) == (try bytes(wrapping, "context")))
  }

  /// The entry the vector describes: survivor 17 of team 3 (key version 2) on 2026-12-03.
  static let caseloadFacts = CaseloadFacts(
    reference: "HV-2026-00017",
    safeContact: SafeContact.Flags(methods: [.call: true, .voicemail: false], hasTimesOrNote: true),
    lastContact: CalendarDate(dayNumber: 20_415),
    referrals: [
      .init(
        id: 5, service: "trauma-service", status: .triaged, referredOn: CalendarDate(dayNumber: 20_380),
        statusOn: CalendarDate(dayNumber: 20_382), endedAfterSupport: false, endOutcomeRecorded: false)
    ],
    closedReferralsOmitted: 1, consents: [.init(purpose: "statistics", expires: CalendarDate(dayNumber: 20_500))],
    unnotedSessions: [.init(id: 9, date: CalendarDate(dayNumber: 20_415))])

  @Test("caseload key, entry plaintext, associated data and envelope")
  func caseloadEntry() throws {
    let vector = try group("caseload_entry")
    let team = try key(bytes(try group("team_key_derivation"), "team_key"), as: TeamKeyPurpose.self)
    let caseloadKey = try team.deriveSubkey(id: 1, context: .caseload, as: CaseloadKeyPurpose.self)
    let plaintext = Self.caseloadFacts.encoded()
    let context = VaultSession.caseloadContext(vaultID: vaultID, survivorID: 17, teamID: 3, keyVersion: 2)
    let nonce = try bytes(vector, "nonce")
    let sealed = plaintext.withUnsafeBytes {
      XChaCha20Poly1305.sealDetachedNonce(
        $0, key: caseloadKey, nonce: nonce, associatedData: [FieldEnvelope.currentVersion] + context)
    }
    #expect(caseloadKey.withUnsafeBytes { Array($0) } == (try bytes(vector, "caseload_key_ctx_HVNcase1_id_1")))
    #expect(plaintext == (try bytes(vector, "plaintext")))
    #expect(CaseloadFacts(decoding: try bytes(vector, "plaintext")) == Self.caseloadFacts)
    #expect(context == (try bytes(vector, "context")))
    let envelope = try bytes(vector, "envelope")
    #expect([FieldEnvelope.currentVersion] + nonce + sealed == envelope)
    #expect(try FieldEnvelope.open(envelope, key: caseloadKey, context: context) == plaintext)

    let bucketKey = try team.deriveSubkey(id: 2, context: .caseload, as: CaseloadKeyPurpose.self)
    #expect(bucketKey.withUnsafeBytes { Array($0) } == (try bytes(vector, "bucket_key_ctx_HVNcase1_id_2")))
    let bucketPlaintext = CaseloadBucket.encoded([(17, plaintext)])
    #expect(bucketPlaintext == (try bytes(vector, "bucket_plaintext")))
    let bucketContext = VaultSession.caseloadBucketContext(vaultID: vaultID, teamID: 3, bucket: 0, keyVersion: 2)
    #expect(bucketContext == (try bytes(vector, "bucket_context")))
    let bucketSealed = bucketPlaintext.withUnsafeBytes {
      XChaCha20Poly1305.sealDetachedNonce(
        $0, key: bucketKey, nonce: nonce, associatedData: [FieldEnvelope.currentVersion] + bucketContext)
    }
    #expect([FieldEnvelope.currentVersion] + nonce + bucketSealed == (try bytes(vector, "bucket_envelope")))
    var visited: [(Int64, CaseloadFacts)] = []
    #expect(CaseloadBucket.visit(bucketPlaintext, bucket: 0) { visited.append(($0, $1)) })
    #expect(visited.count == 1 && visited.first?.0 == 17 && visited.first?.1 == Self.caseloadFacts)
    #expect(!CaseloadBucket.visit(bucketPlaintext, bucket: 1) { _, _ in })
  }
}
