import Foundation
import HavenCrypto
import HavenStore

/// Keys for a new survivor: a fresh record key wrapped under the team's current key, and a
/// statistics key agreed with the vault's statistics public key and wrapped under the record key.
struct NewCaseKeys: ~Copyable {
  let keys: CaseKeys
  let wrappedRecordKey: WrappedRecordKey
  let statisticsEphemeralKey: BoxPublicKey
  let wrappedStatisticsKey: [UInt8]
}

extension VaultSession {
  /// The teams this user belongs to: the only ones whose survivors they can find or read.
  func memberTeams(_ db: StoreDatabase) throws -> [TeamRecord] {
    try StoreRow.fetchAll(
      db.cachedStatement(
        sql: "SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = ? ORDER BY t.name"),
      arguments: [user.id]
    ).map(TeamRecord.init)
  }

  func memberTeam(_ db: StoreDatabase, named name: String) throws -> TeamRecord {
    guard let team = try memberTeams(db).first(where: { $0.name == name }) else {
      throw VaultError.notInYourTeams("team '\(name)'")
    }
    return team
  }

  /// The team's key for one blind-index kind, derived from the team key version the signed
  /// directory says the index is under (it moves to the new version when a rotation re-indexes).
  func blindIndexKey(
    _ db: StoreDatabase, team: TeamRecord, kind: BlindIndexKind, version: Int64? = nil
  ) throws -> KeyCache<BlindIndexKeyPurpose>.Entry {
    let indexVersion = try version ?? max(directory(db).teams[team.id]?.indexVersion ?? 1, 1)
    let name = "\(team.id)/\(indexVersion)/\(kind.rawValue)"
    if let entry = blindIndexKeys.entry(name) { return entry }
    let teamKey = try teamKey(db, team: team, version: indexVersion)
    let root = try teamKey.key.deriveSubkey(id: 1, context: .blindIndexRoot, as: BlindIndexRootPurpose.self)
    return blindIndexKeys.store(
      name, try root.deriveSubkey(id: kind.subkeyID, context: .blindIndexField, as: BlindIndexKeyPurpose.self))
  }

  func indexValue(
    _ db: StoreDatabase, team: TeamRecord, kind: BlindIndexKind, _ text: String, version: Int64? = nil
  ) throws -> [UInt8] {
    BlindIndex.value(text, kind: kind, key: try blindIndexKey(db, team: team, kind: kind, version: version).key)
  }

  /// Replaces a survivor's blind-index rows with those of `details` under `team`'s keys.
  func writeIndexes(
    _ db: StoreDatabase, survivorID: Int64, team: TeamRecord, reference: SurvivorReference, details: SurvivorDetails,
    indexVersion: Int64? = nil
  ) throws {
    try db.cachedStatement(sql: "DELETE FROM survivor_index WHERE survivor_id = ?").execute(arguments: [survivorID])
    var entries: [(BlindIndexKind, String)] = [(.reference, reference.description), (.name, details.name)]
    entries += details.aliases.map { (.name, $0) }
    if let birth = details.dateOfBirth { entries.append((.dateOfBirth, birth.description)) }
    if let external = details.externalID { entries.append((.externalID, external)) }
    for (kind, text) in entries {
      try db.cachedStatement(sql: "INSERT INTO survivor_index (survivor_id, team_id, kind, value) VALUES (?, ?, ?, ?)").execute(
        arguments: [
          survivorID, team.id, kind.rawValue, Data(try indexValue(db, team: team, kind: kind, text, version: indexVersion)),
        ])
    }
  }

  /// Survivors of this user's teams whose `kind` index matches `text`.
  func indexedSurvivors(_ db: StoreDatabase, kind: BlindIndexKind, _ text: String) throws -> [SurvivorRow] {
    var rows: [SurvivorRow] = []
    for team in try accessibleTeams(db) where team.currentKeyVersion > 0 {
      let value = try indexValue(db, team: team, kind: kind, text)
      let ids = try Int64.fetchAll(
        db.cachedStatement(
          sql: "SELECT DISTINCT survivor_id FROM survivor_index WHERE kind = ? AND value = ? AND team_id = ? ORDER BY survivor_id"
        ),
        arguments: [kind.rawValue, Data(value), team.id])
      rows += try ids.compactMap { try SurvivorRow.fetch(db, id: $0) }.filter { $0.teamID == team.id }
    }
    return rows
  }

