import Foundation
import HavenCrypto
import HavenStore

extension VaultSession {
  /// Records a new survivor in one of the user's teams and returns their reference.
  public func addSurvivor(team teamName: String, details: SurvivorDetails) throws(VaultError) -> SurvivorReference {
    try authorize(.handleCaseRecords, action: .survivorCreate, target: "team:\(teamName)")
    try details.validate()
    return try caseTransaction(action: .survivorCreate, target: "team:\(teamName)") { db in
      let team = try memberTeam(db, named: teamName)
      let details = try withCanonicalDistrict(db, details)
      let (id, reference) = try insertSurvivor(db, team: team, details: details, year: CalendarDate.today().year)
      try record(
        db, action: .survivorCreate, target: "survivor:\(id)", subject: try subject(db, reference), detail: "team \(team.name)")
      return reference
    }
  }

  /// Everything about one survivor that their team may see.
  public func survivorFile(_ reference: SurvivorReference) throws(VaultError) -> SurvivorFile {
    try withCaseFile(reference, action: .survivorRead) { db, row, keys in
      try buildFile(db, row, keys)
    }
  }

  /// Finds survivors of the user's teams by exact reference, name (or alias), date of birth or
  /// external id. Each match is audited; so is a search with none (without the value searched).
  public func findSurvivors(by criterion: SurvivorSearch) throws(VaultError) -> [SurvivorSummary] {
    try authorize(.handleCaseRecords, action: .survivorFind, target: nil)
    try checkBreakGlass(action: .survivorFind)
    return try caseTransaction(action: .survivorFind, target: nil) { db in
      var keys = LookupIndexKeys()
      return try find(db, criterion, teams: try accessibleTeams(db), keys: &keys)
    }
  }

  /// Runs several exact searches in one transaction (one commit, one signed checkpoint), for a
  /// caller holding a list (a caseload check against a partner's list of references); results
  /// come in the order of `criteria`, each audited exactly as `findSurvivors(by:)` audits it.
  public func findSurvivors(byEach criteria: [SurvivorSearch]) throws(VaultError) -> [[SurvivorSummary]] {
    try authorize(.handleCaseRecords, action: .survivorFind, target: nil)
    try checkBreakGlass(action: .survivorFind)
    return try caseTransaction(action: .survivorFind, target: nil) { db in
      // The user's teams are read once for the whole batch (one transaction: they cannot change).
      let teams = try accessibleTeams(db)
      var keys = LookupIndexKeys()
      return try criteria.map { try find(db, $0, teams: teams, keys: &keys) }
    }
  }

  private func find(
    _ db: StoreDatabase, _ criterion: SurvivorSearch, teams: [TeamRecord], keys: inout LookupIndexKeys
  ) throws -> [SurvivorSummary] {
    let (kind, text) = criterion.index
    var found: [SurvivorSummary] = []
    for candidate in try lookupCandidates(db, teams: teams, kind: kind, text, keys: &keys) {
      // Team fields only: the record key is unwrapped, the statistics key is not needed.
      let recordKey = try openRecordKey(
        db, candidate.wrappedRecordKey, for: RecordBinding(table: "survivor", recordID: candidate.id))
      var opened: [SurvivorField: String?] = [:]
      func open(_ field: SurvivorField) throws -> String? {
        if let known = opened[field] { return known }
        let value = try candidate.envelopes[field].map {
          try CaseKeys.openTeamField(
            $0, key: recordKey, at: field.location(candidate.id), keyVersion: candidate.keyVersion, vaultID: metadata.vaultID)
        }
        opened[field] = value
        return value
      }
      // Only the fields the match and the summary need are decrypted (a lookup is a hot path).
      let reference = try SurvivorReference(parsing: try open(.reference) ?? "")
      guard try criterion.matches(reference: reference, kind: kind, open: open) else { continue }
      let name = try open(.name) ?? ""
      let birth = try open(.dateOfBirth).map { try CalendarDate(parsing: $0) }
      found.append(
        SurvivorSummary(id: candidate.id, reference: reference, name: name, team: candidate.team.name, dateOfBirth: birth))
      try record(
        db, action: .survivorFind, target: "survivor:\(candidate.id)", subject: try subject(db, reference),
        detail: "by \(kind.rawValue)")
    }
    if found.isEmpty {
      try record(db, action: .survivorFind, detail: "by \(kind.rawValue), no match")
    }
    return found
  }

