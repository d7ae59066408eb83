import Foundation

/// A survivor's human reference, `HV-YYYY-NNNNN`: the year the record was created and a number
/// counted per year across the vault. Stored encrypted and found through a blind index.
public struct SurvivorReference: Sendable, Hashable, CustomStringConvertible {
  public let year: Int
  public let number: Int

  init(year: Int, number: Int) {
    self.year = year
    self.number = number
  }

  public init(parsing text: String) throws(VaultError) {
    // References read back from the vault are always in this exact form (every lookup parses
    // one): read the bytes, and leave trimming and case folding to what a person typed.
    if let canonical = Self.canonical(text) {
      self = canonical
      return
    }
    let parts = text.trimmingCharacters(in: .whitespaces).uppercased().split(separator: "-")
    guard parts.count == 3, parts[0] == "HV", parts[1].count == 4, let year = Int(parts[1]),
      (1...7).contains(parts[2].count), let number = Int(parts[2]), number > 0
    else { throw .invalidArgument("'\(text)' is not a survivor reference (like HV-2024-00017)") }
    self.init(year: year, number: number)
  }

  /// `HV-` four digits `-` one to seven digits (not all zero), exactly; nil for anything else.
  private static func canonical(_ text: String) -> SurvivorReference? {
    var utf8 = text.utf8.makeIterator()
    guard utf8.next() == UInt8(ascii: "H"), utf8.next() == UInt8(ascii: "V"), utf8.next() == UInt8(ascii: "-") else {
      return nil
    }
    var year = 0
    for _ in 0..<4 {
      guard let byte = utf8.next(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
      year = year * 10 + Int(byte - UInt8(ascii: "0"))
    }
    guard utf8.next() == UInt8(ascii: "-") else { return nil }
    var number = 0
    var digits = 0
    while let byte = utf8.next() {
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 7 else { return nil }
      number = number * 10 + Int(byte - UInt8(ascii: "0"))
      digits += 1
    }
    guard digits > 0, number > 0 else { return nil }
    return SurvivorReference(year: year, number: number)
  }

  public var description: String { "HV-\(DecimalText.padded(year, width: 4))-\(DecimalText.padded(number, width: 5))" }
}
