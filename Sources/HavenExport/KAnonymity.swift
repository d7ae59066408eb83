import HavenVault

/// The quasi-identifiers of a pseudonymised row: the attributes someone who knows a survivor
/// could match on.
public struct QuasiIdentifiers: Hashable, Sendable {
  public var ageBand: String
  public var gender: String
  public var district: String
  public var cohort: String

  public init(ageBand: String, gender: String, district: String, cohort: String) {
    self.ageBand = ageBand
    self.gender = gender
    self.district = district
    self.cohort = cohort
  }
}

/// Makes a set of rows k-anonymous over their quasi-identifiers: every combination that
/// appears is shared by at least k different people. Generalises step by step (broader age
/// bands, then fewer gender groups, then rare districts as "other") until at most 5% of rows
/// still fail, then suppresses those rows. Says what it did (docs/export.md, "k-anonymity").
public struct KAnonymizer: Sendable {
  public let k: Int
  /// Rows that may be suppressed instead of generalising further, as a share of all rows.
  public let suppressionBudget: Double

  public init(k: Int = 5, suppressionBudget: Double = 0.05) {
    self.k = k
    self.suppressionBudget = suppressionBudget
  }

  public struct Outcome: Sendable {
    /// Indexes of the rows kept, and their (possibly generalised) quasi-identifiers.
    public let kept: [(index: Int, identifiers: QuasiIdentifiers)]
    public let suppressedRows: Int
    public let steps: [String]
  }

  /// `people[i]` is the pseudonym of row i: a class is counted in people, not rows.
  public func apply(_ identifiers: [QuasiIdentifiers], people: [String]) -> Outcome {
    var current = identifiers
    var steps: [String] = []
    let generalisations: [(String, ([QuasiIdentifiers]) -> [QuasiIdentifiers])] = [
      (
        "age bands broadened to 0-17, 18-34, 35-54, 55+",
        {
          $0.map {
            var q = $0; q.ageBand = Self.broadAgeBand(q.ageBand); return q
          }
        }
      ),
      (
        "genders other than female and male grouped as 'other or not stated'",
        {
          $0.map {
            var q = $0; q.gender = ["female", "male"].contains(q.gender) ? q.gender : "other or not stated"; return q
          }
        }
      ),
      ("districts with fewer than \(k) people grouped as 'other'", { self.groupRareDistricts($0, people: people) }),
    ]
    var failing = failingRows(current, people: people)
    for (description, generalise) in generalisations {
      if Double(failing.count) <= suppressionBudget * Double(current.count) { break }
      current = generalise(current)
      steps.append(description)
      failing = failingRows(current, people: people)
    }
    if !failing.isEmpty { steps.append("\(failing.count) row(s) in groups of fewer than \(k) people suppressed") }
    let kept = current.indices.filter { !failing.contains($0) }.map { (index: $0, identifiers: current[$0]) }
    return Outcome(kept: kept, suppressedRows: failing.count, steps: steps)
  }

  /// Rows whose quasi-identifier combination is shared by fewer than k people.
  public func failingRows(_ identifiers: [QuasiIdentifiers], people: [String]) -> Set<Int> {
    var members: [QuasiIdentifiers: Set<String>] = [:]
    for (index, key) in identifiers.enumerated() { members[key, default: []].insert(people[index]) }
    return Set(identifiers.indices.filter { members[identifiers[$0]]!.count < k })
  }

  static func broadAgeBand(_ band: String) -> String {
    switch band {
    case AgeBand.under11.rawValue, AgeBand.from11To15.rawValue, AgeBand.from16To17.rawValue: "0-17"
    case AgeBand.from18To24.rawValue, AgeBand.from25To34.rawValue: "18-34"
    case AgeBand.from35To44.rawValue, AgeBand.from45To54.rawValue: "35-54"
    default: band
    }
  }

  private func groupRareDistricts(_ identifiers: [QuasiIdentifiers], people: [String]) -> [QuasiIdentifiers] {
    var members: [String: Set<String>] = [:]
    for (index, key) in identifiers.enumerated() { members[key.district, default: []].insert(people[index]) }
    return identifiers.map {
      var q = $0; if members[q.district]!.count < k { q.district = "other" }; return q
    }
  }
}
