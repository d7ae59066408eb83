import CSV
import Foundation
import HavenVault

/// Every problem of a refused import, in forms a person can work through: a summary by column
/// and reason (how many rows, and the first of them), and the whole list as CSV (row, column,
/// reason). Never a cell's value: a cell may be a name.
public struct ImportProblemList: Sendable {
  public struct Group: Sendable, Equatable {
    public let column: String
    public let reason: String
    /// Rows with this problem, in file order.
    public internal(set) var rows: [Int]
  }

  public let problems: [ImportProblem]

  public init(_ problems: [ImportProblem]) { self.problems = problems }

  /// How many distinct rows have at least one problem (row 0 is the header).
  public var rowCount: Int { Set(problems.map(\.row)).count }

  /// Problems grouped by column and reason, the most frequent first (ties in file order).
  public var groups: [Group] {
    var found: [Group] = []
    var position: [String: Int] = [:]
    for problem in problems {
      let key = problem.column + "\u{0}" + problem.reason
      if let at = position[key] {
        found[at].rows.append(problem.row)
      } else {
        position[key] = found.count
        found.append(Group(column: problem.column, reason: problem.reason, rows: [problem.row]))
      }
    }
    return found.enumerated().sorted { first, second in
      first.element.rows.count > second.element.rows.count
        || (first.element.rows.count == second.element.rows.count && first.offset < second.offset)
    }.map(\.element)
  }

  /// `row,column,reason`, one line per problem (RFC 4180 quoting by CSV.swift).
  public func csv() throws(VaultError) -> String {
    let stream = OutputStream(toMemory: ())
    do {
      let writer = try CSVWriter(stream: stream)
      try writer.write(row: ["row", "column", "reason"])
      for problem in problems { try writer.write(row: [String(problem.row), problem.column, problem.reason]) }
      writer.stream.close()
    } catch {
      throw .storageFailure("could not write the problems as CSV")
    }
    let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
