/// One reason an import file was refused: which row (1 = the first data row after the header),
/// which column, and why. Never the cell's content, which may be a name.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
  public let row: Int
  public let column: String
  public let reason: String

  public init(row: Int, column: String, reason: String) {
    self.row = row
    self.column = column
    self.reason = reason
  }

  public var description: String { "row \(row), column \(column): \(reason)" }
}
