import Foundation
import HavenCrypto
import HavenStore

/// Facts about a vault that every operation needs: its identity (bound into every ciphertext's
/// associated data), format version, default KDF level, and the public keys anyone may seal to.
public struct VaultMetadata: Sendable {
  public let vaultID: [UInt8]
  public let formatVersion: Int
  public let name: String
  public let kdfLevel: KDFLevel
  public let createdAt: String
  let recoveryPublicKey: BoxPublicKey
  public let statisticsPublicKey: BoxPublicKey

  static func load(_ db: StoreDatabase) throws -> VaultMetadata? {
    guard let row = try StoreRow.fetchOne(db, sql: "SELECT * FROM vault_meta WHERE singleton = 1") else { return nil }
    guard let level = KDFLevel(rawValue: row["kdf_level"]) else {
      throw VaultError.databaseDamaged("unknown KDF level in vault metadata")
    }
    return VaultMetadata(
      vaultID: [UInt8](row["vault_id"] as Data), formatVersion: row["format_version"], name: row["name"],
      kdfLevel: level, createdAt: row["created_at"],
      recoveryPublicKey: try BoxPublicKey(bytes: [UInt8](row["recovery_public_key"] as Data)),
      statisticsPublicKey: try BoxPublicKey(bytes: [UInt8](row["statistics_public_key"] as Data)))
  }

  /// Reads only the format version, before migrations run, so a newer vault is never touched.
  static func storedFormatVersion(_ db: StoreDatabase) throws -> Int? {
    guard try db.tableExists("vault_meta") else { return nil }
    return try Int.fetchOne(db, sql: "SELECT format_version FROM vault_meta WHERE singleton = 1")
  }
}
