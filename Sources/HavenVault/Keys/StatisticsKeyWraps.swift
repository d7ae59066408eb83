import Foundation
import HavenCrypto
import HavenStore

/// Survivors' statistics keys wrapped a second time, for the `reporting` role (docs/FORMAT.md,
/// "Statistics key wraps"). A statistics key is agreed with the statistics public key so that
/// workers can write statistical fields without holding the statistics secret; recovering it
/// costs its reader an X25519 agreement, most of a report over every survivor. The first report
/// to recover a key also stores it wrapped under a key derived from the statistics secret, and
/// later reports open that instead. The wrap gives nobody anything new: only holders of the
/// statistics secret can make or open one, and they can already agree every statistics key.
struct StatisticsKeyWraps: ~Copyable {
  let vaultID: [UInt8]
  let key: SecretKey<StatisticsKeyWrapPurpose>

  init(statistics: borrowing BoxKeyPair, vaultID: [UInt8]) throws(VaultError) {
    self.vaultID = vaultID
    do {
      key = try BLAKE2b.deriveKey(
        fromBoxSecret: statistics.secretKey,
        message: AssociatedData.encode(domain: "haven.statistics-key-wrap-key.v1", [.bytes(vaultID)]))
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Binds a wrap to its vault, survivor, field generation and the agreement it stands for, so a
  /// wrap moved to another survivor, or left behind when the survivor's keys change, fails to open.
  static func context(vaultID: [UInt8], survivorID: Int64, keyVersion: Int64, ephemeralKey: [UInt8]) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.statistics-key-wrap.v1",
      [.bytes(vaultID), .integer(survivorID), .integer(keyVersion), .bytes(ephemeralKey)])
  }

  /// Stores wraps made during a read, each only if the survivor's statistics key is still the
  /// one it wraps (a worker may have re-keyed the case since the read's snapshot). Returns how
  /// many were stored.
  static func store(_ wraps: [StatisticsKeyWrap], _ db: StoreDatabase) throws -> Int {
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO statistics_key_wraps (survivor_id, wrapped)
        SELECT id, ? FROM survivors WHERE id = ? AND key_version = ? AND statistics_ephemeral_key = ?
        ON CONFLICT (survivor_id) DO UPDATE SET wrapped = excluded.wrapped
        """)
    var stored = 0
    for wrap in wraps {
      try statement.execute(arguments: [Data(wrap.envelope), wrap.survivorID, wrap.keyVersion, Data(wrap.ephemeralKey)])
      stored += db.changesCount
    }
    return stored
  }
}

/// One survivor's statistics key, wrapped for the `reporting` role, waiting to be stored.
struct StatisticsKeyWrap: Sendable {
  let survivorID: Int64
  let keyVersion: Int64
  let ephemeralKey: [UInt8]
  let envelope: [UInt8]
}
