import Foundation
import HavenExport
import HavenVault
import Testing

/// A synthetic partnership whose true figures are known by construction: each survivor `i`
/// follows a rule written out below, and the expected figures are counted from the same rules
/// by plain loops, independently of `ReportCounts`.
@Suite("The commissioner's report: every figure against a dataset whose truth is known")
struct ReportFigureTests {
  struct Person {
    let index: Int
    var consented: Bool { index % 10 < 8 }
    var refused: Bool { index % 10 == 9 }
    var referral: CalendarDate { ExportFixture.date("2024-04-01").adding(days: index * 7) }
    var secondReferral: Bool { index % 5 == 0 }
    var service: String { index % 2 == 0 ? "trauma-service" : "isva-service" }
    var pathway: Pathway { index % 3 == 0 ? .stovewood : .postCSE }
    var referrer: ReferrerType { index % 4 == 0 ? .police : .school }
    var allocated: Bool { index % 4 != 3 }
    var engaged: Bool { allocated && index % 2 == 0 }
    var closed: Bool { engaged && index % 3 != 2 }
    var gender: Gender { index % 2 == 0 ? .female : .male }
    var district: String { index < 30 ? "Rotherham" : "Sheffield" }
    var improvedEverywhereButTrauma: Bool { index % 4 == 0 }
  }

  static let people = (0..<40).map(Person.init)

  static func build(_ fixture: ExportFixture) throws {
    let wendy = try fixture.unlock("wendy")
    for person in people {
      let reference = try wendy.addSurvivor(
        team: "trauma-service",
        details: SurvivorDetails(
          name: "Person \(person.index)", dateOfBirth: ExportFixture.date("2000-01-01"), gender: person.gender,
          district: person.district, cohort: .victimSurvivor))
      if person.consented {
        _ = try wendy.recordConsent(
          reference, purpose: .statistics, decision: .granted, date: ExportFixture.date("2024-04-01"), method: .written)
      } else if person.refused {
        _ = try wendy.recordConsent(
          reference, purpose: .statistics, decision: .refused, date: ExportFixture.date("2024-04-01"), method: .written)
      }
      var referralDates = [person.referral]
      if person.secondReferral { referralDates.append(person.referral.adding(days: 3)) }
      for (number, date) in referralDates.enumerated() {
        let id = try wendy.addReferral(
          reference,
          NewReferral(date: date, referrerType: person.referrer, pathway: person.pathway, service: person.service))
        guard number == 0, person.allocated else { continue }
        try wendy.changeReferralStatus(id, ReferralStatusChange(status: .triaged, date: date.adding(days: 2)))
        try wendy.changeReferralStatus(
          id, ReferralStatusChange(status: .allocated, date: date.adding(days: 7), service: person.service, reason: "need"))
        guard person.engaged else { continue }
        try wendy.changeReferralStatus(id, ReferralStatusChange(status: .engaged, date: date.adding(days: 14)))
        if person.index % 6 == 0 {
          _ = try wendy.recordSession(
            reference, try NewSupportSession(date: date.adding(days: 10), minutes: 50, kind: .oneToOne, attendance: .didNotAttend)
          )
        }
        _ = try wendy.recordSession(
          reference, try NewSupportSession(date: date.adding(days: 14), minutes: 50, kind: .oneToOne, attendance: .attended))
        let start: [OutcomeDomain: Int] = [.wellbeing: 4, .selfRegard: 4, .trauma: 4, .relationships: 4]
        _ = try wendy.recordOutcome(
          reference, try NewOutcomeAssessment(stage: .start, date: date.adding(days: 14), ratings: start))
        guard person.closed else { continue }
        try wendy.changeReferralStatus(
          id, ReferralStatusChange(status: .closed, date: date.adding(days: 60), reason: "planned-ending"))
        let end: [OutcomeDomain: Int] =
          person.improvedEverywhereButTrauma
          ? [.wellbeing: 5, .selfRegard: 5, .trauma: 3, .relationships: 4]
          : [.wellbeing: 4, .selfRegard: 3, .trauma: 4, .relationships: 6]
        _ = try wendy.recordOutcome(reference, try NewOutcomeAssessment(stage: .end, date: date.adding(days: 60), ratings: end))
      }
    }
  }