  /// Finds a survivor of this user's teams by reference, or refuses without saying whether the
  /// reference exists elsewhere (blind indexes are per team, so the vault cannot tell either).
  func locateSurvivor(_ db: StoreDatabase, _ reference: SurvivorReference) throws -> SurvivorRow {
    for row in try indexedSurvivors(db, kind: .reference, reference.description) {
      let keys = try caseKeys(db, row)
      if let stored = row.envelopes[.reference],
        try keys.open(stored, at: SurvivorField.reference.location(row.id)) == reference.description
      {
        return row
      }
    }
    throw VaultError.notInYourTeams("survivor \(reference)")
  }

  /// Unwraps a survivor's record key (only members of its team can) and statistics key.
  func caseKeys(_ db: StoreDatabase, _ row: SurvivorRow) throws -> CaseKeys {
    let recordKey = try openRecordKey(db, row.wrappedRecordKey, for: RecordBinding(table: "survivor", recordID: row.id))
    let context = CaseKeys.statisticsKeyContext(vaultID: metadata.vaultID, survivorID: row.id, keyVersion: row.keyVersion)
    let statisticsKey: SecretKey<StatisticsFieldKeyPurpose>
    do {
      statisticsKey = try FieldEnvelope.openKey(
        row.wrappedStatisticsKey, key: recordKey, context: context, as: StatisticsFieldKeyPurpose.self)
    } catch {
      throw VaultError.fieldAuthenticationFailed(table: "survivor", recordID: row.id, field: "statistics key")
    }
    return CaseKeys(vaultID: metadata.vaultID, keyVersion: row.keyVersion, recordKey: recordKey, statisticsKey: statisticsKey)
  }

  func newCaseKeys(_ db: StoreDatabase, team: TeamRecord, survivorID: Int64) throws -> NewCaseKeys {
    let created = try createRecordKey(db, team: team, for: RecordBinding(table: "survivor", recordID: survivorID))
    let agreed = try HybridKeyAgreement.agree(
      with: try signedStatisticsKey(), label: CaseKeys.statisticsLabel, as: StatisticsFieldKeyPurpose.self)
    let wrappedStatistics = FieldEnvelope.sealKey(
      agreed.key, key: created.key,
      context: CaseKeys.statisticsKeyContext(vaultID: metadata.vaultID, survivorID: survivorID, keyVersion: 1))
    let wrapped = created.wrapped
    let ephemeral = agreed.ephemeralPublicKey
    return NewCaseKeys(
      keys: CaseKeys(vaultID: metadata.vaultID, keyVersion: 1, recordKey: created.key, statisticsKey: agreed.takeKey()),
      wrappedRecordKey: wrapped, statisticsEphemeralKey: ephemeral, wrappedStatisticsKey: wrappedStatistics)
  }

  /// The one way to touch an existing case file: role check, then in one transaction locate the
  /// survivor in the user's teams, unwrap their keys, act, and append the audit entry.
  /// `bodyAudits`: the body appends its own entry naming the record it creates (a referral, a
  /// session, an outcome), so no second, generic entry is written.
  func withCaseFile<T>(
    _ reference: SurvivorReference, action: AuditAction, detail: String? = nil, bodyAudits: Bool = false,
    _ body: (StoreDatabase, SurvivorRow, borrowing CaseKeys) throws -> T
  ) throws(VaultError) -> T {
    try withSurvivor(
      action: action, requested: "survivor", requestedSubject: reference, detail: detail, bodyAudits: bodyAudits,
      locate: { db in
        let row = try locateSurvivor(db, reference)
        return (row, "survivor:\(row.id)")
      }, body)
  }

  /// A record of a survivor's case file that commands name by its own id.
  enum ChildRecord: String {
    case referral = "referrals"
    case supportSession = "support_sessions"

