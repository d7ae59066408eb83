import Foundation
import HavenCrypto
import HavenStore

/// Which stored record a key or field belongs to. Bound into associated data, so a ciphertext or
/// wrapped key copied to another record fails to open.
public struct RecordBinding: Sendable, Hashable {
  public let table: String
  public let recordID: Int64
  public init(table: String, recordID: Int64) {
    self.table = table
    self.recordID = recordID
  }
}

/// A record key as stored: wrapped under one version of one team's record-wrapping key.
public struct WrappedRecordKey: Sendable, Equatable {
  public let teamID: Int64
  public let teamKeyVersion: Int64
  public let envelope: [UInt8]
  public init(teamID: Int64, teamKeyVersion: Int64, envelope: [UInt8]) {
    self.teamID = teamID
    self.teamKeyVersion = teamKeyVersion
    self.envelope = envelope
  }
}

/// A fresh record key and its wrapped form.
public struct NewRecordKey: ~Copyable {
  public let key: RecordKey
  public let wrapped: WrappedRecordKey
}

/// The associated data of a wrapped record key (docs/FORMAT.md, "Record key").
enum RecordKeyContext {
  static func encode(vaultID: [UInt8], binding: RecordBinding, teamID: Int64, version: Int64) -> [UInt8] {
    AssociatedData.encode(
      domain: "haven.record-key.v1",
      [.bytes(vaultID), .text(binding.table), .integer(binding.recordID), .integer(teamID), .integer(version)])
  }
}

extension VaultSession {
  /// Makes a record key for a new record of `team`, wrapped under the team's current key version.
  /// Needs the caller to be a member holding that key: the check is the unwrap itself.
  func createRecordKey(_ db: StoreDatabase, team: TeamRecord, for binding: RecordBinding) throws -> NewRecordKey {
    if team.rotationDue || team.currentKeyVersion == 0 {
      try performTeamKeyDuties(db)
    }
    guard let current = try TeamRecord.withID(team.id, db), current.currentKeyVersion > 0, !current.rotationDue else {
      throw VaultError.keyNotHeld(what: "a current key for team '\(team.name)'")
    }
    try checkCurrentVersion(db, current)
    let wrapping = try recordWrappingKey(db, team: current, version: current.currentKeyVersion)
    let key = try RecordKey.random()
    let context = RecordKeyContext.encode(
      vaultID: metadata.vaultID, binding: binding, teamID: team.id, version: current.currentKeyVersion)
    let envelope = FieldEnvelope.sealKey(key, key: wrapping.key, context: context)
    return NewRecordKey(
      key: key, wrapped: WrappedRecordKey(teamID: team.id, teamKeyVersion: current.currentKeyVersion, envelope: envelope))
  }

  /// Unwraps a record key. Fails with `keyNotHeld` for anyone who is not a member of its team.
  func openRecordKey(_ db: StoreDatabase, _ wrapped: WrappedRecordKey, for binding: RecordBinding) throws -> RecordKey {
    let entry: KeyCache<RecordWrappingKeyPurpose>.Entry
    if let cached = recordWrappingKeys.entry(Self.wrappingKeyName(teamID: wrapped.teamID, version: wrapped.teamKeyVersion)) {
      entry = cached
    } else {
      guard let team = try TeamRecord.withID(wrapped.teamID, db) else {
        throw VaultError.databaseDamaged("\(binding.table) \(binding.recordID) names a team that does not exist")
      }
      entry = try recordWrappingKey(db, team: team, version: wrapped.teamKeyVersion)
    }
    let context = RecordKeyContext.encode(
      vaultID: metadata.vaultID, binding: binding, teamID: wrapped.teamID, version: wrapped.teamKeyVersion)
    do {
      return try FieldEnvelope.openKey(wrapped.envelope, key: entry.key, context: context, as: RecordKeyPurpose.self)
    } catch {
      throw VaultError.fieldAuthenticationFailed(table: binding.table, recordID: binding.recordID, field: "record key")
    }
  }

  /// The key that wraps record keys under one version of a team's key (derived once a session).
  func recordWrappingKey(_ db: StoreDatabase, team: TeamRecord, version: Int64) throws -> KeyCache<RecordWrappingKeyPurpose>.Entry
  {
    let name = Self.wrappingKeyName(teamID: team.id, version: version)
    if let entry = recordWrappingKeys.entry(name) { return entry }
    let teamKey = try teamKey(db, team: team, version: version)
    return recordWrappingKeys.store(
      name, try teamKey.key.deriveSubkey(id: 1, context: .recordWrapping, as: RecordWrappingKeyPurpose.self))
  }

  private static func wrappingKeyName(teamID: Int64, version: Int64) -> String { "\(teamID)/\(version)" }

  /// Public form of `createRecordKey` for a whole operation: authorises, audits, and commits.
  public func createRecordKey(team teamName: String, for binding: RecordBinding) throws(VaultError) -> NewRecordKey {
    try authorize(.handleCaseRecords, action: .recordKeyCreate, target: "\(binding.table):\(binding.recordID)")
    do {
      let handoff = Handoff<NewRecordKey>()
      try signedWrite { db in
        guard let team = try TeamRecord.named(teamName, db) else { throw VaultError.notFound(kind: "team", name: teamName) }
        handoff.value = try createRecordKey(db, team: team, for: binding)
        try record(
          db, action: .recordKeyCreate, target: "\(binding.table):\(binding.recordID)", detail: "team \(teamName)"
        )
      }
      return try handoff.take()
    } catch {
      let failure = VaultError.wrapping(error)
      if case .keyNotHeld = failure {
        try recordDenied(.recordKeyCreate, target: "\(binding.table):\(binding.recordID)", detail: "team key not held")
      }
      throw failure
    }
  }

  /// Public form of `openRecordKey`: the open and its audit entry commit together, and a refusal
  /// (not a member, no key) is audited too.
  public func openRecordKey(_ wrapped: WrappedRecordKey, for binding: RecordBinding) throws(VaultError) -> RecordKey {
    do {
      let handoff = Handoff<RecordKey>()
      try signedWrite { db in
        handoff.value = try openRecordKey(db, wrapped, for: binding)
        try record(db, action: .recordKeyOpen, target: "\(binding.table):\(binding.recordID)")
      }
      return try handoff.take()
    } catch {
      let failure = VaultError.wrapping(error)
      if case .keyNotHeld = failure {
        try recordDenied(.recordKeyOpen, target: "\(binding.table):\(binding.recordID)", detail: "team key not held")
      }
      throw failure
    }
  }
}
