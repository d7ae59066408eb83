import Foundation
import HavenCrypto
import HavenStore

/// Re-keying on write after a removal (SECURITY.md, "Who can grant what"): a case file
/// whose record key is wrapped under a team key version older than the current one was readable
/// by whoever held that version, including members removed since. Before anything new is written
/// to it, every encrypted column of the survivor and their referrals, events, sessions, outcomes,
/// related people and consent decisions is opened and sealed again under a fresh record key and a
/// fresh statistics key, with the record key wrapped under the current team key version and the
/// field generation (`key_version`) raised, so nothing written afterwards opens with a key a
/// removed member could have kept.
enum CaseFileColumns {
  struct Table {
    /// The SQL table, the record name bound into its fields, and how its rows find the survivor.
    let sql: String
    let binding: String
    let owner: String
  }

  static let tables: [Table] = [
    Table(sql: "survivors", binding: "survivor", owner: "id = ?"),
    Table(sql: "referrals", binding: "referral", owner: "survivor_id = ?"),
    Table(
      sql: "referral_events", binding: "referral_event", owner: "referral_id IN (SELECT id FROM referrals WHERE survivor_id = ?)"),
    Table(sql: "support_sessions", binding: "support_session", owner: "survivor_id = ?"),
    Table(sql: "outcome_assessments", binding: "outcome_assessment", owner: "survivor_id = ?"),
    Table(sql: "related_people", binding: "related_person", owner: "survivor_id = ?"),
    Table(sql: "consent_events", binding: "consent_event", owner: "survivor_id = ?"),
  ]

  /// The encrypted columns of a table and whose they are, read from the schema's own `-- T` and
  /// `-- S` marks (VaultMigrations; `/* T */` for a column added by ALTER TABLE), so a column
  /// added later is never left under an old key.
  static func columns(_ db: StoreDatabase, table: String) throws -> [(name: String, protection: FieldProtection)] {
    guard
      let sql = try String.fetchOne(
        db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
    else { throw VaultError.databaseDamaged("table \(table) is missing") }
    let text = sql as NSString
    guard let columnMark else { throw VaultError.storageFailure("the column-mark pattern does not compile") }
    return columnMark.matches(in: sql, range: NSRange(location: 0, length: text.length)).compactMap { match in
      let name = text.substring(with: match.range(at: 1))
      switch text.substring(with: match.range(at: 2)) {
      case "T": return (name, .team)
      case "S": return (name, .statistics)
      default: return nil
      }
    }
  }

  /// `name BLOB ..., -- T` on its own line, or `, name BLOB /* S */` where ALTER TABLE appended it.
  /// Compiled once: a bulk import after a removal re-keys many case files.
  private static let columnMark = try? NSRegularExpression(pattern: #"(\w+) BLOB[^,\n]*?,?[ \t]*(?:--|/\*)[ \t]*([TS])\b"#)
}

extension VaultSession {
  /// Whether a case file is wrapped under an older team key version than the signed directory's
  /// current one (a member left since it was last written).
  func rekeyDue(_ db: StoreDatabase, _ row: SurvivorRow) throws -> Bool {
    guard let team = try directory(db).teams[row.teamID] else { return false }
    return row.wrappedRecordKey.teamKeyVersion < team.keyVersion || team.rotationDue
  }

  /// Seals the whole case file again under fresh keys and the current team key version (see
  /// `CaseFileColumns`), in the caller's transaction. Audited.
  func rekeyCaseFile(_ db: StoreDatabase, _ row: SurvivorRow) throws {
    guard let team = try TeamRecord.withID(row.teamID, db) else {
      throw VaultError.databaseDamaged("survivor \(row.id) names a team that does not exist")
    }
    let old = try caseKeys(db, row)
    let created = try createRecordKey(db, team: team, for: RecordBinding(table: "survivor", recordID: row.id))
    let generation = row.keyVersion + 1
    guard let statisticsPublic = try directory(db).statistics else {
      throw VaultError.databaseDamaged("the signed directory names no statistics key")
    }
    let agreed = try HybridKeyAgreement.agree(
      with: statisticsPublic, label: CaseKeys.statisticsLabel, as: StatisticsFieldKeyPurpose.self)
    let wrappedStatistics = FieldEnvelope.sealKey(
      agreed.key, key: created.key,
      context: CaseKeys.statisticsKeyContext(vaultID: metadata.vaultID, survivorID: row.id, keyVersion: generation))
    let ephemeral = agreed.ephemeralPublicKey
    let wrapped = created.wrapped
    let new = CaseKeys(vaultID: metadata.vaultID, keyVersion: generation, recordKey: created.key, statisticsKey: agreed.takeKey())
    for table in CaseFileColumns.tables {
      let columns = try CaseFileColumns.columns(db, table: table.sql)
      let selected = (["id"] + columns.map(\.name)).joined(separator: ", ")
      for stored in try StoreRow.fetchAll(
        db, sql: "SELECT \(selected) FROM \(table.sql) WHERE \(table.owner)", arguments: [row.id])
      {
        let id: Int64 = stored["id"]
        var values: [(any StoreValueConvertible)?] = []
        for column in columns {
          let plain = try old.column(stored, table: table.binding, id: id, field: column.name, column.protection)
          values.append(new.column(plain, table: table.binding, id: id, field: column.name, column.protection))
        }
        let assignments = columns.map { "\($0.name) = ?" }.joined(separator: ", ")
        try db.execute(
          sql: "UPDATE \(table.sql) SET \(assignments) WHERE id = ?", arguments: StoreArguments(values + [id]))
      }
    }
    try db.execute(
      sql: """
        UPDATE survivors SET team_key_version = ?, wrapped_record_key = ?, key_version = ?, statistics_ephemeral_key = ?,
          wrapped_statistics_key = ? WHERE id = ?
        """,
      arguments: [
        wrapped.teamKeyVersion, Data(wrapped.envelope), generation, Data(ephemeral.bytes), Data(wrappedStatistics), row.id,
      ])
    lastSubject = nil
    try record(
      db, action: .recordRekey, target: "survivor:\(row.id)", subject: try subject(db, row, old),
      detail: "re-sealed under team key version \(wrapped.teamKeyVersion) (field generation \(generation))")
  }

  /// Recomputes the blind indexes of every survivor of a team with the keys of `version`, after
  /// a rotation: the index keys a removed member kept then confirm nothing new.
  func reindexTeam(_ db: StoreDatabase, teamID: Int64, version: Int64) throws {
    guard let team = try TeamRecord.withID(teamID, db) else { return }
    for row in try SurvivorRow.fetchAll(db, team: teamID) {
      let keys = try caseKeys(db, row)
      let reference = try SurvivorReference(
        parsing: try keys.open(row.envelopes[.reference] ?? [], at: SurvivorField.reference.location(row.id)))
      let details = try decodeDetails(row, keys)
      try writeIndexes(db, survivorID: row.id, team: team, reference: reference, details: details, indexVersion: version)
    }
  }
}
