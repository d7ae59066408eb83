import Foundation
import HavenImport
import HavenVault

/// A refused import on the terminal: the first problems as they are, then every problem
/// summarised by column and reason, and the whole list in a CSV file when asked for
/// (`--problems-out`). Nothing is left out and no cell's value is printed.
enum ImportProblemReport {
  static let examples = 20
  static let rowsPerGroup = 8

  static func present(_ problems: [ImportProblem], file: String, problemsOut: String?) throws -> CommandLineFailure {
    let list = ImportProblemList(problems)
    for problem in problems.prefix(examples) { Console.note("haven: \(TerminalText.escape(problem.description))") }
    if problems.count > examples {
      Console.note("haven: all \(problems.count) problems, by column and reason:")
      for group in list.groups {
        let rows = group.rows.prefix(rowsPerGroup).map(String.init).joined(separator: ", ")
        let more = group.rows.count > rowsPerGroup ? ", ..." : ""
        Console.note(
          "haven:   column \(TerminalText.escape(group.column)): \(TerminalText.escape(group.reason)): "
            + "\(group.rows.count) row(s) (\(rows)\(more))")
      }
    }
    if let problemsOut {
      try OutputFile.create(problemsOut, bytes: Array(try list.csv().utf8))
      Console.note("haven: every problem (row, column, reason) is in \(problemsOut)")
    }
    return CommandLineFailure(
      message: "\(file) was not imported: \(problems.count) problem(s) in \(list.rowCount) row(s); nothing was written",
      hint: problemsOut == nil && problems.count > examples
        ? "--problems-out FILE.csv writes every problem (row, column, reason; never a cell's value)" : nil,
      exitCode: HavenExitCode.dataError)
  }
}
