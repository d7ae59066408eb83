import HavenCrypto
import HavenStore

/// Reasons people give (for an access, a break-glass read, a legal hold, an erasure), sealed so
/// only auditors, admins and the recovery key read them (docs/FORMAT.md section 17, "Reasons"):
///
///     0x02 || ephemeral X25519 public (32) || field envelope under
///     BLAKE2b-agreed key (label "haven.reason.v2"), AD = 0x01 || encode(domain v2, [vault_id, id])
///
/// Anyone may write one to the audit reason public key without holding its secret. Reasons
/// written before format 6 are field envelopes (first byte 0x01) under a key derived from the
/// audit key, which every user holds; they are still read, and SECURITY.md says so.
enum SealedReason {
  enum Kind {
    case access, hold, erasure
    var legacyDomain: String {
      switch self {
      case .access: "haven.audit.reason.v1"
      case .hold: "haven.hold.reason.v1"
      case .erasure: "haven.erasure.reason.v1"
      }
    }
    var domain: String {
      switch self {
      case .access: "haven.audit.reason.v2"
      case .hold: "haven.hold.reason.v2"
      case .erasure: "haven.erasure.reason.v2"
      }
    }
  }

  static let version: UInt8 = 0x02
  static let label = "haven.reason.v2"

  static func seal(_ text: String, kind: Kind, id: Int64, vaultID: [UInt8], to recipient: BoxPublicKey) throws -> [UInt8] {
    let agreed = try HybridKeyAgreement.agree(with: recipient, label: label, as: AuditReasonKeyPurpose.self)
    let context = AssociatedData.encode(domain: kind.domain, [.bytes(vaultID), .integer(id)])
    return [version] + agreed.ephemeralPublicKey.bytes + FieldEnvelope.seal(Array(text.utf8), key: agreed.key, context: context)
  }
}

/// The audit reason key pair of a session that holds it (auditors and admins).
final class HeldBoxKeyPair {
  let pair: BoxKeyPair
  init(_ pair: consuming BoxKeyPair) { self.pair = pair }
}

extension VaultSession {
  /// Seals a reason to the vault's audit reason public key, from the signed directory.
  func sealReason(_ text: String, kind: SealedReason.Kind, id: Int64) throws -> [UInt8] {
    guard let recipient = unlockedDirectory.auditReason else {
      throw VaultError.databaseDamaged("the signed directory names no audit reason key")
    }
    return try SealedReason.seal(text, kind: kind, id: id, vaultID: metadata.vaultID, to: recipient)
  }

  /// Opens a reason of either version; throws `keyNotHeld` for a user without the reason key.
  func openReason(_ db: StoreDatabase, _ sealed: [UInt8], kind: SealedReason.Kind, id: Int64) throws -> String {
    do {
      if sealed.first == SealedReason.version {
        guard sealed.count > 33 else { throw CryptoError.authenticationFailed }
        let pair = try auditReasonKeyPair(db)
        let key = try HybridKeyAgreement.recover(
          ephemeral: BoxPublicKey(bytes: Array(sealed[1..<33])), recipient: pair.pair, label: SealedReason.label,
          as: AuditReasonKeyPurpose.self)
        let bytes = try FieldEnvelope.open(
          Array(sealed[33...]), key: key,
          context: AssociatedData.encode(domain: kind.domain, [.bytes(metadata.vaultID), .integer(id)]))
        return String(decoding: bytes, as: UTF8.self)
      }
      let bytes = try FieldEnvelope.open(
        sealed, key: try auditReasonKey(db).key,
        context: AssociatedData.encode(domain: kind.legacyDomain, [.bytes(metadata.vaultID), .integer(id)]))
      return String(decoding: bytes, as: UTF8.self)
    } catch let error as VaultError {
      throw error
    } catch {
      throw VaultError.fieldAuthenticationFailed(table: kind.domain, recordID: id, field: "reason")
    }
  }

  func auditReasonKeyPair(_ db: StoreDatabase) throws -> HeldBoxKeyPair {
    if let held = heldAuditReasonPair { return held }
    guard
      let secret = try UserKeyHolder(self).heldKey(
        db, directory: try directory(db), kind: .auditReason, teamID: nil, version: 1, as: BoxSecretKeyPurpose.self)
    else { throw VaultError.keyNotHeld(what: "the audit reason key (auditors and admins only)") }
    let held = HeldBoxKeyPair(try BoxKeyPair(secretKey: secret))
    heldAuditReasonPair = held
    return held
  }
}
