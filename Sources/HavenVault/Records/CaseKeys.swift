import HavenCrypto

/// Whose eyes a field is for. Team fields are encrypted under the record key (members of the
/// holding team only); statistical fields under the record's statistics key, which members reach
/// through the record key and `reporting` users through the statistics secret.
public enum FieldProtection: Sendable {
  case team, statistics
}

/// Where a field is stored: bound into its associated data.
struct FieldLocation {
  let table: String
  let recordID: Int64
  let field: String
  let protection: FieldProtection
}

/// The two keys of one survivor's case file, and the key generation their fields carry.
/// Referrals, sessions, outcomes and related people are encrypted under their survivor's keys,
/// each bound to its own table and id. (A `reporting` user never holds a record key; their path
/// to statistical fields is the statistics secret.)
struct CaseKeys: ~Copyable {
  let vaultID: [UInt8]
  let keyVersion: Int64
  let recordKey: RecordKey
  let statisticsKey: SecretKey<StatisticsFieldKeyPurpose>

  static let statisticsLabel = "haven.statistics.v1"

  /// Associated data of a survivor's statistics key wrapped under its record key.
  static func statisticsKeyContext(vaultID: [UInt8], survivorID: Int64, keyVersion: Int64) -> [UInt8] {
    AssociatedData.encode(domain: "haven.statistics-key.v1", [.bytes(vaultID), .integer(survivorID), .integer(keyVersion)])
  }

  func seal(_ value: String, at location: FieldLocation) -> [UInt8] {
    let binding = FieldBinding(
      record: RecordBinding(table: location.table, recordID: location.recordID), field: location.field, keyVersion: keyVersion)
    let context = binding.context(vaultID: vaultID)
    switch location.protection {
    case .team:
      return FieldEnvelope.seal(Array(value.utf8), key: recordKey, context: context)
    case .statistics:
      return FieldEnvelope.seal(Array(value.utf8), key: statisticsKey, context: context)
    }
  }

  func sealOptional(_ value: String?, at location: FieldLocation) -> [UInt8]? {
    value.map { seal($0, at: location) }
  }

  func open(_ envelope: [UInt8], at location: FieldLocation) throws(VaultError) -> String {
    switch location.protection {
    case .team:
      return try Self.open(envelope, key: recordKey, at: location, keyVersion: keyVersion, vaultID: vaultID)
    case .statistics:
      return try Self.open(envelope, key: statisticsKey, at: location, keyVersion: keyVersion, vaultID: vaultID)
    }
  }

  /// Opens a team field with the record key alone (a lookup, which never needs the statistics key).
  static func openTeamField(
    _ envelope: [UInt8], key: borrowing RecordKey, at location: FieldLocation, keyVersion: Int64, vaultID: [UInt8]
  ) throws(VaultError) -> String {
    guard location.protection == .team else {
      throw .storageFailure("\(location.table) field \(location.field) is not a team field")
    }
    return try open(envelope, key: key, at: location, keyVersion: keyVersion, vaultID: vaultID)
  }

  private static func open<P: AEADKeyPurpose>(
    _ envelope: [UInt8], key: borrowing SecretKey<P>, at location: FieldLocation, keyVersion: Int64, vaultID: [UInt8]
  ) throws(VaultError) -> String {
    let binding = FieldBinding(
      record: RecordBinding(table: location.table, recordID: location.recordID), field: location.field, keyVersion: keyVersion)
    do {
      return String(
        decoding: try FieldEnvelope.open(envelope, key: key, context: binding.context(vaultID: vaultID)), as: UTF8.self)
    } catch {
      throw .fieldAuthenticationFailed(table: location.table, recordID: location.recordID, field: location.field)
    }
  }

  func openOptional(_ envelope: [UInt8]?, at location: FieldLocation) throws(VaultError) -> String? {
    guard let envelope else { return nil }
    return try open(envelope, at: location)
  }
}