    /// How audit targets name it (`referral:12`) and how a refusal does (`referral 12`).
    var target: String { self == .referral ? "referral" : "support_session" }
    var words: String { self == .referral ? "referral" : "support session" }
  }

  /// Like `withCaseFile`, for an operation named by the id of one of the survivor's records:
  /// found only within the user's teams, audited against that record.
  func withRecord<T>(
    _ kind: ChildRecord, id: Int64, action: AuditAction, detail: String? = nil,
    _ body: (StoreDatabase, SurvivorRow, borrowing CaseKeys) throws -> T
  ) throws(VaultError) -> T {
    try withSurvivor(
      action: action, requested: "\(kind.target):\(id)", requestedSubject: nil, detail: detail,
      locate: { db in
        guard
          let survivorID = try Int64.fetchOne(
            db, sql: "SELECT survivor_id FROM \(kind.rawValue) WHERE id = ?", arguments: [id]),
          let row = try SurvivorRow.fetch(db, id: survivorID), try accessibleTeams(db).contains(where: { $0.id == row.teamID })
        else { throw VaultError.notInYourTeams("\(kind.words) \(id)") }
        return (row, "\(kind.target):\(id)")
      }, body)
  }

  /// Locates a survivor with `locate`, unwraps their keys, runs `body` and audits it (with the
  /// survivor's pseudonymous subject) in one transaction. A refusal is audited against what was
  /// asked for: `requested`, and the pseudonym of `requestedSubject` (never the reference itself).
  func withSurvivor<T>(
    action: AuditAction, requested: String, requestedSubject: SurvivorReference?, detail: String?, bodyAudits: Bool = false,
    locate: (StoreDatabase) throws -> (SurvivorRow, String), _ body: (StoreDatabase, SurvivorRow, borrowing CaseKeys) throws -> T
  ) throws(VaultError) -> T {
    try authorize(.handleCaseRecords, action: action, target: requested)
    try checkBreakGlass(action: action)
    return try caseTransaction(action: action, target: requested, subject: requestedSubject) { db in
      let (located, target) = try locate(db)
      var row = located
      if !AuditReading.readActions.contains(action.rawValue), try rekeyDue(db, located) {
        try rekeyCaseFile(db, located)
        guard let rekeyed = try SurvivorRow.fetch(db, id: located.id) else {
          throw VaultError.storageFailure("re-key lost a row")
        }
        row = rekeyed
      }
      let keys = try caseKeys(db, row)
      let result = try body(db, row, keys)
      if !bodyAudits { try record(db, action: action, target: target, subject: try subject(db, row, keys), detail: detail) }
      return result
    }
  }

  /// The audit pseudonym of the survivor a row belongs to.
  func subject(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> String {
    if let last = lastSubject, last.survivorID == row.id { return last.subject }
    let subject = try subject(
      db,
      try SurvivorReference(parsing: try keys.open(row.envelopes[.reference] ?? [], at: SurvivorField.reference.location(row.id)))
    )
    lastSubject = (row.id, subject)
    return subject
  }

  /// Allocates the next id of a table inside the current write transaction (ids are needed
  /// before encryption, because each field's associated data names its row).
  /// Never reuses an id, even one whose row an erasure deleted (`id_counters`), because audit
  /// entries and export pseudonyms name records by id.
  func nextID(_ db: StoreDatabase, table: String) throws -> Int64 {
    // One statement (one round trip to a server): the larger of the counter and the table's
    // highest id, plus one, stored and returned.
    let present = "coalesce((SELECT max(id) FROM \(table)), 0)"
    let next = try Int64.fetchOne(
      db.cachedStatement(
        sql: """
          INSERT INTO id_counters (name, last_id) VALUES (?, \(present) + 1)
          ON CONFLICT(name) DO UPDATE SET last_id = \(db.dialect.greatest)(id_counters.last_id, \(present)) + 1
          RETURNING last_id
          """), arguments: [table])
    guard let next else { throw VaultError.storageFailure("no id could be allocated for \(table)") }
    return next
  }

}
