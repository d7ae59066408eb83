import Foundation
import HavenStore

extension VaultSession {
  /// Imports a parsed file in one transaction. Every row is checked first (team membership,
  /// survivor references, services, status order, rows repeated within the file, rows already
  /// in the vault); if any row fails, nothing is written and the error lists every problem by
  /// row and column. A row already in the vault is left as it is when it is the same, updated
  /// when it differs and `options.update` allows it, and a problem otherwise (docs/import.md,
  /// "Running an import again"). Each record written is audited as if entered by hand; each
  /// case file compared is audited as read; one entry records the import itself, which is also
  /// kept in `import_runs` (with the file's hash) so a second import of the file is recognised.
  public func importRecords(
    _ batch: ImportBatch, options: ImportOptions = ImportOptions(), progress: ((Int, Int) -> Void)? = nil
  ) throws(VaultError) -> ImportSummary {
    try authorize(.handleCaseRecords, action: .importRecords, target: nil)
    return try caseTransaction(action: .importRecords, target: nil) { db in
      let earlier = try options.fingerprint.map { try importRuns(db, fingerprint: $0) } ?? []
      var context = ImportContext(options: options, earlierRuns: earlier)
      switch batch {
      case .survivors(let rows): try importSurvivors(db, rows, &context, progress)
      case .referrals(let rows): try importForSurvivors(db, rows, ReferralRows(session: self), &context, progress)
      case .sessions(let rows): try importForSurvivors(db, rows, SessionRows(session: self), &context, progress)
      case .outcomes(let rows):
        try importForSurvivors(db, rows, OutcomeRows(session: self, scale: try outcomeScale(db)), &context, progress)
      case .consents(let rows): try importForSurvivors(db, rows, ConsentRows(session: self), &context, progress)
      }
      let summary = context.summary
      let counts = "\(summary.created) new, \(summary.updated) updated, \(summary.unchanged) unchanged"
      if options.dryRun {
        try record(db, action: .importRecords, detail: "\(batch.kindName) dry run: would write \(counts)")
      } else {
        try record(db, action: .importRecords, detail: "\(batch.kindName): \(counts)")
        try db.execute(
          sql: """
            INSERT INTO import_runs (kind, file_sha256, imported_by, imported_at, created, updated, unchanged)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            batch.kindName, options.fingerprint ?? "", user.id, Timestamp.now(), summary.created, summary.updated,
            summary.unchanged,
          ])
      }
      return summary
    }
  }

  private func importRuns(_ db: StoreDatabase, fingerprint: String) throws -> [ImportRun] {
    try StoreRow.fetchAll(
      db,
      sql: """
        SELECT r.kind, u.name, r.imported_at, r.created, r.updated, r.unchanged FROM import_runs r
        JOIN users u ON u.id = r.imported_by WHERE r.file_sha256 = ? ORDER BY r.id
        """, arguments: [fingerprint]
    ).map {
      ImportRun(
        kind: $0[0], importedBy: $0[1], importedAt: $0[2], created: $0[3], updated: $0[4], unchanged: $0[5])
    }
  }

  private func importSurvivors(
    _ db: StoreDatabase, _ rows: [ImportedRow<ImportedSurvivor>], _ context: inout ImportContext,
    _ progress: ((Int, Int) -> Void)?
  ) throws {
    let teams = Dictionary(uniqueKeysWithValues: try memberTeams(db).map { ($0.name, $0) })
    var problems: [ImportProblem] = []
    var plans: [Int: ImportRowPlan<Int64>] = [:]
    var firstRow: [String: Int] = [:]
    for row in rows {
      guard let team = teams[row.value.team] else {
        problems.append(ImportProblem(row: row.row, column: "team", reason: "not one of your teams"))
        continue
      }
      do { try row.value.details.validate() } catch {
        problems.append(ImportProblem(row: row.row, column: "-", reason: error.message))
      }
      let details: SurvivorDetails
      do { details = try withCanonicalDistrict(db, row.value.details) } catch let error as VaultError {
        problems.append(ImportProblem(row: row.row, column: "district", reason: error.message))
        continue
      }
      let identity = Self.survivorIdentity(team: team.name, details)
      if let earlier = firstRow[identity.key] {
        problems.append(ImportProblem(row: row.row, column: identity.column, reason: "repeats row \(earlier) (\(identity.what))"))
        continue
      }
      firstRow[identity.key] = row.row
      guard let external = details.externalID else {
        // Without an external id nothing tells this person from one imported before: a file
        // imported once already would create them twice.
        if let run = context.earlierRuns.first {
          problems.append(
            ImportProblem(
              row: row.row, column: "external_id",
              reason: "this file was imported on \(run.importedAt) by \(run.importedBy), and a row without external_id "
                + "cannot be matched to what it created: it would be created twice"))
        } else {
          plans[row.row] = .create
        }
        continue
      }
      switch try existingSurvivor(db, externalID: external, in: team, teams: Array(teams.values)) {
      case .none: plans[row.row] = .create
      case .elsewhere(let teamName):
        problems.append(
          ImportProblem(
            row: row.row, column: "external_id", reason: "already used by a survivor of team \(teamName); not imported twice"))
      case .found(let existing, let reference, let before):
        try record(
          db, action: .survivorRead, target: "survivor:\(existing.id)", subject: try subject(db, reference),
          detail: "compared by import")
        if before == details {
          plans[row.row] = .unchanged
        } else if context.options.update {
          plans[row.row] = .update(existing.id)
        } else {
          let differing = SurvivorField.allCases.filter { field in
            (try? encodedValue(before, field)) != (try? encodedValue(details, field))
          }.map(\.rawValue)
          problems.append(
            ImportProblem(
              row: row.row, column: "external_id",
              reason: "already in the vault as \(reference) with different \(differing.joined(separator: ", ")); "
                + "--update changes it"))
        }
      }
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
    let year = CalendarDate.today().year
    for (index, row) in rows.enumerated() {
      let plan = plans[row.row] ?? .unchanged
      context.count(plan)
      if context.options.dryRun { continue }
      let details = try withCanonicalDistrict(db, row.value.details)
      switch plan {
      case .create:
        let (id, reference) = try insertSurvivor(db, team: teams[row.value.team]!, details: details, year: year)
        try record(
          db, action: .survivorCreate, target: "survivor:\(id)", subject: try subject(db, reference),
          detail: "import row \(row.row)")
        context.references.append(reference)
      case .update(let survivorID):
        guard let stored = try SurvivorRow.fetch(db, id: survivorID) else { continue }
        let keys = try caseKeys(db, stored)
        let reference = try SurvivorReference(
          parsing: try keys.open(stored.envelopes[.reference] ?? [], at: SurvivorField.reference.location(stored.id)))
        try writeChangedDetails(db, stored, keys, reference: reference, before: try decodeDetails(stored, keys), after: details)
        try record(
          db, action: .survivorUpdate, target: "survivor:\(survivorID)", subject: try subject(db, reference),
          detail: "import row \(row.row)")
      case .unchanged: break
      }
      progress?(index + 1, rows.count)
    }
  }

  /// What names a survivor row within a file: its external id, else its team, name and date of birth.
  private static func survivorIdentity(team: String, _ details: SurvivorDetails) -> (key: String, column: String, what: String) {
    if let external = details.externalID {
      return ("\(team)\u{1F}x\(BlindIndexKind.externalID.normalize(external))", "external_id", "the same external_id")
    }
    return (
      "\(team)\u{1F}n\(BlindIndexKind.name.normalize(details.name))\u{1F}\(details.dateOfBirth?.description ?? "")", "name",
      "the same team, name and date of birth; an external_id tells two people apart"
    )
  }

  private enum ExistingSurvivor {
    case none
    case elsewhere(String)
    case found(SurvivorRow, SurvivorReference, SurvivorDetails)
  }

  /// The survivor of the user's teams whose external id is `externalID` (confirmed by
  /// decryption, not only by the blind index).
  private func existingSurvivor(
    _ db: StoreDatabase, externalID: String, in team: TeamRecord, teams: [TeamRecord]
  ) throws -> ExistingSurvivor {
    let wanted = BlindIndexKind.externalID.normalize(externalID)
    for candidate in try indexedSurvivors(db, kind: .externalID, externalID) {
      let keys = try caseKeys(db, candidate)
      let details = try decodeDetails(candidate, keys)
      guard let stored = details.externalID, BlindIndexKind.externalID.normalize(stored) == wanted else { continue }
      guard candidate.teamID == team.id else {
        return .elsewhere(teams.first { $0.id == candidate.teamID }?.name ?? "another team")
      }
      let reference = try SurvivorReference(
        parsing: try keys.open(candidate.envelopes[.reference] ?? [], at: SurvivorField.reference.location(candidate.id)))
      return .found(candidate, reference, details)
    }
    return .none
  }

  /// Resolves every row's survivor, checks every row, compares it with the file's other rows and
  /// with the survivor's records already in the vault; writes only when no row had a problem.
  private func importForSurvivors<Kind: ImportRowKind>(
    _ db: StoreDatabase, _ rows: [ImportedRow<Kind.Value>], _ kind: Kind, _ context: inout ImportContext,
    _ progress: ((Int, Int) -> Void)?
  ) throws {
    var resolved: [SurvivorLocator: SurvivorRow] = [:]
    var problems: [ImportProblem] = []
    var firstRow: [String: Int] = [:]
    for row in rows {
      let wanted = kind.locator(row.value)
      if resolved[wanted] == nil {
        if let found = try resolve(db, wanted) {
          resolved[wanted] = found
        } else {
          problems.append(ImportProblem(row: row.row, column: "survivor", reason: "no such survivor in your teams"))
          continue
        }
      }
      do { try kind.check(db, row.value) } catch let error as VaultError {
        problems.append(ImportProblem(row: row.row, column: "-", reason: error.message))
      }
      let key = "\(resolved[wanted]!.id)\u{1F}\(kind.identity(row.value))"
      if let earlier = firstRow[key] {
        problems.append(ImportProblem(row: row.row, column: "-", reason: "repeats row \(earlier) (\(kind.sameness))"))
      } else {
        firstRow[key] = row.row
      }
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
    // Each survivor's existing records are read once for a run of their rows (files usually list
    // a survivor's sessions together), and only when they have any: a first import unwraps no
    // keys here (each unwrap costs guarded allocations), only in the write below.
    var current: Int64?
    var existing: [String: Kind.Existing] = [:]
    var plans: [ImportRowPlan<Kind.Existing>] = []
    plans.reserveCapacity(rows.count)
    for row in rows {
      var survivor = resolved[kind.locator(row.value)]!
      if current != survivor.id {
        current = survivor.id
        if !context.options.dryRun, try rekeyDue(db, survivor) {
          // Written to after a member left: re-sealed under fresh keys first (CaseFileRekey).
          try rekeyCaseFile(db, survivor)
          survivor = try SurvivorRow.fetch(db, id: survivor.id) ?? survivor
          resolved[kind.locator(row.value)] = survivor
        }
        existing = [:]
        let any =
          try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(Kind.table) WHERE survivor_id = ?)"), arguments: [survivor.id]
          )
          ?? false
        if any {
          let keys = try caseKeys(db, survivor)
          existing = try kind.existing(db, survivor, keys)
          try record(
            db, action: Kind.readAction, target: "survivor:\(survivor.id)", subject: try subject(db, survivor, keys),
            detail: "compared by import")
        }
      }
      guard let match = existing[kind.identity(row.value)] else {
        plans.append(.create)
        continue
      }
      switch kind.compare(row.value, with: match) {
      case .same: plans.append(.unchanged)
      case .differs(let what, let updatable):
        if updatable && context.options.update {
          plans.append(.update(match))
        } else {
          problems.append(
            ImportProblem(
              row: row.row, column: "-",
              reason: "already in the vault (\(kind.recordName(match))) with \(what)"
                + (updatable ? "; --update changes it" : "; \(kind.howToChange)")))
          plans.append(.unchanged)
        }
      }
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
    for plan in plans { context.count(plan) }
    if context.options.dryRun { return }
    // Keys are unwrapped once per run of a survivor's rows, not once per row.
    var unwrapped: UnwrappedCaseKeys?
    for (index, row) in rows.enumerated() {
      let survivor = resolved[kind.locator(row.value)]!
      if unwrapped?.survivorID != survivor.id {
        unwrapped = UnwrappedCaseKeys(survivorID: survivor.id, keys: try caseKeys(db, survivor))
      }
      // What only the case file can check (a referral named by its external id) is found
      // while writing; every such problem is listed, and the transaction writes nothing.
      do {
        switch plans[index] {
        case .create: try kind.write(db, survivor, unwrapped!.keys, row.value)
        case .update(let match): try kind.update(db, survivor, unwrapped!.keys, row.value, match)
        case .unchanged: break
        }
      } catch VaultError.invalidArgument(let reason) {
        problems.append(ImportProblem(row: row.row, column: "-", reason: reason))
      }
      progress?(index + 1, rows.count)
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
  }

  private func resolve(_ db: StoreDatabase, _ locator: SurvivorLocator) throws -> SurvivorRow? {
    switch locator {
    case .reference(let reference):
      do { return try locateSurvivor(db, reference) } catch VaultError.notInYourTeams { return nil }
    case .externalID(let id):
      let matches = try indexedSurvivors(db, kind: .externalID, id)
      return matches.count == 1 ? matches[0] : nil
    }
  }
}

/// What one row will do.
enum ImportRowPlan<Match> {
  case create
  case unchanged
  case update(Match)
}

/// Counts as an import goes.
struct ImportContext {
  let options: ImportOptions
  let earlierRuns: [ImportRun]
  var created = 0
  var updated = 0
  var unchanged = 0
  var references: [SurvivorReference] = []

  init(options: ImportOptions, earlierRuns: [ImportRun]) {
    self.options = options
    self.earlierRuns = earlierRuns
  }

  mutating func count<Match>(_ plan: ImportRowPlan<Match>) {
    switch plan {
    case .create: created += 1
    case .update: updated += 1
    case .unchanged: unchanged += 1
    }
  }

  var summary: ImportSummary {
    ImportSummary(
      created: created, updated: updated, unchanged: unchanged, dryRun: options.dryRun, references: references,
      earlierRuns: earlierRuns)
  }
}

/// One survivor's unwrapped keys, kept while an import writes a run of that survivor's rows.
final class UnwrappedCaseKeys {
  let survivorID: Int64
  let keys: CaseKeys
  init(survivorID: Int64, keys: consuming CaseKeys) {
    self.survivorID = survivorID
    self.keys = keys
  }
}

extension ImportBatch {
  var kindName: String {
    switch self {
    case .survivors: "survivors"
    case .referrals: "referrals"
    case .sessions: "sessions"
    case .outcomes: "outcomes"
    case .consents: "consents"
    }
  }
}
