import CSodium

/// An 8-byte `crypto_kdf` context. Every derivation in Haven uses one of the named constants here,
/// so two uses of one root key can never collide (they are listed in docs/FORMAT.md).
public struct KeyDerivationContext: Sendable, Equatable {
  public let bytes: [UInt8]

  private init(_ text: StaticString) {
    let bytes = text.withUTF8Buffer { Array($0) }
    precondition(bytes.count == Int(crypto_kdf_CONTEXTBYTES), "crypto_kdf contexts are 8 bytes")
    self.bytes = bytes
  }

  /// Team key -> record-wrapping key (subkey id = 1).
  public static let recordWrapping = KeyDerivationContext("HVNwrap1")
  /// Team key (version 1) -> the team's blind-index root (subkey id = 1).
  public static let blindIndexRoot = KeyDerivationContext("HVNbidx1")
  /// Contexts defined by other modules for their own derivations (still exactly 8 bytes).
  public init(uncheckedLabel text: StaticString) {
    self.init(text)
  }

  /// Known-answer tests only.
  public static let testVectors = KeyDerivationContext("HVNtest1")
}

extension SecretKey where Purpose: KeyDerivationRootPurpose {
  /// `crypto_kdf_derive_from_key(subkey, Child.byteCount, subkeyID, context, self)`.
  public func deriveSubkey<Child: KeyPurpose>(
    id subkeyID: UInt64, context: KeyDerivationContext, as _: Child.Type = Child.self
  ) throws(CryptoError) -> SecretKey<Child> {
    let output = try SecureBytes(count: Child.byteCount)
    let status = withUnsafeBytes { root in
      output.withUnsafeMutableBytes { out in
        context.bytes.withUnsafeBufferPointer { ctx in
          crypto_kdf_derive_from_key(
            out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count, subkeyID,
            UnsafeRawPointer(ctx.baseAddress!).assumingMemoryBound(to: CChar.self),
            root.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
      }
    }
    guard status == 0 else { throw .malformedInput("crypto_kdf refused the subkey length") }
    return try SecretKey<Child>(adopting: output)
  }
}
