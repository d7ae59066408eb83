import HavenCrypto

/// Pseudonyms of survivors for one export recipient. The key is derived from the statistics
/// secret and the recipient's public key, so one recipient's pseudonyms are stable across their
/// exports (they can follow a person through years of evaluation) while two recipients cannot
/// link their files, and nobody without the statistics secret can recompute them
/// (docs/FORMAT.md, "Export pseudonyms").
final class ExportPseudonyms {
  private let key: SecretKey<PseudonymKeyPurpose>

  init(statistics: borrowing BoxKeyPair, vaultID: [UInt8], recipient: BoxPublicKey) throws {
    key = try BLAKE2b.deriveKey(
      fromBoxSecret: statistics.secretKey,
      message: AssociatedData.encode(domain: "haven.export.pseudonym.v1", [.bytes(vaultID), .bytes(recipient.bytes)]))
  }

  /// Lowercase hex of BLAKE2b(out = 16, key, "survivor:" || decimal id).
  func pseudonym(survivorID: Int64) -> String {
    Hex.encode(BLAKE2b.keyedHash(Array("survivor:\(survivorID)".utf8), key: key, outputByteCount: 16))
  }
}
