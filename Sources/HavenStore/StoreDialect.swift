/// The SQL fragments that are spelled differently by SQLite and PostgreSQL. Everything else the
/// vault writes is the common subset (`?` placeholders, `coalesce`, `ON CONFLICT`, `RETURNING`).
public struct StoreDialect: Sendable {
  public let kind: StoreKind

  /// True when `needle` (a bound text) occurs in `column`.
  public func contains(_ column: String, placeholder: String = "?") -> String {
    switch kind {
    case .sqlite: "instr(\(column), \(placeholder)) > 0"
    case .postgres: "strpos(\(column), \(placeholder)) > 0"
    }
  }
}
