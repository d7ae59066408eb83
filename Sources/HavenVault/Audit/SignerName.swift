import HavenCrypto

/// The names signatures carry. Checkpoints and most exports name the signer
/// (`haven/<vault id hex>/<user>`); a subject-access export, which must never name staff, is
/// signed under the key's fingerprint instead (`haven/<vault id hex>/key-<16 hex digits of
/// SHA-256(public key)>`), which the recipient checks against `haven export signers`.
public enum SignerName {
  public static func named(vaultIDHex: String, user: String) -> String { "haven/\(vaultIDHex)/\(user)" }

  public static func anonymous(vaultIDHex: String, key: SigningPublicKey) -> String {
    "haven/\(vaultIDHex)/key-" + Hex.encode(Array(SHA256.hash(key.bytes).prefix(8)))
  }
}
