import Foundation
import GRDB

extension VaultSession {
  /// Imports a parsed file in one transaction. Every row is checked first (team membership,
  /// survivor references, services, status order); if any row fails, nothing is written and the
  /// error lists every problem by row and column. Each record written is audited as if entered
  /// by hand, plus one entry for the import itself.
  public func importRecords(_ batch: ImportBatch, progress: ((Int, Int) -> Void)? = nil) throws(VaultError) -> ImportSummary {
    try authorize(.handleCaseRecords, action: .importRecords, target: nil)
    return try caseTransaction(action: .importRecords, target: nil) { db in
      let summary: ImportSummary
      switch batch {
      case .survivors(let rows): summary = try importSurvivors(db, rows, progress)
      case .referrals(let rows):
        summary = try importForSurvivors(db, rows, locator: \.survivor, progress, check: checkReferral) { db, row, keys, value in
          try insertImportedReferral(db, row, keys, value)
        }
      case .sessions(let rows):
        summary = try importForSurvivors(
          db, rows, locator: \.survivor, progress, check: { _, value in try value.session.checkText() }
        ) {
          db, row, keys, value in
          _ = try insertSession(db, row, keys, value.session)
        }
      case .outcomes(let rows):
        summary = try importForSurvivors(db, rows, locator: \.survivor, progress, check: { _, _ in }) { db, row, keys, value in
          _ = try insertOutcome(db, row, keys, value.assessment)
        }
      case .consents(let rows):
        summary = try importForSurvivors(db, rows, locator: \.survivor, progress, check: { _, _ in }) { db, row, keys, value in
          try insertImportedConsent(db, row, keys, value.consent)
        }
      }
      try record(db, action: .importRecords, detail: "\(summary.recordsWritten) record(s)")
      return summary
    }
  }

  private func importSurvivors(
    _ db: Database, _ rows: [ImportedRow<ImportedSurvivor>], _ progress: ((Int, Int) -> Void)?
  ) throws -> ImportSummary {
    let teams = Dictionary(uniqueKeysWithValues: try memberTeams(db).map { ($0.name, $0) })
    var problems: [ImportProblem] = []
    for row in rows {
      if teams[row.value.team] == nil {
        problems.append(ImportProblem(row: row.row, column: "team", reason: "not one of your teams"))
      }
      do { try row.value.details.validate() } catch {
        problems.append(ImportProblem(row: row.row, column: "-", reason: error.message))
      }
      do { _ = try canonicalDistrict(db, row.value.details.district) } catch let error as VaultError {
        problems.append(ImportProblem(row: row.row, column: "district", reason: error.message))
      }
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
    let year = CalendarDate.today().year
    var references: [SurvivorReference] = []
    for (index, row) in rows.enumerated() {
      let details = try withCanonicalDistrict(db, row.value.details)
      let (id, reference) = try insertSurvivor(db, team: teams[row.value.team]!, details: details, year: year)
      try record(
        db, action: .survivorCreate, target: "survivor:\(id)", subject: try subject(db, reference),
        detail: "import row \(row.row)")
      references.append(reference)
      progress?(index + 1, rows.count)
    }
    return ImportSummary(recordsWritten: rows.count, references: references)
  }

  /// Resolves every row's survivor and checks every row; writes only when no row had a problem.
  private func importForSurvivors<Value>(
    _ db: Database, _ rows: [ImportedRow<Value>], locator: KeyPath<Value, SurvivorLocator>, _ progress: ((Int, Int) -> Void)?,
    check: (Database, Value) throws -> Void, write: (Database, SurvivorRow, borrowing CaseKeys, Value) throws -> Void
  ) throws -> ImportSummary {
    var resolved: [SurvivorLocator: SurvivorRow] = [:]
    var problems: [ImportProblem] = []
    for row in rows {
      let wanted = row.value[keyPath: locator]
      if resolved[wanted] == nil {
        if let found = try resolve(db, wanted) {
          resolved[wanted] = found
        } else {
          problems.append(ImportProblem(row: row.row, column: "survivor", reason: "no such survivor in your teams"))
          continue
        }
      }
      do { try check(db, row.value) } catch let error as VaultError {
        problems.append(ImportProblem(row: row.row, column: "-", reason: error.message))
      }
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
    // A survivor's keys are unwrapped once for a run of their rows (files usually list a
    // survivor's sessions together), not once per row: each unwrap costs guarded allocations.
    var unwrapped: UnwrappedCaseKeys?
    for (index, row) in rows.enumerated() {
      var survivor = resolved[row.value[keyPath: locator]]!
      if unwrapped?.survivorID != survivor.id {
        unwrapped = nil
        if try rekeyDue(db, survivor) {
          // Written to after a member left: re-sealed under fresh keys first (CaseFileRekey).
          try rekeyCaseFile(db, survivor)
          survivor = try SurvivorRow.fetch(db, id: survivor.id) ?? survivor
          resolved[row.value[keyPath: locator]] = survivor
        }
        unwrapped = UnwrappedCaseKeys(survivorID: survivor.id, keys: try caseKeys(db, survivor))
      }
      // What only the case file can check (a referral named by its external id) is found
      // while writing; every such problem is listed, and the transaction writes nothing.
      do { try write(db, survivor, unwrapped!.keys, row.value) } catch VaultError.invalidArgument(let reason) {
        problems.append(ImportProblem(row: row.row, column: "-", reason: reason))
      }
      progress?(index + 1, rows.count)
    }
    guard problems.isEmpty else { throw VaultError.importRejected(problems) }
    return ImportSummary(recordsWritten: rows.count, references: [])
  }

  private func insertImportedReferral(
    _ db: Database, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ value: ImportedReferral
  ) throws {
    let id = try insertReferral(db, row, keys, value.referral)
    for (index, change) in value.changes.enumerated() {
      try insertReferralEvent(db, keys, referralID: id, sequence: index + 2, change: change)
    }
  }

  private func resolve(_ db: Database, _ locator: SurvivorLocator) throws -> SurvivorRow? {
    switch locator {
    case .reference(let reference):
      do { return try locateSurvivor(db, reference) } catch VaultError.notInYourTeams { return nil }
    case .externalID(let id):
      let matches = try indexedSurvivors(db, kind: .externalID, id)
      return matches.count == 1 ? matches[0] : nil
    }
  }

  /// The checks a referral row must pass beyond parsing: its services exist and its history
  /// follows the status order with dates that never go backwards.
  private func checkReferral(_ db: Database, _ value: ImportedReferral) throws {
    try value.referral.checkText()
    try requireService(db, value.referral.service)
    var status = ReferralStatus.referred
    var date = value.referral.date
    for change in value.changes {
      guard status.mayMove(to: change.status) else {
        throw VaultError.invalidArgument("status \(change.status.rawValue) cannot follow \(status.rawValue)")
      }
      guard change.date >= date else {
        throw VaultError.invalidArgument("the \(change.status.rawValue) date is before the previous step")
      }
      if let service = change.service { try requireService(db, service) }
      status = change.status
      date = change.date
    }
  }
}

/// One survivor's unwrapped keys, kept while an import writes a run of that survivor's rows.
private final class UnwrappedCaseKeys {
  let survivorID: Int64
  let keys: CaseKeys
  init(survivorID: Int64, keys: consuming CaseKeys) {
    self.survivorID = survivorID
    self.keys = keys
  }
}