  @Test("every figure of the report equals the truth counted from the dataset's rules; consent exclusions are reported")
  func figures() throws {
    let fixture = try ExportFixture()
    try Self.build(fixture)
    let counted = Self.people.filter(\.consented)
    let period = try ReportPeriod.financialYear("2024/25")
    // The exact figures (the internal method) against the truth; the released figures are
    // the same counts with bounded noise (checked at the end).
    let report = try ReportExport.figures(
      session: try fixture.unlock("rita"), period: period, filter: ReportFilter(), rules: DisclosureRules(threshold: 2),
      method: .exactInternal
    ).report

    func shown(_ table: PublishedTable, _ code: String, column: Int = 0) -> Int? {
      table.rows.first { ($0.code ?? "Total") == code }?.cells[column].value
    }
    #expect(report.survivorsCounted == counted.count)
    #expect(report.excludedForConsent == ["refused": 4, "not asked": 4])
    let referrals = counted.reduce(0) { $0 + ($1.secondReferral ? 2 : 1) }
    #expect(shown(report.headline, "received") == referrals)
    #expect(shown(report.headline, "received", column: 1) == counted.count)
    #expect(shown(report.headline, "started") == counted.filter(\.engaged).count)
    #expect(shown(report.headline, "started", column: 1) == counted.filter(\.engaged).count)
    #expect(shown(report.headline, "left") == counted.filter(\.closed).count)
    #expect(shown(report.headline, "left", column: 1) == counted.filter(\.closed).count)
    #expect(shown(report.funnel, "referred") == referrals)
    #expect(shown(report.funnel, "allocated") == counted.filter(\.allocated).count)
    #expect(shown(report.funnel, "engaged") == counted.filter(\.engaged).count)
    #expect(shown(report.funnel, "closed") == counted.filter(\.closed).count)

    // Every leaver has both ratings; wellbeing and self improve for i % 4 == 0 and are
    // maintained (wellbeing) or worse (self) otherwise; relationships always maintained or better.
    let leavers = counted.filter(\.closed)
    func percent(_ count: Int) -> Int { Int((Double(count) * 100 / Double(leavers.count)).rounded()) }
    // One closed referral per leaver, so both units give the same figures here.
    for outcomes in report.outcomes {
      #expect(outcomes.leaving.value == leavers.count)
      #expect(outcomes.recorded.percent == 100)
      #expect(outcomes.recorded.numerator.value == leavers.count)
      let byDomain = Dictionary(uniqueKeysWithValues: outcomes.domains.map { ($0.id, $0.percent) })
      #expect(byDomain["\(outcomes.id)-wellbeing"] == percent(leavers.count))
      #expect(byDomain["\(outcomes.id)-self"] == percent(leavers.filter(\.improvedEverywhereButTrauma).count))
      #expect(byDomain["\(outcomes.id)-trauma"] == percent(leavers.filter { !$0.improvedEverywhereButTrauma }.count))
      #expect(byDomain["\(outcomes.id)-relationships"] == percent(leavers.count))
      // Numerators and bases are published with the shares they belong to.
      let numerators = Dictionary(uniqueKeysWithValues: outcomes.domains.map { ($0.id, $0.numerator.value) })
      #expect(numerators["\(outcomes.id)-wellbeing"] == leavers.count)
      #expect(numerators["\(outcomes.id)-self"] == leavers.filter(\.improvedEverywhereButTrauma).count)
      #expect(outcomes.domains.allSatisfy { $0.base.value == leavers.count })
    }

    // Waiting: 14 days from each engaged person's first referral (a missed session at day 10 does
    // not count); a second referral 3 days later waits 11 days for the same first session, since
    // sessions are counted against every referral they follow.
    #expect(report.waitingReferrals.value == counted.filter(\.engaged).reduce(0) { $0 + ($1.secondReferral ? 2 : 1) })
    #expect(report.waitingMedianDays == "14")
    #expect(report.waitingP90Days == "14")

    let grid = report.tables.first { $0.id == "service-pathway" }!
    for service in ["isva-service", "trauma-service"] {
      for (column, pathway) in Pathway.allCases.enumerated() {
        let truth = counted.filter { $0.service == service && $0.pathway == pathway }.reduce(0) {
          $0 + ($1.secondReferral ? 2 : 1)
        }
        #expect(shown(grid, service, column: column) ?? 0 == truth, "\(service) \(pathway)")
      }
      #expect(
        shown(grid, service, column: Pathway.allCases.count)
          == counted.filter { $0.service == service }.reduce(0) { $0 + ($1.secondReferral ? 2 : 1) })
    }
    #expect(shown(grid, "Total", column: Pathway.allCases.count) == referrals)
    #expect(grid.rows.map(\.label).contains("Trauma Resilience Service"), "services print their display names")
    let referrer = report.tables.first { $0.id == "referrer-type" }!
    #expect(shown(referrer, "police") == counted.filter { $0.referrer == .police }.reduce(0) { $0 + ($1.secondReferral ? 2 : 1) })
    #expect(shown(referrer, "school") == counted.filter { $0.referrer == .school }.reduce(0) { $0 + ($1.secondReferral ? 2 : 1) })
    let district = report.tables.first { $0.id == "district" }!
    #expect(
      shown(district, "Sheffield") == counted.filter { $0.district == "Sheffield" }.reduce(0) { $0 + ($1.secondReferral ? 2 : 1) }
    )
    let age = report.tables.first { $0.id == "age-band" }!
    #expect(shown(age, "18-24") == referrals)
    #expect(shown(report.tables.first { $0.id == "cohort" }!, "victim-survivor") == referrals)
    #expect(referrer.rows.map(\.label).contains("Police"))

    // Released: every count within the table's maximum noise of the exact one, the same twice.
    let released = try ReportExport.make(
      session: try fixture.unlock("rita"), period: period, filter: ReportFilter(), rules: DisclosureRules(threshold: 2)
    ).report
    let again = try ReportExport.make(
      session: try fixture.unlock("rita"), period: period, filter: ReportFilter(), rules: DisclosureRules(threshold: 2)
    ).report
    #expect(released == again)
    #expect(released.method == .cellKey && released.maximumNoise == 2)
    for (exact, published) in zip(
      [report.headline, report.funnel] + report.tables, [released.headline, released.funnel] + released.tables)
    {
      for (exactRow, publishedRow) in zip(exact.rows, published.rows) {
        for (exactCell, publishedCell) in zip(exactRow.cells, publishedRow.cells) {
          guard let truth = exactCell.value, let shown = publishedCell.value else { continue }
          #expect(abs(truth - shown) <= released.maximumNoise, "\(exact.id) \(exactRow.label)")
          #expect((truth == 0) == (shown == 0), "zero stays zero and only zero is published as 0")
        }
      }
    }
  }

  @Test(
    "withdrawing statistics consent takes effect for the next report; a filter by service counts only its referrals (internal use)"
  )
  func withdrawalAndFilter() throws {
    let fixture = try ExportFixture()
    try Self.build(fixture)
    let period = try ReportPeriod.financialYear("2024/25")
    let before = try ReportExport.make(
      session: try fixture.unlock("rita"), period: period, filter: ReportFilter(), rules: DisclosureRules(threshold: 2)
    ).report
    let wendy = try fixture.unlock("wendy")
    let first = try wendy.findSurvivors(by: .name("Person 0")).first!.reference
    _ = try wendy.recordConsent(
      first, purpose: .statistics, decision: .withdrawn, date: CalendarDate.today(), method: .written)
    let after = try ReportExport.make(
      session: try fixture.unlock("rita"), period: period, filter: ReportFilter(), rules: DisclosureRules(threshold: 2)
    ).report
    #expect(after.survivorsCounted == before.survivorsCounted - 1)
    #expect(after.excludedForConsent["withdrawn"] == 1)

    // One service is a cut for the vault's own use (released reports cover every service).
    let isva = try ReportExport.figures(
      session: try fixture.unlock("rita"), period: period, filter: ReportFilter(service: "isva-service"),
      rules: DisclosureRules(threshold: 2), method: .exactInternal
    ).report
    let truth = Self.people.filter { $0.consented && $0.service == "isva-service" }.reduce(0) { $0 + ($1.secondReferral ? 2 : 1) }
    #expect(isva.headline.rows[0].cells[0].value == truth)
    #expect(throws: VaultError.self) {
      try ReportExport.make(
        session: try fixture.unlock("rita"), period: period, filter: ReportFilter(service: "isva-service"),
        rules: DisclosureRules(threshold: 2))
    }
  }
}

@Suite("A report does not stop the service working")
struct ReportConcurrencyTests {
  @Test("a worker records a new survivor while the report is reading, without waiting for it; both accesses are audited")
  func workersWriteDuringReport() throws {
    let fixture = try ExportFixture()
    try ReportFigureTests.build(fixture)
    let rita = try fixture.unlock("rita")
    let wendy = try fixture.unlock("wendy")
    var wrote = false
    var took: TimeInterval = 0
    _ = try rita.readStatisticalCases(consentFor: .statistics) { _ in
      guard !wrote else { return }
      wrote = true
      let start = Date()
      _ = try wendy.addSurvivor(team: "trauma-service", details: SurvivorDetails(name: "Recorded During Report"))
      took = Date().timeIntervalSince(start)
    }
    #expect(wrote)
    #expect(took < 2, "the write waited \(took) s for the report")
    let entries = try fixture.unlock("ada").auditLog(
      {
        var filter = AuditFilter()
        filter.action = "statistics.read"
        return filter
      }())
    #expect(entries.count == 2)
    #expect(entries.first?.detail?.hasPrefix("begun") == true)
    #expect(try AuditVerifier(vaultPath: fixture.path).verify().isIntact)
  }
}
