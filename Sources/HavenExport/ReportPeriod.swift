import HavenVault

/// The dates a report covers, inclusive. UK public bodies report by financial year, 1 April to
/// 31 March, written `2023/24`.
public struct ReportPeriod: Sendable, Equatable, Codable {
  public let from: CalendarDate
  public let to: CalendarDate
  public let label: String

  public init(from: CalendarDate, to: CalendarDate) throws(VaultError) {
    guard from <= to else { throw .invalidArgument("the period starts (\(from)) after it ends (\(to))") }
    self.from = from
    self.to = to
    self.label = "\(from) to \(to)"
  }

  /// `2023/24` (or `2023/2024`): 1 April 2023 to 31 March 2024.
  public static func financialYear(_ text: String) throws(VaultError) -> ReportPeriod {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let start = Int(parts[0]), parts[0].count == 4, let end = Int(parts[1]),
      end == (parts[1].count == 2 ? (start + 1) % 100 : start + 1)
    else { throw .invalidArgument("financial year '\(text)' is not like 2023/24 (1 April 2023 to 31 March 2024)") }
    let period = try ReportPeriod(
      from: try CalendarDate(parsing: "\(start)-04-01"), to: try CalendarDate(parsing: "\(start + 1)-03-31"))
    return ReportPeriod(
      from: period.from, to: period.to, label: "financial year \(start)/\(String(format: "%02d", (start + 1) % 100))")
  }

  private init(from: CalendarDate, to: CalendarDate, label: String) {
    self.from = from
    self.to = to
    self.label = label
  }

  public func contains(_ date: CalendarDate) -> Bool { from <= date && date <= to }
}
