import HavenExport
import Testing

/// Checks suppression from the attacker's side: for every suppressed cell, find another table
/// that agrees with everything published (shown cells, every total relation, no negative
/// counts) but differs in that cell. If one exists, the cell cannot be recomputed.
@Suite("Disclosure control: small counts suppressed, and none recoverable from totals or differences")
struct DisclosureControlTests {
  /// Searches perturbations with entries -1, 0, 1 over the hidden cells (enough for the cycles
  /// that hide cells in one- and two-way tables), independently of the implementation's algebra.
  static func hasAlternative(_ table: ProtectedTable, cell: Int) -> Bool {
    let hidden = table.protection.indices.filter { table.protection[$0] != .shown }
    guard hidden.count <= 10 else { return true }
    let slot = Dictionary(uniqueKeysWithValues: hidden.enumerated().map { ($1, $0) })
    var delta = Array(repeating: 0, count: hidden.count)
    func consistent() -> Bool {
      for relation in table.relations {
        var sum = -(slot[relation.total].map { delta[$0] } ?? 0)
        for part in relation.parts { sum += slot[part].map { delta[$0] } ?? 0 }
        if sum != 0 { return false }
      }
      return hidden.indices.allSatisfy { table.values[hidden[$0]] + delta[$0] >= 0 }
    }
    func search(_ position: Int) -> Bool {
      if position == hidden.count { return delta[slot[cell]!] != 0 && consistent() }
      for value in [-1, 0, 1] {
        delta[position] = value
        if search(position + 1) { return true }
      }
      delta[position] = 0
      return false
    }
    return search(0)
  }

  static func grid(_ interior: [[Int]]) -> ProtectedTable {
    let rows = interior.count
    let columns = interior[0].count
    let width = columns + 1
    var values: [Int] = []
    for row in interior { values += row + [row.reduce(0, +)] }
    values += (0..<columns).map { c in interior.reduce(0) { $0 + $1[c] } } + [interior.joined().reduce(0, +)]
    var relations: [(total: Int, parts: [Int])] = []
    for r in 0...rows { relations.append((total: r * width + columns, parts: (0..<columns).map { r * width + $0 })) }
    for c in 0...columns { relations.append((total: rows * width + c, parts: (0..<rows).map { $0 * width + c })) }
    return ProtectedTable(values: values, relations: relations, pinned: [values.count - 1])
  }

  @Test("a one-way table: the <5 cell and the smallest other cell are hidden; the total stays")
  func oneWay() {
    var table = ProtectedTable(values: [3, 10, 12, 25], relations: [(total: 3, parts: [0, 1, 2])], pinned: [3])
    table.protect(threshold: 5)
    #expect(table.protection == [.primary, .secondary, .shown, .shown])
    #expect(table.recoverableCells().isEmpty)
    #expect(Self.hasAlternative(table, cell: 0))
  }

  @Test("2,000 random one- and two-way tables: every 1-4 is hidden, every shown value is true, no hidden cell recoverable")
  func randomTables() {
    var generator = SystemRandomNumberGenerator()
    var hiddenCells = 0
    for trial in 0..<2000 {
      var table: ProtectedTable
      if trial % 2 == 0 {
        let cells = (0..<Int.random(in: 2...6, using: &generator)).map { _ in
          Int.random(in: 0...3, using: &generator) == 0
            ? Int.random(in: 0...4, using: &generator) : Int.random(in: 0...30, using: &generator)
        }
        table = ProtectedTable(
          values: cells + [cells.reduce(0, +)], relations: [(total: cells.count, parts: Array(cells.indices))],
          pinned: [cells.count])
      } else {
        let rows = Int.random(in: 2...3, using: &generator)
        let columns = Int.random(in: 2...3, using: &generator)
        table = Self.grid(
          (0..<rows).map { _ in
            (0..<columns).map { _ in
              Int.random(in: 0...2, using: &generator) == 0
                ? Int.random(in: 0...4, using: &generator) : Int.random(in: 5...25, using: &generator)
            }
          })
      }
      table.protect(threshold: 5)
      for (index, value) in table.values.enumerated() {
        if (1...4).contains(value) { #expect(table.protection[index] == .primary) }
        if table.protection[index] == .primary { #expect((1...4).contains(value)) }
      }
      // A hidden zero may be pinned by a published zero total: it discloses nothing (zeros are
      // published anyway), so only hidden positive counts must stay unrecoverable.
      for index in table.protection.indices where table.protection[index] != .shown && table.values[index] > 0 {
        hiddenCells += 1
        #expect(Self.hasAlternative(table, cell: index), "cell \(index) of \(table.values) recoverable")
      }
      #expect(table.recoverableCells().isEmpty)
    }
    #expect(hiddenCells > 500)
  }

  @Test("counts are never negative: a zero total pins its hidden parts, and the count it exposes is protected")
  func nonNegativity() {
    // Found by the random search: hiding the two zeros of the first row looked safe to a solver
    // that allowed negative counts, but a published row total of 0 makes both zeros, so the
    // middle column was determined and the 4 in the column totals with it.
    var table = Self.grid([[0, 0], [2, 20], [2, 0]])
    table.protect(threshold: 5)
    for index in table.protection.indices where table.protection[index] != .shown && table.values[index] > 0 {
      #expect(Self.hasAlternative(table, cell: index), "cell \(index) of \(table.values) recoverable")
    }
    #expect(table.recoverableCells().isEmpty)
  }

  @Test("shares: no percentage where the base is small or the count or its complement is 1-4")
  func shares() {
    let rules = DisclosureRules(threshold: 5)
    #expect(!rules.allowsShare(count: 3, base: 4))
    #expect(!rules.allowsShare(count: 2, base: 20))
    #expect(!rules.allowsShare(count: 18, base: 20))
    #expect(rules.allowsShare(count: 10, base: 20))
    #expect(rules.allowsShare(count: 20, base: 20))
    #expect(rules.minimumForQuantiles == 10)
  }

  @Test("financial years run 1 April to 31 March; bad periods are refused")
  func periods() throws {
    let year = try ReportPeriod.financialYear("2023/24")
    #expect(year.from.description == "2023-04-01" && year.to.description == "2024-03-31")
    #expect(try ReportPeriod.financialYear("2023/2024") == year)
    for bad in ["2023", "2023/25", "23/24", "2023-24"] {
      #expect(throws: (any Error).self) { try ReportPeriod.financialYear(bad) }
    }
  }
}
