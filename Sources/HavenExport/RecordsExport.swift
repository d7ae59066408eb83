import HavenVault

/// What one row of a record-level export stands for.
public enum RecordUnit: String, Sendable, CaseIterable {
  /// Each referral received in the period.
  case referral
  /// Each survivor whose support ended in the period (their latest closure).
  case leaver
}

/// Makes the pseudonymised record-level export (`haven export records`) for service evaluation:
/// only survivors whose evaluation consent is in effect; no direct identifier, no free text;
/// survivor ids replaced by a pseudonym keyed for this recipient; dates coarsened to month;
/// age as the band at referral; place as district; then k-anonymity over age band, gender,
/// district and cohort before anything is written.
public enum RecordsExport {
  public static let columns =
    [
      "pseudonym", "referral_month", "service", "pathway", "referrer_type", "age_band", "gender", "district", "cohort",
      "status_at_period_end", "allocated_month", "engaged_month", "closed_month", "closure_reason", "sessions_attended",
    ] + OutcomeDomain.allCases.flatMap { ["\($0.rawValue)_start", "\($0.rawValue)_end"] }

  public struct Summary: Sendable {
    public let rowsConsidered: Int
    public let rowsWritten: Int
    public let steps: [String]
  }

  public static func make(
    session: VaultSession, recipient: RecipientPublicKey, period: ReportPeriod, unit: RecordUnit, filter: ReportFilter,
    anonymizer: KAnonymizer, on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (summary: Summary, request: ExportSigner.Request) {
    var rows: [[String: String]] = []
    let consent = try session.readStatisticalCases(
      consentFor: .evaluation, on: day, pseudonymsFor: recipient.key, target: "records"
    ) { survivor in
      rows += Self.rows(for: survivor, unit: unit, period: period, filter: filter)
    }
    let identifiers = rows.map {
      QuasiIdentifiers(ageBand: $0["age_band"]!, gender: $0["gender"]!, district: $0["district"]!, cohort: $0["cohort"]!)
    }
    let outcome = anonymizer.apply(identifiers, people: rows.map { $0["pseudonym"]! })
    let sheet = try CSVText(header: columns)
    for (index, generalised) in outcome.kept {
      var row = rows[index]
      row["age_band"] = generalised.ageBand
      row["gender"] = generalised.gender
      row["district"] = generalised.district
      row["cohort"] = generalised.cohort
      try sheet.row(columns.map { row[$0] ?? "" })
    }
    let notes =
      [
        "One row per \(unit.rawValue); only survivors whose consent to pseudonymised evaluation exports was in effect.",
        "No names, contact details, references, notes or workers; dates are months; age is the band at referral; place is the district.",
        "Pseudonyms are keyed for this recipient: they are stable across your exports and cannot be linked with another recipient's.",
        "k-anonymity with k = \(anonymizer.k) over age band, gender, district and cohort (counted in people).",
      ] + (outcome.steps.isEmpty ? ["No generalisation or suppression was needed."] : outcome.steps)
    let summary = Summary(rowsConsidered: rows.count, rowsWritten: outcome.kept.count, steps: outcome.steps)
    var parameters = [
      "from": period.from.description, "to": period.to.description, "unit": unit.rawValue, "k": String(anonymizer.k),
      "rows": String(outcome.kept.count), "rows_suppressed": String(outcome.suppressedRows),
    ]
    if let service = filter.service { parameters["service"] = service }
    if let pathway = filter.pathway { parameters["pathway"] = pathway.rawValue }
    let request = ExportSigner.Request(
      kind: "records", title: "\(session.vault.metadata.name): pseudonymised \(unit.rawValue) records, \(period.label)",
      parameters: parameters, consent: consent, disclosureNotes: notes,
      entries: [ExportEntry(name: "records.csv", mediaType: "text/csv; charset=utf-8", text: sheet.finish())],
      auditCheckpoint: try session.latestCheckpoint())
    return (summary, request)
  }

  static func rows(
    for survivor: StatisticalCase, unit: RecordUnit, period: ReportPeriod, filter: ReportFilter
  ) -> [[String: String]] {
    let admitted = survivor.referrals.filter(filter.admits)
    let chosen: [StatisticalReferral]
    switch unit {
    case .referral:
      chosen = admitted.filter { period.contains($0.date) }
    case .leaver:
      chosen =
        admitted.filter { $0.firstDate(of: .closed).map(period.contains) ?? false }
        .max { $0.firstDate(of: .closed)! < $1.firstDate(of: .closed)! }.map { [$0] } ?? []
    }
    return chosen.map { referral in row(referral, of: survivor, period: period) }
  }

  private static func row(_ referral: StatisticalReferral, of survivor: StatisticalCase, period: ReportPeriod) -> [String: String]
  {
    func month(_ date: CalendarDate?) -> String { date.map { String($0.description.prefix(7)) } ?? "" }
    let asOfEnd = referral.events.filter { $0.date <= period.to }
    let closed = referral.firstDate(of: .closed)
    let until = closed ?? period.to
    var row: [String: String] = [
      "pseudonym": survivor.pseudonym ?? "", "referral_month": month(referral.date), "service": referral.service,
      "pathway": referral.pathway.rawValue, "referrer_type": referral.referrerType.rawValue,
      "age_band": referral.ageBand.rawValue,
      "gender": survivor.gender?.rawValue ?? ReportCounts.notRecorded, "district": survivor.district ?? ReportCounts.notRecorded,
      "cohort": survivor.cohort?.rawValue ?? ReportCounts.notRecorded,
      "status_at_period_end": asOfEnd.last?.status.rawValue ?? ReferralStatus.referred.rawValue,
      "allocated_month": month(referral.firstDate(of: .allocated)), "engaged_month": month(referral.firstDate(of: .engaged)),
      "closed_month": month(closed), "closure_reason": referral.events.first { $0.status == .closed }?.reason ?? "",
      "sessions_attended": String(
        survivor.sessions.filter { $0.attendance == .attended && $0.date >= referral.date && $0.date <= until }.count),
    ]
    if let closed, let pair = OutcomePair(referral: referral, closed: closed, outcomes: survivor.outcomes) {
      for domain in OutcomeDomain.allCases {
        row["\(domain.rawValue)_start"] = pair.start.ratings[domain].map(String.init) ?? ""
        row["\(domain.rawValue)_end"] = pair.end.ratings[domain].map(String.init) ?? ""
      }
    }
    return row
  }
}