  /// Lists the survivors of the user's teams (or one of them). Each listed survivor is audited.
  public func listSurvivors(team teamName: String? = nil) throws(VaultError) -> [SurvivorSummary] {
    try authorize(.handleCaseRecords, action: .survivorList, target: teamName.map { "team:\($0)" })
    return try caseTransaction(action: .survivorList, target: teamName.map { "team:\($0)" }) { db in
      let teams = try teamName.map { [try memberTeam(db, named: $0)] } ?? memberTeams(db)
      var listed: [SurvivorSummary] = []
      for team in teams {
        for row in try SurvivorRow.fetchAll(db, team: team.id) {
          let keys = try caseKeys(db, row)
          let reference = try SurvivorReference(
            parsing: try keys.open(row.envelopes[.reference] ?? [], at: SurvivorField.reference.location(row.id)))
          let name = try keys.open(row.envelopes[.name] ?? [], at: SurvivorField.name.location(row.id))
          let birth = try keys.openOptional(row.envelopes[.dateOfBirth], at: SurvivorField.dateOfBirth.location(row.id))
          listed.append(
            SurvivorSummary(
              id: row.id, reference: reference, name: name, team: team.name,
              dateOfBirth: try birth.map { try CalendarDate(parsing: $0) }))
          try record(db, action: .survivorList, target: "survivor:\(row.id)", subject: try subject(db, reference))
        }
      }
      return listed
    }
  }

  /// A survivor's notes alone, for a worker to edit them (audited as a read of the survivor).
  public func survivorNotes(_ reference: SurvivorReference) throws(VaultError) -> String? {
    try withCaseFile(reference, action: .survivorRead, detail: "notes") { _, row, keys in try decodeDetails(row, keys).notes }
  }

  /// Changes a survivor's details: only changed fields are re-encrypted; blind indexes follow.
  public func updateSurvivor(
    _ reference: SurvivorReference, _ change: (inout SurvivorDetails) throws(VaultError) -> Void
  ) throws(VaultError) {
    try withCaseFile(reference, action: .survivorUpdate) { db, row, keys in
      let before = try decodeDetails(row, keys)
      var after = before
      try change(&after)
      try after.validate()
      if after.district != before.district { after = try withCanonicalDistrict(db, after) }
      try writeChangedDetails(db, row, keys, reference: reference, before: before, after: after)
    }
  }

  /// Re-encrypts only the fields that differ, and rewrites the blind indexes.
  func writeChangedDetails(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, reference: SurvivorReference, before: SurvivorDetails,
    after: SurvivorDetails
  ) throws {
    let changed = try encodeDetails(after, keys: keys, survivorID: row.id).filter { field, _ in
      try encodedValue(before, field) != encodedValue(after, field)
    }
    try SurvivorRow.update(db, id: row.id, envelopes: changed)
    guard let team = try TeamRecord.withID(row.teamID, db) else {
      throw VaultError.databaseDamaged("survivor \(row.id) has no team")
    }
    try writeIndexes(db, survivorID: row.id, team: team, reference: reference, details: after)
  }

