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
    let parts = text.trimmingCharacters(in: .whitespaces).uppercased().split(separator: "-")
    guard parts.count == 3, parts[0] == "HV", parts[1].count == 4, let year = Int(parts[1]),
      (1...7).contains(parts[2].count), let number = Int(parts[2]), number > 0
    else { throw .invalidArgument("'\(text)' is not a survivor reference (like HV-2024-00017)") }
    self.init(year: year, number: number)
  }

  public var description: String { "HV-\(DecimalText.padded(year, width: 4))-\(DecimalText.padded(number, width: 5))" }
}
