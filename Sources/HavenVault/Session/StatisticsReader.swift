import Foundation

/// What the `reporting` role may count: the survivors whose consent covers statistics today, and
/// how many were left out and why (consent is enforced, not advisory: docs/consent.md).
public struct StatisticsRead: Sendable {
  public let survivors: [SurvivorStatistics]
  /// Left out, by reason: "not asked", "refused", "withdrawn", "expired".
  public let excluded: [String: Int]
}

/// The statistical attributes of one survivor, as the `reporting` role reads them: no name, no
/// contact detail, no note, and no reference (the id is the vault's internal row number).
public struct SurvivorStatistics: Sendable, Equatable {
  public let survivorID: Int64
  public let gender: Gender?
  public let district: String?
  public let cohort: Cohort?
}

extension VaultSession {
  /// Every consenting survivor's statistical attributes across all teams (a small-vault
  /// convenience over `readStatisticalCases`, which streams).
  public func survivorStatistics(on day: CalendarDate = CalendarDate.today()) throws(VaultError) -> StatisticsRead {
    var survivors: [SurvivorStatistics] = []
    let summary = try readStatisticalCases(consentFor: .statistics, on: day) { found in
      survivors.append(
        SurvivorStatistics(survivorID: found.survivorID, gender: found.gender, district: found.district, cohort: found.cohort))
    }
    return StatisticsRead(survivors: survivors, excluded: summary.excluded)
  }
}
