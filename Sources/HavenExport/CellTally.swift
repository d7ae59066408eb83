import HavenVault

/// One true count as a report accumulates it, with the Cell Key Method's cell key: the sum of
/// the counted records' record keys mod 256 (`CellKeys` in the vault). Tallies add: the tally of
/// a total is the sum of its parts' tallies, so a total's cell key is that of its records.
public struct CellTally: Sendable, Equatable, Codable {
  public private(set) var count = 0
  public private(set) var cellKey: UInt8 = 0

  public init() {}

  init(count: Int, cellKey: UInt8) {
    self.count = count
    self.cellKey = cellKey
  }

  mutating func add(_ recordKey: UInt8) {
    count += 1
    cellKey &+= recordKey
  }

  static func + (left: CellTally, right: CellTally) -> CellTally {
    CellTally(count: left.count + right.count, cellKey: left.cellKey &+ right.cellKey)
  }

  static func sum<S: Sequence>(_ tallies: S) -> CellTally where S.Element == CellTally {
    tallies.reduce(CellTally(), +)
  }
}
