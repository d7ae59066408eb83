import Foundation
import HavenCrypto
import HavenStore

/// A user as stored (public parts only).
public struct UserRecord: Sendable, Equatable {
  public let id: Int64
  public let name: String
  public let role: Role
  public let createdAt: String
  let boxPublicKey: BoxPublicKey
  let signingPublicKey: SigningPublicKey
  let keyFileDigest: [UInt8]

  init(row: StoreRow) throws {
    guard let role = Role(rawValue: row["role"]) else { throw VaultError.databaseDamaged("unknown role in users table") }
    id = row["id"]
    name = row["name"]
    self.role = role
    createdAt = row["created_at"]
    boxPublicKey = try BoxPublicKey(bytes: [UInt8](row["box_public_key"] as Data))
    signingPublicKey = try SigningPublicKey(bytes: [UInt8](row["signing_public_key"] as Data))
    keyFileDigest = [UInt8](row["key_file_digest"] as Data)
  }

  static func active(named name: String, _ db: StoreDatabase) throws -> UserRecord? {
    try StoreRow.fetchOne(db, sql: "SELECT * FROM users WHERE name = ? AND removed_at IS NULL", arguments: [name]).map(
      UserRecord.init)
  }

  static func active(id: Int64, _ db: StoreDatabase) throws -> UserRecord? {
    try StoreRow.fetchOne(db, sql: "SELECT * FROM users WHERE id = ? AND removed_at IS NULL", arguments: [id]).map(
      UserRecord.init)
  }

  static func allActive(_ db: StoreDatabase) throws -> [UserRecord] {
    try StoreRow.fetchAll(db, sql: "SELECT * FROM users WHERE removed_at IS NULL ORDER BY name").map(UserRecord.init)
  }
}
