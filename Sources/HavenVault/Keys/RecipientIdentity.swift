import HavenCrypto

/// An export recipient's X25519 key pair (a commissioner, an evaluator, a survivor's advocate),
/// made by `haven keygen` on the recipient's side. The public half goes in
/// `Keys/recipients/NAME.pub`; the secret half (`HAVEN-IDENTITY-1-...`) never leaves the
/// recipient (docs/FORMAT.md, "Recipient keys").
public struct RecipientIdentity: ~Copyable, @unchecked Sendable {
  static let prefix = "HAVEN-IDENTITY-1-"
  public let keyPair: BoxKeyPair

  public init(keyPair: consuming BoxKeyPair) { self.keyPair = keyPair }

  public static func generate() throws(VaultError) -> RecipientIdentity {
    do {
      return RecipientIdentity(keyPair: try BoxKeyPair.generate())
    } catch {
      throw .storageFailure("key generation failed")
    }
  }

  public var publicKey: BoxPublicKey { keyPair.publicKey }

  public func writeText(to descriptor: Int32) throws(VaultError) {
    try SecretKeyText.write(keyPair.secretKey, prefix: RecipientIdentity.prefix, to: descriptor, what: "identity file")
  }

  public static func read(fromFileDescriptor descriptor: Int32) throws(VaultError) -> RecipientIdentity {
    let invalid: (String) -> VaultError = { .invalidArgument("the identity file is not usable: \($0)") }
    let secret = try SecretKeyText.read(fromFileDescriptor: descriptor, prefix: prefix, invalid: invalid)
    do {
      return RecipientIdentity(keyPair: try BoxKeyPair(secretKey: secret))
    } catch {
      throw invalid("it is not an X25519 key")
    }
  }
}

/// A recipient's public key as published: `haven-recipient-1 <64 hex digits>` on the first
/// line, then `#` comment lines (who, how it was checked). Public, but must be authentic.
public struct RecipientPublicKey: Sendable, Equatable {
  static let tag = "haven-recipient-1"
  public let key: BoxPublicKey

  public init(_ key: BoxPublicKey) { self.key = key }

  public init(parsing text: String) throws(VaultError) {
    let line = text.split(whereSeparator: \.isNewline).first { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
    let parts = line.map { $0.split(separator: " ") } ?? []
    guard parts.count == 2, parts[0] == Self.tag, let bytes = Hex.decode(String(parts[1])),
      let key = try? BoxPublicKey(bytes: bytes)
    else { throw .invalidArgument("not a Haven recipient public key (expected '\(Self.tag) <64 hex digits>')") }
    self.key = key
  }

  /// First 8 bytes of BLAKE2b-256 of the key, hex: read aloud to check a key out of band.
  public var fingerprint: String { Hex.encode(BLAKE2b.hash(key.bytes).prefix(8)) }

  public func text(comment: String) -> String {
    "\(Self.tag) \(Hex.encode(key.bytes))\n# \(comment)\n# fingerprint \(fingerprint)\n"
  }
}
