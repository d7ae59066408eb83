/// The Cell Key Method's perturbation table (docs/export.md, "Disclosure control"): for a true
/// count and its cell key (0...255), the noise added before publication. The same cell always
/// gets the same noise, so asking twice gives the same number, and a difference of two releases
/// is a difference of noises, not a count of people. Each row divides the 256 cell keys among
/// noise values in ascending order; the table is published so recipients know what was done
/// (the record keys behind the cell keys are secret, so nobody can undo it).
public struct PerturbationTable: Sendable, Equatable {
  /// One row: (noise, how many of the 256 cell keys give it), in ascending noise order.
  public let rows: [[(noise: Int, keys: Int)]]

  /// The largest noise in either direction.
  public var maximumNoise: Int { rows.flatMap { $0.map { abs($0.noise) } }.max() ?? 0 }

  /// Haven's table. Zero is never perturbed (an empty cell stays empty and nothing counted is
  /// ever published as 0). For 3 and above: 0 with probability 1/2, +-1 with 44/256 each, +-2
  /// with 20/256 each (mean 0, variance 0.97). 1 and 2 are never published below 1; they always
  /// read `<5` at the default threshold whatever their noise.
  public static let standard = PerturbationTable(rows: [
    [(0, 256)],
    [(0, 128), (1, 84), (2, 44)],
    [(-1, 44), (0, 128), (1, 44), (2, 40)],
    [(-2, 20), (-1, 44), (0, 128), (1, 44), (2, 20)],
  ])

  init(rows: [[(noise: Int, keys: Int)]]) {
    precondition(rows.allSatisfy { $0.reduce(0) { $0 + $1.keys } == 256 })
    self.rows = rows
  }

  /// The noise for a true count whose cell key is `cellKey`; counts past the last row use it.
  public func noise(count: Int, cellKey: UInt8) -> Int {
    var remaining = Int(cellKey)
    for entry in rows[min(count, rows.count - 1)] {
      if remaining < entry.keys { return entry.noise }
      remaining -= entry.keys
    }
    preconditionFailure("a perturbation row covers all 256 cell keys")
  }

  /// The count as published.
  public func perturbed(_ tally: CellTally) -> Int {
    tally.count + noise(count: tally.count, cellKey: tally.cellKey)
  }

  public static func == (left: PerturbationTable, right: PerturbationTable) -> Bool {
    left.rows.map { $0.map(\.noise) } == right.rows.map { $0.map(\.noise) }
      && left.rows.map { $0.map(\.keys) } == right.rows.map { $0.map(\.keys) }
  }
}
