import HavenCrypto

/// What a sealed key is: the statistics key, the audit key, or one version of a team's key.
enum GrantedKeyKind: String, Sendable {
  case team, statistics, audit
  /// The X25519 secret that opens access, hold, erasure and break-glass reasons.
  case auditReason = "audit-reason"
}

/// Seals a key to one recipient (a user or the recovery key) inside a sealed box whose plaintext
/// starts with a context naming the vault, the key and the recipient (docs/FORMAT.md, "Key
/// grant"). Sealed boxes bind nothing themselves; without the context a grant of team A's key
/// could be copied into team B's row and silently used for B's records.
enum KeyGrant {
  static func context(
    vaultID: [UInt8], kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: BoxPublicKey
  ) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.grant.v1",
      [.bytes(vaultID), .text(kind.rawValue), .integer(teamID ?? 0), .integer(version), .bytes(recipient.bytes)])
  }

  /// What a granter signs: the grant's place, the recipient's key, a hash of the sealed bytes,
  /// who granted it (0 for the recovery key) and the directory length it was granted under, which
  /// decides whether the granter was entitled (docs/FORMAT.md, "Grant signature").
  static func signatureBody(
    vaultID: [UInt8], kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: BoxPublicKey, sealed: [UInt8],
    granter: Int64, directoryLength: Int64
  ) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.grant.signature.v1",
      [
        .bytes(vaultID), .text(kind.rawValue), .integer(teamID ?? 0), .integer(version), .bytes(recipient.bytes),
        .bytes(SHA256.hash(sealed)), .integer(granter), .integer(directoryLength),
      ])
  }

  /// The context a key commitment is keyed over (docs/FORMAT.md, "Key commitment").
  static func commitmentContext(vaultID: [UInt8], kind: GrantedKeyKind, teamID: Int64?, version: Int64) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.key.commitment.v1", [.bytes(vaultID), .text(kind.rawValue), .integer(teamID ?? 0), .integer(version)])
  }

  static func commitment<P: KeyPurpose>(
    to key: borrowing SecretKey<P>, vaultID: [UInt8], kind: GrantedKeyKind, teamID: Int64?, version: Int64
  ) -> [UInt8] {
    BLAKE2b.commitment(to: key, context: commitmentContext(vaultID: vaultID, kind: kind, teamID: teamID, version: version))
  }

  static func seal<P: KeyPurpose>(
    _ key: borrowing SecretKey<P>, context: [UInt8], to recipient: BoxPublicKey
  ) throws(CryptoError) -> [UInt8] {
    let plaintext = try SecureBytes(count: context.count + P.byteCount)
    plaintext.withUnsafeMutableBytes { out in
      out.copyBytes(from: context)
      key.withUnsafeBytes { (out.baseAddress! + context.count).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }
    return plaintext.withUnsafeBytes { SealedBox.seal($0, to: recipient) }
  }

  static func open<P: KeyPurpose>(
    _ sealed: [UInt8], context: [UInt8], with recipient: borrowing BoxKeyPair, as _: P.Type
  ) throws(CryptoError) -> SecretKey<P> {
    let plaintext = try SealedBox.open(sealed, with: recipient)
    guard plaintext.count == context.count + P.byteCount else { throw .authenticationFailed }
    let matches = plaintext.withUnsafeBytes { Array($0.prefix(context.count)) == context }
    guard matches else { throw .authenticationFailed }
    return try SecretKey<P>(adopting: plaintext.slice(context.count..<plaintext.count))
  }
}
