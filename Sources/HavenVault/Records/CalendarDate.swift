import Foundation

/// A calendar date (`YYYY-MM-DD`), validated, with no time zone: dates of birth, referrals and
/// sessions are days, not instants.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
  public let year: Int
  public let month: Int
  public let day: Int

  public init(parsing text: String, field: String = "date") throws(VaultError) {
    // Read the ten bytes directly: dates are decrypted by the million in reports.
    var bytes = Array(text.utf8)[...]
    while bytes.first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
    while bytes.last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for offset in range {
        let byte = bytes[bytes.startIndex + offset]
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }
    guard bytes.count == 10, bytes[bytes.startIndex + 4] == UInt8(ascii: "-"), bytes[bytes.startIndex + 7] == UInt8(ascii: "-"),
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      (1900...2200).contains(year), (1...12).contains(month), (1...CalendarDate.days(inMonth: month, year: year)).contains(day)
    else { throw .invalidArgument("\(field) '\(text)' is not a valid date (use YYYY-MM-DD)") }
    self.year = year
    self.month = month
    self.day = day
  }

  public static func today() -> CalendarDate {
    let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
    return (try? CalendarDate(parsing: String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)))!
  }

  public var description: String {
    "\(DecimalText.padded(year, width: 4))-\(DecimalText.padded(month, width: 2))-\(DecimalText.padded(day, width: 2))"
  }

  public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// Whole years from this date to `other`.
  func age(on other: CalendarDate) -> Int? {
    guard self <= other else { return nil }
    var years = other.year - year
    if (other.month, other.day) < (month, day) { years -= 1 }
    return years
  }

  /// Days from this date to `other` (negative if `other` is earlier).
  public func days(until other: CalendarDate) -> Int {
    other.dayNumber - dayNumber
  }

  /// The date `days` later (or earlier, if negative).
  public func adding(days: Int) -> CalendarDate {
    CalendarDate(dayNumber: dayNumber + days)
  }

  /// The inverse of `dayNumber` (Howard Hinnant's civil-from-days).
  init(dayNumber: Int) {
    let z = dayNumber + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let dayOfEra = z - era * 146097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthPrime = (5 * dayOfYear + 2) / 153
    day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
    month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// Days since 1970-01-01 (proleptic Gregorian), for differences.
  var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146097 + dayOfEra - 719468
  }

  private static func days(inMonth month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}