  /// Moves a survivor to another team: their record key is re-wrapped under the new team's key
  /// and their blind indexes recomputed with its keys. The mover must belong to both teams.
  public func moveSurvivor(_ reference: SurvivorReference, to teamName: String) throws(VaultError) {
    try withCaseFile(reference, action: .survivorMove, detail: "to team \(teamName)") { db, row, keys in
      let destination = try memberTeam(db, named: teamName)
      guard destination.id != row.teamID else { throw VaultError.invalidArgument("\(reference) is already held by \(teamName)") }
      let details = try decodeDetails(row, keys)
      if destination.rotationDue || destination.currentKeyVersion == 0 {
        try performTeamKeyDuties(db)
      }
      guard let current = try TeamRecord.withID(destination.id, db), current.currentKeyVersion > 0 else {
        throw VaultError.keyNotHeld(what: "a key for team '\(teamName)'")
      }
      try checkCurrentVersion(db, current)
      let wrapping = try recordWrappingKey(db, team: current, version: current.currentKeyVersion)
      let binding = RecordBinding(table: "survivor", recordID: row.id)
      let envelope = FieldEnvelope.sealKey(
        keys.recordKey, key: wrapping.key,
        context: RecordKeyContext.encode(
          vaultID: metadata.vaultID, binding: binding, teamID: current.id, version: current.currentKeyVersion))
      try db.cachedStatement(
        sql: "UPDATE survivors SET team_id = ?, team_key_version = ?, wrapped_record_key = ?, updated_at = ? WHERE id = ?"
      ).execute(arguments: [current.id, current.currentKeyVersion, Data(envelope), Timestamp.now(), row.id])
      try writeIndexes(db, survivorID: row.id, team: current, reference: reference, details: details)
    }
  }

  // MARK: - Shared by single and bulk writes

  /// Inserts one survivor (keys, fields, indexes) inside the caller's transaction.
  func insertSurvivor(
    _ db: StoreDatabase, team: TeamRecord, details: SurvivorDetails, year: Int
  ) throws -> (Int64, SurvivorReference) {
    let id = try nextID(db, table: "survivors")
    let reference = try nextReference(db, year: year)
    let new = try newCaseKeys(db, team: team, survivorID: id)
    var envelopes = try encodeDetails(details, keys: new.keys, survivorID: id)
    envelopes[.reference] = new.keys.seal(reference.description, at: SurvivorField.reference.location(id))
    let fields = SurvivorField.allCases.filter { $0 != .safeContact }
    let columns = fields.map(\.rawValue).joined(separator: ", ")
    let placeholders = Array(repeating: "?", count: fields.count).joined(separator: ", ")
    var arguments: [(any StoreValueConvertible)?] = [
      id, new.wrappedRecordKey.teamID, new.wrappedRecordKey.teamKeyVersion, Data(new.wrappedRecordKey.envelope), Int64(1),
      Data(new.statisticsEphemeralKey.bytes), Data(new.wrappedStatisticsKey),
    ]
    for field in fields {
      let envelope: [UInt8]? = envelopes[field] ?? nil
      arguments.append(envelope.map { Data($0) })
    }
    let now = Timestamp.now()
    arguments += [now, now]
    try db.cachedStatement(
      sql: """
        INSERT INTO survivors (id, team_id, team_key_version, wrapped_record_key, key_version, statistics_ephemeral_key,
          wrapped_statistics_key, \(columns), created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, \(placeholders), ?, ?)
        """
    ).execute(arguments: StoreArguments(arguments))
    try writeIndexes(db, survivorID: id, team: team, reference: reference, details: details)
    return (id, reference)
  }

  func nextReference(_ db: StoreDatabase, year: Int) throws -> SurvivorReference {
    try db.cachedStatement(
      sql: """
        INSERT INTO reference_counters (year, last_number) VALUES (?, 1)
        ON CONFLICT(year) DO UPDATE SET last_number = reference_counters.last_number + 1
        """
    ).execute(arguments: [year])
    let number =
      try Int.fetchOne(db.cachedStatement(sql: "SELECT last_number FROM reference_counters WHERE year = ?"), arguments: [year])
      ?? 1
    return SurvivorReference(year: year, number: number)
  }

