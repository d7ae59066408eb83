/// The SQL fragments that are spelled differently by SQLite and PostgreSQL. Everything else the
/// vault writes is the common subset (`?` placeholders, `coalesce`, `ON CONFLICT`, `RETURNING`).
public struct StoreDialect: Sendable {
  public let kind: StoreKind

  /// The scalar maximum of several values (`max(a, b, ...)` in SQLite, `greatest` in PostgreSQL).
  public var greatest: String {
    switch kind {
    case .sqlite: "max"
    case .postgres: "greatest"
    }
  }

  /// The column that gives a table without a key its insertion order (SQLite's rowid; the server
  /// schema's `seq` identity column).
  public var insertionOrder: String {
    switch kind {
    case .sqlite: "rowid"
    case .postgres: "seq"
    }
  }

  /// True when `needle` (a bound text) occurs in `column`.
  public func contains(_ column: String, placeholder: String = "?") -> String {
    switch kind {
    case .sqlite: "instr(\(column), \(placeholder)) > 0"
    case .postgres: "strpos(\(column), \(placeholder)) > 0"
    }
  }
}
