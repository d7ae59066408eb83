import Foundation
import HavenVault

/// Turns an import file into a typed batch, checking every cell first. Every problem in the file
/// is collected (not just the first), and none of them quotes the cell, which may hold a name.
public enum ImportFileParser {
  /// `vocabulary`: the vault's configured aliases and outcome scale (the built-in lists and the
  /// 1-10 scale when not given).
  public static func parse(
    path: String, kind: ImportKind, vocabulary: ConfiguredVocabulary = ConfiguredVocabulary()
  ) throws(ImportFailure) -> ImportBatch {
    try parseFile(path: path, kind: kind, vocabulary: vocabulary).batch
  }

  /// As `parse`, with the file's fingerprint (SHA-256, hex) for `ImportOptions.fingerprint`.
  public static func parseFile(
    path: String, kind: ImportKind, vocabulary: ConfiguredVocabulary = ConfiguredVocabulary()
  ) throws(ImportFailure) -> (batch: ImportBatch, fingerprint: String) {
    let table = try CSVTable(path: path, kind: kind)
    var problems: [ImportProblem] = []
    let batch: ImportBatch
    switch kind {
    case .survivors: batch = .survivors(table.rows.compactMap { row in parseRow(row, vocabulary, &problems, survivor) })
    case .referrals: batch = .referrals(table.rows.compactMap { row in parseRow(row, vocabulary, &problems, referral) })
    case .sessions: batch = .sessions(table.rows.compactMap { row in parseRow(row, vocabulary, &problems, session) })
    case .outcomes: batch = .outcomes(table.rows.compactMap { row in parseRow(row, vocabulary, &problems, outcome) })
    case .consents: batch = .consents(table.rows.compactMap { row in parseRow(row, vocabulary, &problems, consent) })
    }
    guard problems.isEmpty else { throw .rejected(problems) }
    return (batch, table.fingerprint)
  }

  private static func parseRow<Value>(
    _ row: (number: Int, cells: [String: String]), _ vocabulary: ConfiguredVocabulary, _ problems: inout [ImportProblem],
    _ parse: (inout RowReader) -> Value?
  ) -> ImportedRow<Value>? {
    var reader = RowReader(number: row.number, cells: row.cells, vocabulary: vocabulary)
    let value = parse(&reader)
    problems += reader.problems
    guard reader.problems.isEmpty, let value else { return nil }
    return ImportedRow(row: row.number, value: value)
  }

