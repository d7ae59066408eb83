/// A vault's vocabulary as configured: the spellings an admin added to the closed lists (on top
/// of each list's built-in aliases) and the outcome scale. Imports parse with it.
public struct ConfiguredVocabulary: Sendable, Equatable {
  /// List name (`referrer-type`) -> normalised alias -> term.
  public let aliases: [String: [String: String]]
  public let outcomeScale: OutcomeScale

  public init(aliases: [String: [String: String]] = [:], outcomeScale: OutcomeScale = .standard) {
    self.aliases = aliases
    self.outcomeScale = outcomeScale
  }

  /// Parses `text` as a term of `T`: the term, a built-in alias, or one configured for its list.
  public func term<T: CaseTerm>(_ text: String, _: T.Type, field: String) throws(VaultError) -> T {
    try T.parse(text, field: field, aliases: aliases[T.listName] ?? [:])
  }

  /// The closed lists that take configured aliases.
  private static let types: [any CaseTerm.Type] = [
    ReferrerType.self, Pathway.self, Gender.self, Cohort.self, SessionKind.self, Attendance.self, OutcomeStage.self,
    ConsentDecision.self, ConsentMethod.self, AllocationReason.self, ClosureReason.self,
  ]

  /// Those lists by name, with their terms.
  public static let lists: [String: [String]] = Dictionary(uniqueKeysWithValues: types.map { ($0.listName, $0.rawValues) })

  /// Their built-in aliases by list name (alias -> term), as `haven vocabulary list` shows them.
  public static let builtInAliases: [String: [String: String]] = Dictionary(
    uniqueKeysWithValues: types.map { ($0.listName, $0.builtInAliasTerms) })
}

extension CaseTerm {
  static var rawValues: [String] { allCases.map(\.rawValue) }
  static var builtInAliasTerms: [String: String] { builtInAliases.mapValues(\.rawValue) }
}