  /// The plaintext each survivor field holds (aliases as a JSON array).
  func encodedValue(_ details: SurvivorDetails, _ field: SurvivorField) throws -> String? {
    switch field {
    case .reference, .safeContact: nil
    case .name: details.name
    case .aliases: details.aliases.isEmpty ? nil : String(decoding: try JSONEncoder().encode(details.aliases), as: UTF8.self)
    case .dateOfBirth: details.dateOfBirth?.description
    case .address: details.address
    case .postcode: details.postcode
    case .phone: details.phone
    case .email: details.email
    case .nhsNumber: details.nhsNumber
    case .healthNotes: details.healthNotes
    case .notes: details.notes
    case .externalID: details.externalID
    case .gender: details.gender?.rawValue
    case .district: details.district
    case .cohort: details.cohort?.rawValue
    }
  }

  /// Envelopes for every detail field (nil where the value is absent, so updates can clear).
  func encodeDetails(_ details: SurvivorDetails, keys: borrowing CaseKeys, survivorID: Int64) throws -> [SurvivorField: [UInt8]?]
  {
    var envelopes: [SurvivorField: [UInt8]?] = [:]
    for field in SurvivorField.allCases where field != .reference && field != .safeContact {
      envelopes[field] = keys.sealOptional(try encodedValue(details, field), at: field.location(survivorID))
    }
    return envelopes
  }

  func decodeDetails(_ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> SurvivorDetails {
    func text(_ field: SurvivorField) throws -> String? {
      try keys.openOptional(row.envelopes[field], at: field.location(row.id))
    }
    let aliases = try text(.aliases).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    return SurvivorDetails(
      name: try text(.name) ?? "", aliases: aliases, dateOfBirth: try text(.dateOfBirth).map { try CalendarDate(parsing: $0) },
      gender: try text(.gender).map { try Gender.parse($0, field: "gender") }, address: try text(.address),
      postcode: try text(.postcode), district: try text(.district), phone: try text(.phone), email: try text(.email),
      nhsNumber: try text(.nhsNumber), cohort: try text(.cohort).map { try Cohort.parse($0, field: "cohort") },
      healthNotes: try text(.healthNotes), notes: try text(.notes), externalID: try text(.externalID))
  }

  /// Runs a case operation that has no single survivor yet (create, find, list) in one
  /// transaction; a refusal inside it is audited after the rollback.
  func caseTransaction<T>(
    action: AuditAction, target: String?, subject: SurvivorReference? = nil, _ body: (StoreDatabase) throws -> T
  ) throws(VaultError) -> T {
    do {
      return try signedWrite(body)
    } catch {
      let failure = VaultError.wrapping(error)
      switch failure {
      case .notInYourTeams, .keyNotHeld:
        try recordDenied(action, target: target, subject: subject, detail: "not in the user's teams")
      default: break
      }
      throw failure
    }
  }
}

/// How to find a survivor: each criterion is an exact match through a blind index.
public enum SurvivorSearch: Sendable {
  case reference(SurvivorReference)
  case name(String)
  case dateOfBirth(CalendarDate)
  case externalID(String)

  var index: (BlindIndexKind, String) {
    switch self {
    case .reference(let reference): (.reference, reference.description)
    case .name(let name): (.name, name)
    case .dateOfBirth(let date): (.dateOfBirth, date.description)
    case .externalID(let id): (.externalID, id)
    }
  }

  /// Confirms a blind-index hit against the decrypted value (16-byte indexes make false hits
  /// vanishingly rare, but a result shown to a worker must be right, not probably right).
  /// `open` decrypts one field of the candidate; only the fields the criterion needs are opened.
  func matches(reference: SurvivorReference, kind: BlindIndexKind, open: (SurvivorField) throws -> String?) throws -> Bool {
    switch self {
    case .reference(let wanted):
      return reference == wanted
    case .name(let name):
      let aliases = try open(.aliases).map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
      return ([try open(.name) ?? ""] + aliases).contains { kind.normalize($0) == kind.normalize(name) }
    case .dateOfBirth(let date):
      return try open(.dateOfBirth).map { try CalendarDate(parsing: $0) } == date
    case .externalID(let id):
      return try open(.externalID).map { kind.normalize($0) == kind.normalize(id) } ?? false
    }
  }
}
