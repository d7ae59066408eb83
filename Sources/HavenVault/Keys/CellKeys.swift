import HavenCrypto

/// The record keys of the Cell Key Method (docs/export.md, "Disclosure control"; FORMAT.md,
/// "Cell keys"): each survivor and each referral gets a number in 0...255 that looks random and
/// never changes. A report sums the record keys of the people or referrals in each cell, and the
/// sum picks the cell's noise, so the same cell is perturbed the same way in every release while
/// two overlapping cells get unrelated noise. The key is derived from the statistics secret:
/// nobody without it (a commissioner, someone with a copy of the file) can compute the record
/// keys and so cannot undo the noise.
final class CellKeys: Sendable {
  private let key: SecretKey<CellKeyPurpose>

  init(statistics: borrowing BoxKeyPair, vaultID: [UInt8]) throws {
    key = try BLAKE2b.deriveKey(
      fromBoxSecret: statistics.secretKey,
      message: AssociatedData.encode(domain: "haven.report.cellkey.v1", [.bytes(vaultID)]))
  }

  /// First byte of BLAKE2b(out = 16, key, "survivor:" || decimal id).
  func survivor(_ id: Int64) -> UInt8 { recordKey("survivor:\(id)") }

  /// First byte of BLAKE2b(out = 16, key, "referral:" || decimal id).
  func referral(_ id: Int64) -> UInt8 { recordKey("referral:\(id)") }

  private func recordKey(_ text: String) -> UInt8 {
    BLAKE2b.keyedHash(Array(text.utf8), key: key, outputByteCount: 16)[0]
  }
}
