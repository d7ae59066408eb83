import CSV
import Foundation
import HavenExport
import HavenVault
import Testing

@Suite("Pseudonymised record exports: consent, k-anonymity, per-recipient pseudonyms, no identifiers")
struct RecordsExportTests {
  /// 36 survivors; evaluation consent for two in three; genders and districts varied so that
  /// some combinations are rare and must be generalised or suppressed.
  static func build(_ fixture: ExportFixture) throws {
    let wendy = try fixture.unlock("wendy")
    for index in 0..<36 {
      let reference = try wendy.addSurvivor(
        team: "trauma-service",
        details: SurvivorDetails(
          name: "Canary Recordsperson \(index)", dateOfBirth: ExportFixture.date(index % 2 == 0 ? "2009-05-01" : "1990-05-01"),
          gender: index % 9 == 1 ? .nonBinary : (index % 2 == 0 ? .female : .male), postcode: "S60 1AA",
          district: index % 12 == 2 ? "Leeds" : "Rotherham", phone: "07700 900123", cohort: .victimSurvivor,
          notes: "Canary note \(index)"))
      if index % 3 != 0 {
        _ = try wendy.recordConsent(
          reference, purpose: .evaluation, decision: .granted, date: ExportFixture.date("2024-04-01"), method: .written)
      }
      _ = try wendy.addReferral(
        reference,
        NewReferral(
          date: ExportFixture.date("2024-05-01").adding(days: index), referrerType: .police, referrerRole: "DC Canary",
          pathway: .postCSE, service: "trauma-service"))
    }
  }

  static func rows(_ request: ExportSigner.Request) throws -> [[String: String]] {
    let text = String(decoding: request.entries[0].contents, as: UTF8.self)
    let reader = try CSVReader(string: text, hasHeaderRow: true)
    var rows: [[String: String]] = []
    while reader.next() != nil {
      rows.append(reader.currentRow.map { Dictionary(uniqueKeysWithValues: zip(reader.headerRow!, $0)) }!)
    }
    return rows
  }

  @Test("only consenting survivors; every quasi-identifier combination covers at least k people; nothing identifying")
  func consentAndKAnonymity() throws {
    let fixture = try ExportFixture()
    try Self.build(fixture)
    let recipient = try TestRecipient()
    let made = try RecordsExport.make(
      session: try fixture.unlock("rita"), recipient: recipient.publicKey, period: try ReportPeriod.financialYear("2024/25"),
      unit: .referral, filter: ReportFilter(), anonymizer: KAnonymizer(k: 5))
    #expect(made.request.consent?.included == 24)
    #expect(made.request.consent?.excluded == ["not asked": 12])
    #expect(made.summary.rowsConsidered == 24)
    let rows = try Self.rows(made.request)
    #expect(rows.count == made.summary.rowsWritten)
    #expect(made.summary.rowsWritten + Int(made.request.parameters["rows_suppressed"]!)! == 24)
    var classes: [String: Set<String>] = [:]
    for row in rows {
      classes[[row["age_band"]!, row["gender"]!, row["district"]!, row["cohort"]!].joined(separator: "|"), default: []]
        .insert(row["pseudonym"]!)
      #expect(row["referral_month"]!.count == 7)
    }
    #expect(classes.values.allSatisfy { $0.count >= 5 })
    #expect(!made.summary.steps.isEmpty)
    let text = String(decoding: made.request.entries[0].contents, as: UTF8.self)
    for canary in ["Canary", "HV-", "S60", "07700", "2009-05-01", "DC "] { #expect(!text.contains(canary)) }
  }

  @Test("pseudonyms are stable for one recipient and unlinkable between two")
  func pseudonyms() throws {
    let fixture = try ExportFixture()
    try Self.build(fixture)
    let first = try TestRecipient()
    let second = try TestRecipient()
    func pseudonyms(_ recipient: RecipientPublicKey) throws -> Set<String> {
      let made = try RecordsExport.make(
        session: try fixture.unlock("rita"), recipient: recipient, period: try ReportPeriod.financialYear("2024/25"),
        unit: .referral, filter: ReportFilter(), anonymizer: KAnonymizer(k: 2))
      return Set(try Self.rows(made.request).map { $0["pseudonym"]! })
    }
    let a = try pseudonyms(first.publicKey)
    #expect(a.count > 10)
    #expect(try pseudonyms(first.publicKey) == a)
    #expect(try pseudonyms(second.publicKey).isDisjoint(with: a))
  }

  @Test("a worker cannot make a statistical export: refused and audited")
  func workerRefused() throws {
    let fixture = try ExportFixture()
    let recipient = try TestRecipient()
    #expect(throws: VaultError.self) {
      _ = try RecordsExport.make(
        session: try fixture.unlock("wendy"), recipient: recipient.publicKey, period: try ReportPeriod.financialYear("2024/25"),
        unit: .referral, filter: ReportFilter(), anonymizer: KAnonymizer())
    }
  }

  @Test("the k-anonymizer on its own: classes below k are generalised, then suppressed")
  func anonymizer() {
    let common = QuasiIdentifiers(ageBand: "18-24", gender: "female", district: "Rotherham", cohort: "victim-survivor")
    var identifiers = Array(repeating: common, count: 10)
    var people = (0..<10).map { "p\($0)" }
    identifiers.append(QuasiIdentifiers(ageBand: "25-34", gender: "other", district: "Leeds", cohort: "victim-survivor"))
    people.append("lonely")
    let outcome = KAnonymizer(k: 5, suppressionBudget: 0.0).apply(identifiers, people: people)
    #expect(outcome.suppressedRows == 1)
    #expect(outcome.kept.count == 10)
    #expect(outcome.steps.count == 4)
  }
}