  private static func survivor(_ row: inout RowReader) -> ImportedSurvivor? {
    let details = SurvivorDetails(
      name: row.required("name") ?? "",
      aliases: row.optional("aliases").map { $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [],
      dateOfBirth: row.date("dob"), gender: row.term("gender", Gender.self), address: row.optional("address"),
      postcode: row.checked("postcode", "not a UK postcode") { text in
        let compact = text.replacingOccurrences(of: " ", with: "")
        return (5...7).contains(compact.count) && compact.allSatisfy { $0.isLetter || $0.isNumber }
      },
      district: row.optional("district"),
      phone: row.checked("phone", "may hold digits, spaces, +, ( ) and - only") {
        $0.allSatisfy { $0.isNumber || " +()-".contains($0) }
      },
      email: row.checked("email", "has no '@'") { $0.contains("@") },
      nhsNumber: row.checked("nhs_number", "not a valid NHS number (10 digits with a valid check digit)") { text in
        (try? SurvivorDetails(name: "-", nhsNumber: text).validate()) != nil
      },
      cohort: row.term("cohort", Cohort.self), healthNotes: row.optional("health_notes"), notes: row.optional("notes"),
      externalID: row.optional("external_id"))
    guard let team = row.required("team") else { return nil }
    return ImportedSurvivor(team: team, details: details)
  }

  private static func referral(_ row: inout RowReader) -> ImportedReferral? {
    let survivor = row.required("survivor").map(SurvivorLocator.init)
    let date = row.requiredDate("referral_date")
    let type = row.requiredTerm("referrer_type", ReferrerType.self)
    let pathway = row.requiredTerm("pathway", Pathway.self)
    let service = row.required("service")
    var changes: [ReferralStatusChange] = []
    /// One later step of the history: its date column, and the columns that only make sense with it.
    func step<Reason: CaseTerm>(
      _ status: ReferralStatus, _ column: String, serviceColumn: String? = nil, reasonColumn: String? = nil,
      reasons: Reason.Type = ClosureReason.self
    ) {
      guard let date = row.date(column) else {
        for extra in [serviceColumn, reasonColumn].compactMap({ $0 }) where row.optional(extra) != nil {
          row.problem(column, "is needed when \(extra) is given")
        }
        return
      }
      do {
        changes.append(
          try ReferralStatusChange(
            status: status, date: date, service: serviceColumn.flatMap { row.optional($0) },
            reason: try reasonColumn.flatMap { row.optional($0) }.map { text throws(VaultError) in
              try row.vocabulary.term(text, Reason.self, field: reasonColumn ?? column).rawValue
            }))
      } catch {
        row.problem(reasonColumn ?? column, error.message)
      }
    }
    step(.triaged, "triaged_on")
    step(
      .allocated, "allocated_on", serviceColumn: "allocated_service", reasonColumn: "allocation_reason",
      reasons: AllocationReason.self)
    step(.engaged, "engaged_on")
    step(.closed, "closed_on", reasonColumn: "closure_reason")
    guard let survivor, let date, let type, let pathway, let service else { return nil }
    return ImportedReferral(
      survivor: survivor,
      referral: NewReferral(
        date: date, referrerType: type, referrerRole: row.optional("referrer_role"), pathway: pathway, service: service,
        externalID: row.optional("external_id")),
      changes: changes)
  }

  private static func session(_ row: inout RowReader) -> ImportedSession? {
    let survivor = row.required("survivor").map(SurvivorLocator.init)
    let date = row.requiredDate("date")
    let minutes = row.integer("minutes", in: 0...1440)
    let kind = row.requiredTerm("kind", SessionKind.self)
    let attendance = row.requiredTerm("attendance", Attendance.self)
    guard let survivor, let date, let minutes, let kind, let attendance,
      let session = try? NewSupportSession(
        date: date, minutes: minutes, kind: kind, attendance: attendance, worker: row.optional("worker"),
        notes: row.optional("notes"), referral: row.optional("referral").map(ReferralLink.init(parsing:)))
    else { return nil }
    return ImportedSession(survivor: survivor, session: session)
  }

  private static func outcome(_ row: inout RowReader) -> ImportedOutcome? {
    let survivor = row.required("survivor").map(SurvivorLocator.init)
    let stage = row.requiredTerm("stage", OutcomeStage.self)
    let date = row.requiredDate("date")
    var ratings: [OutcomeDomain: Int] = [:]
    for domain in OutcomeDomain.allCases {
      ratings[domain] = row.integer(
        domain.rawValue, in: row.vocabulary.outcomeScale.range, scale: "this vault's outcome scale (haven config outcome-scale)")
    }
    guard let survivor, let stage, let date, ratings.count == OutcomeDomain.allCases.count,
      let assessment = try? NewOutcomeAssessment(
        stage: stage, date: date, ratings: ratings, referral: row.optional("referral").map(ReferralLink.init(parsing:)))
    else { return nil }
    return ImportedOutcome(survivor: survivor, assessment: assessment)
  }

  private static func consent(_ row: inout RowReader) -> ImportedConsent? {
    let survivor = row.required("survivor").map(SurvivorLocator.init)
    let purpose = row.checked("purpose", "not a consent purpose (support, statistics, evaluation, share:AGENCY, contact:METHOD)")
    {
      (try? ConsentPurpose(parsing: $0)) != nil
    }
    let decision = row.requiredTerm("decision", ConsentDecision.self)
    let date = row.requiredDate("date")
    let method = row.requiredTerm("method", ConsentMethod.self)
    let expires = row.date("expires")
    guard let survivor, let purpose, let decision, let date, let method else { return nil }
    do {
      let consent = try NewConsent(
        purpose: try ConsentPurpose(parsing: purpose), decision: decision, date: date, method: method, expires: expires)
      return ImportedConsent(survivor: survivor, consent: consent)
    } catch {
      row.problem("date", error.message)
      return nil
    }
  }
}

/// Reads typed cells from one row, recording a problem (row, column, reason) for each bad one.
struct RowReader {
  let number: Int
  let cells: [String: String]
  let vocabulary: ConfiguredVocabulary
  var problems: [ImportProblem] = []

  mutating func problem(_ column: String, _ reason: String) {
    problems.append(ImportProblem(row: number, column: column, reason: reason))
  }

  func optional(_ column: String) -> String? { cells[column] }

  mutating func required(_ column: String) -> String? {
    guard let value = cells[column] else {
      problem(column, "is required")
      return nil
    }
    return value
  }

  mutating func checked(_ column: String, _ reason: String, _ isValid: (String) -> Bool) -> String? {
    guard let value = cells[column] else { return nil }
    guard isValid(value) else {
      problem(column, reason)
      return nil
    }
    return value
  }

  mutating func date(_ column: String) -> CalendarDate? {
    guard let value = cells[column] else { return nil }
    guard let date = try? CalendarDate(parsing: value) else {
      problem(column, "not a valid date (use YYYY-MM-DD)")
      return nil
    }
    return date
  }

  mutating func requiredDate(_ column: String) -> CalendarDate? {
    guard cells[column] != nil else {
      problem(column, "is required")
      return nil
    }
    return date(column)
  }

  mutating func term<T: CaseTerm>(_ column: String, _: T.Type) -> T? {
    guard let value = cells[column] else { return nil }
    guard let term = try? vocabulary.term(value, T.self, field: column) else {
      problem(
        column,
        "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")) (or a spelling 'haven vocabulary list' shows)")
      return nil
    }
    return term
  }

  mutating func requiredTerm<T: CaseTerm>(_ column: String, _ type: T.Type) -> T? {
    guard cells[column] != nil else {
      problem(column, "is required")
      return nil
    }
    return term(column, type)
  }

  mutating func integer(_ column: String, in range: ClosedRange<Int>, scale: String? = nil) -> Int? {
    guard let value = cells[column] else {
      problem(column, "is required")
      return nil
    }
    guard let number = Int(value), range.contains(number) else {
      problem(column, "must be a whole number from \(range.lowerBound) to \(range.upperBound)\(scale.map { ", \($0)" } ?? "")")
      return nil
    }
    return number
  }
}
