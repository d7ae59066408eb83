/// How a published count is shown.
public enum CellProtection: String, Sendable, Codable {
  case shown
  /// 1 to threshold-1: shown as "<5".
  case primary
  /// Hidden only so that a primary cell cannot be worked out from a total or a difference.
  case secondary
}

/// A set of published counts and the additive relations between them (a total equals the sum of
/// its parts). Cells that are small are suppressed (primary); then more cells are suppressed
/// (secondary) until no suppressed cell can be worked out exactly from the published cells and
/// the relations: each suppressed cell must stay a free variable of the linear system (checked
/// exactly, by Gaussian elimination over the suppressed cells). docs/export.md cites the
/// guidance followed.
public struct ProtectedTable: Sendable {
  public private(set) var values: [Int]
  public private(set) var protection: [CellProtection]
  /// Each relation: the cell that is the total, and the cells that sum to it.
  public let relations: [(total: Int, parts: [Int])]
  /// Cells published elsewhere in the same output (a total repeated in the headline), so never
  /// chosen for secondary suppression.
  public let pinned: Set<Int>

  public init(values: [Int], relations: [(total: Int, parts: [Int])], pinned: Set<Int> = []) {
    self.values = values
    self.protection = Array(repeating: .shown, count: values.count)
    self.relations = relations
    self.pinned = pinned
  }

  /// Applies primary suppression (1...threshold-1) and then secondary suppression.
  public mutating func protect(threshold: Int) {
    for (index, value) in values.enumerated() where value > 0 && value < threshold {
      protection[index] = .primary
    }
    while applySecondarySuppression() {}
  }

  /// Hides one more cell to protect a recoverable one; false when nothing is recoverable or
  /// nothing is left to hide. Prefers a cell whose hiding makes the exposed cell unrecoverable
  /// at once; among those, the smallest positive part (totals stay visible where they can).
  private mutating func applySecondarySuppression() -> Bool {
    for exposed in recoverableCells() {
      let candidates = complementCandidates(for: exposed)
      guard !candidates.isEmpty else { continue }
      let fixing = candidates.first { candidate in
        var trial = self
        trial.protection[candidate] = .secondary
        return !trial.recoverableCells().contains(exposed)
      }
      protection[fixing ?? candidates[0]] = .secondary
      return true
    }
    return false
  }

  /// The suppressed cells an attacker could compute exactly from what is published. Counts are
  /// never negative, and an attacker knows it: hidden cells that must sum to zero (a published
  /// zero total, or a total equal to its published parts, or any combination of relations that
  /// comes to that) are each zero, so they are as good as published and may pin a neighbour.
  /// Such zeros are moved to the published side until none is left, then each remaining hidden
  /// cell must stay a free variable of the linear system.
  public func recoverableCells() -> [Int] {
    var known = Set(protection.indices.filter { protection[$0] == .shown })
    while true {
      let hidden = protection.indices.filter { !known.contains($0) }
      guard !hidden.isEmpty else { return [] }
      let column = Dictionary(uniqueKeysWithValues: hidden.enumerated().map { ($1, $0) })
      // One row per relation over the hidden cells (parts - total = 0), published cells moved to
      // the right-hand side, which is the last column.
      var matrix: [[Double]] = relations.compactMap { relation in
        var row = Array(repeating: 0.0, count: hidden.count + 1)
        if let c = column[relation.total] { row[c] -= 1 } else { row[hidden.count] += Double(values[relation.total]) }
        for part in relation.parts {
          if let c = column[part] { row[c] += 1 } else { row[hidden.count] -= Double(values[part]) }
        }
        return row[..<hidden.count].contains { $0 != 0 } ? row : nil
      }
      let pivots = Self.reduce(&matrix, columns: hidden.count)
      var zeros: [Int] = []
      var determined: [Int] = []
      for (row, pivot) in pivots.enumerated() {
        let terms = (0..<hidden.count).filter { abs(matrix[row][$0]) > 1e-9 }
        if abs(matrix[row][hidden.count]) < 1e-9
          && (terms.allSatisfy { matrix[row][$0] > 0 } || terms.allSatisfy { matrix[row][$0] < 0 })
        {
          zeros += terms.map { hidden[$0] }
        } else if terms == [pivot] {
          determined.append(hidden[pivot])
        }
      }
      if zeros.isEmpty { return determined.sorted() }
      known.formUnion(zeros)
    }
  }

  /// Published, unpinned cells sharing a relation with `cell`, best first: positive before
  /// zero (hiding a known zero protects nothing), parts before totals, smaller before larger.
  private func complementCandidates(for cell: Int) -> [Int] {
    var candidates: [(cell: Int, rank: (Int, Int, Int))] = []
    for relation in relations where relation.total == cell || relation.parts.contains(cell) {
      for candidate in relation.parts + [relation.total]
      where protection[candidate] == .shown && candidate != cell && !pinned.contains(candidate)
        && !candidates.contains(where: { $0.cell == candidate })
      {
        candidates.append(
          (candidate, (values[candidate] > 0 ? 0 : 1, candidate == relation.total ? 1 : 0, values[candidate])))
      }
    }
    return candidates.sorted { $0.rank < $1.rank }.map(\.cell)
  }

  /// Reduced row echelon form in place; returns the pivot column of each nonzero row.
  private static func reduce(_ matrix: inout [[Double]], columns: Int) -> [Int] {
    var pivots: [Int] = []
    var row = 0
    for column in 0..<columns where row < matrix.count {
      guard let pivotRow = (row..<matrix.count).first(where: { abs(matrix[$0][column]) > 1e-9 }) else { continue }
      matrix.swapAt(row, pivotRow)
      let scale = matrix[row][column]
      matrix[row] = matrix[row].map { $0 / scale }
      for other in 0..<matrix.count where other != row && abs(matrix[other][column]) > 1e-9 {
        let factor = matrix[other][column]
        matrix[other] = zip(matrix[other], matrix[row]).map { $0 - factor * $1 }
      }
      pivots.append(column)
      row += 1
    }
    return pivots
  }
}

/// The rules a report is published under (docs/export.md, "Disclosure control").
public struct DisclosureRules: Sendable, Equatable {
  /// Counts from 1 to threshold-1 are suppressed; 0 is shown.
  public var threshold: Int
  /// Median and 90th percentile need at least this many values.
  public var minimumForQuantiles: Int

  public init(threshold: Int = 5) {
    self.threshold = threshold
    self.minimumForQuantiles = 2 * threshold
  }

  /// A share is shown only when its base is published and neither the count nor the rest of
  /// the base is a small number (either would let a reader recover a suppressed count).
  public func allowsShare(count: Int, base: Int) -> Bool {
    guard base >= threshold else { return false }
    let small = 1..<threshold
    return !small.contains(count) && !small.contains(base - count)
  }
}
