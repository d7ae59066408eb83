import HavenCrypto

/// Where an encrypted field lives: bound into its associated data (docs/FORMAT.md, "Field").
public struct FieldBinding: Sendable, Hashable {
  public let record: RecordBinding
  public let field: String
  /// The version of the key the field is encrypted under (the record key's generation).
  public let keyVersion: Int64

  public init(record: RecordBinding, field: String, keyVersion: Int64 = 1) {
    self.record = record
    self.field = field
    self.keyVersion = keyVersion
  }

  func context(vaultID: [UInt8]) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.field.v1",
      [.bytes(vaultID), .text(record.table), .integer(record.recordID), .text(field), .integer(keyVersion)])
  }
}

/// Encrypts and decrypts one field at a time under a record key. A failure names the record and
/// field (never the content) so a person knows what to restore.
public enum FieldCipher {
  public static func seal(_ value: String, key: borrowing RecordKey, binding: FieldBinding, vaultID: [UInt8]) -> [UInt8] {
    FieldEnvelope.seal(Array(value.utf8), key: key, context: binding.context(vaultID: vaultID))
  }

  public static func open(
    _ envelope: [UInt8], key: borrowing RecordKey, binding: FieldBinding, vaultID: [UInt8]
  ) throws(VaultError) -> String {
    do {
      let bytes = try FieldEnvelope.open(envelope, key: key, context: binding.context(vaultID: vaultID))
      return String(decoding: bytes, as: UTF8.self)
    } catch {
      throw .fieldAuthenticationFailed(table: binding.record.table, recordID: binding.record.recordID, field: binding.field)
    }
  }

  /// Opens a statistical field with a survivor's statistics key.
  static func openStatistical(
    _ envelope: [UInt8], key: borrowing SecretKey<StatisticsFieldKeyPurpose>, binding: FieldBinding, vaultID: [UInt8]
  ) throws(VaultError) -> String {
    do {
      return String(
        decoding: try FieldEnvelope.open(envelope, key: key, context: binding.context(vaultID: vaultID)), as: UTF8.self)
    } catch {
      throw .fieldAuthenticationFailed(table: binding.record.table, recordID: binding.record.recordID, field: binding.field)
    }
  }
}
