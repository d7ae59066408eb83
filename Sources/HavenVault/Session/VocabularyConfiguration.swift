import HavenStore

/// One configured alias, as `haven vocabulary list` shows it.
public struct VocabularyAlias: Sendable, Equatable {
  public let list: String
  public let alias: String
  public let term: String
}

extension VaultSession {
  /// The vault's configured vocabulary (configuration, not case content; audited as a settings read).
  public func vocabulary() throws(VaultError) -> ConfiguredVocabulary {
    try transaction { db in
      try record(db, action: .settingsRead, target: "vocabulary")
      return try configuredVocabulary(db)
    }
  }

  /// Every configured alias, by list and alias.
  public func vocabularyAliases() throws(VaultError) -> [VocabularyAlias] {
    try transaction { db in
      try record(db, action: .settingsRead, target: "vocabulary")
      return try StoreRow.fetchAll(db, sql: "SELECT list, alias, term FROM vocabulary_aliases ORDER BY list, alias").map {
        VocabularyAlias(list: $0["list"], alias: $0["alias"], term: $0["term"])
      }
    }
  }

  func configuredVocabulary(_ db: StoreDatabase) throws -> ConfiguredVocabulary {
    var aliases: [String: [String: String]] = [:]
    for row in try StoreRow.fetchAll(db, sql: "SELECT list, alias, term FROM vocabulary_aliases") {
      aliases[row["list"] as String, default: [:]][row["alias"] as String] = row["term"] as String
    }
    return ConfiguredVocabulary(aliases: aliases, outcomeScale: try outcomeScale(db))
  }

  /// Teaches a closed list another spelling of one of its terms (admin; audited). The alias is
  /// stored normalised; it may not be a term of the list or already mean something else.
  public func addVocabularyAlias(list: String, alias: String, term: String) throws(VaultError) {
    try authorize(.manageTeams, action: .settingsChange, target: "vocabulary:\(list)")
    guard let terms = ConfiguredVocabulary.lists[list] else {
      throw .invalidArgument(
        "no closed list named '\(list)' (lists: \(ConfiguredVocabulary.lists.keys.sorted().joined(separator: ", ")))")
    }
    guard terms.contains(term) else {
      throw .invalidArgument("'\(term)' is not a term of \(list): \(terms.joined(separator: ", "))")
    }
    try FieldText.check(alias, field: "alias", .singleLine)
    let normalized = ReferrerType.normalize(alias)
    guard !normalized.isEmpty, normalized.count <= 64 else { throw .invalidArgument("an alias is 1 to 64 characters") }
    guard !terms.contains(normalized) else { throw .invalidArgument("'\(alias)' is already a term of \(list)") }
    try transaction { db in
      if let existing = try String.fetchOne(
        db, sql: "SELECT term FROM vocabulary_aliases WHERE list = ? AND alias = ?", arguments: [list, normalized])
      {
        throw VaultError.alreadyExists(kind: "alias", name: "\(normalized) (means \(existing))")
      }
      try db.execute(
        sql: "INSERT INTO vocabulary_aliases (list, alias, term, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
        arguments: [list, normalized, term, user.id, Timestamp.now()])
      try record(db, action: .settingsChange, target: "vocabulary:\(list)", detail: "alias for \(term)")
    }
  }

  static let outcomeScaleSetting = "outcome_scale"

  func outcomeScale(_ db: StoreDatabase) throws -> OutcomeScale {
    guard
      let text = try String.fetchOne(
        db, sql: "SELECT value FROM vault_settings WHERE name = ?", arguments: [Self.outcomeScaleSetting])
    else { return .standard }
    return try OutcomeScale(parsing: text)
  }

  public func outcomeScale() throws(VaultError) -> OutcomeScale {
    try transaction { db in
      try record(db, action: .settingsRead, target: "setting:\(Self.outcomeScaleSetting)")
      return try outcomeScale(db)
    }
  }

  /// Declares the scale outcome ratings are given on (admin; audited). A scale may widen at any
  /// time; it may narrow only while no outcome is recorded, since no admin key can read the
  /// ratings already stored to check they fit.
  public func setOutcomeScale(_ scale: OutcomeScale) throws(VaultError) {
    try authorize(.manageUsers, action: .settingsChange, target: "setting:\(Self.outcomeScaleSetting)")
    try transaction { db in
      let current = try outcomeScale(db)
      let recorded = try Int.fetchOne(db, sql: "SELECT count(*) FROM outcome_assessments") ?? 0
      guard current.fits(within: scale) || recorded == 0 else {
        throw VaultError.invalidArgument(
          "the outcome scale can only widen once ratings are recorded (\(recorded) outcome(s) on \(current)); \(scale) would not hold them"
        )
      }
      try db.execute(
        sql: "INSERT INTO vault_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        arguments: [Self.outcomeScaleSetting, scale.description])
      try record(db, action: .settingsChange, target: "setting:\(Self.outcomeScaleSetting)", detail: scale.description)
    }
  }
}
