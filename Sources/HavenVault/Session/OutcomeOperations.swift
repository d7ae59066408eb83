import Foundation
import HavenStore

extension VaultSession {
  public func recordOutcome(_ reference: SurvivorReference, _ assessment: NewOutcomeAssessment) throws(VaultError) -> Int64 {
    try withCaseFile(reference, action: .outcomeCreate, bodyAudits: true) { db, row, keys in
      try insertOutcome(db, row, keys, assessment)
    }
  }

  public func outcomes(_ reference: SurvivorReference) throws(VaultError) -> [OutcomeAssessment] {
    try withCaseFile(reference, action: .outcomeRead) { db, row, keys in try decodeOutcomes(db, row, keys) }
  }

  /// `scale`: the vault's outcome scale when the caller has read it already (an import, once).
  func insertOutcome(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ assessment: NewOutcomeAssessment,
    scale: OutcomeScale? = nil
  ) throws -> Int64 {
    try Self.checkRatings(assessment.ratings, on: try scale ?? outcomeScale(db))
    let referralID = try assessment.referral.map { try resolveReferral(db, row, keys, $0) }
    let id = try nextID(db, table: "outcome_assessments")
    func sealed(_ field: String, _ value: String, _ protection: FieldProtection = .statistics) -> Data? {
      keys.column(value, table: "outcome_assessment", id: id, field: field, protection)
    }
    try db.cachedStatement(
      sql: """
        INSERT INTO outcome_assessments (id, survivor_id, stage, assessed_on, wellbeing, self, trauma, relationships, recorded_by,
          created_at, referral) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      id, row.id, sealed("stage", assessment.stage.rawValue), sealed("assessed_on", assessment.date.description),
      sealed("wellbeing", String(assessment.ratings[.wellbeing]!)), sealed("self", String(assessment.ratings[.selfRegard]!)),
      sealed("trauma", String(assessment.ratings[.trauma]!)),
      sealed("relationships", String(assessment.ratings[.relationships]!)),
      sealed("recorded_by", user.name, .team), Timestamp.now(),
      referralID.flatMap { sealed("referral", String($0)) },
    ])
    try record(db, action: .outcomeCreate, target: "outcome_assessment:\(id)", subject: try subject(db, row, keys))
    return id
  }

  /// Ratings must lie on the vault's declared scale.
  static func checkRatings(_ ratings: [OutcomeDomain: Int], on scale: OutcomeScale) throws(VaultError) {
    for domain in OutcomeDomain.allCases where !scale.range.contains(ratings[domain] ?? -1) {
      throw VaultError.invalidArgument(
        "\(domain.rawValue) rating \(ratings[domain] ?? -1) is outside this vault's outcome scale \(scale) "
          + "(haven config outcome-scale)")
    }
  }

  func decodeOutcomes(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [OutcomeAssessment] {
    try StoreRow.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM outcome_assessments WHERE survivor_id = ? ORDER BY id"), arguments: [row.id]
    ).map {
      stored in
      let id: Int64 = stored["id"]
      func text(_ field: String, _ protection: FieldProtection = .statistics) throws -> String {
        try keys.requiredColumn(stored, table: "outcome_assessment", id: id, field: field, protection)
      }
      var ratings: [OutcomeDomain: Int] = [:]
      for domain in OutcomeDomain.allCases {
        guard let rating = Int(try text(domain.rawValue)) else {
          throw VaultError.databaseDamaged("outcome \(id) has a bad rating")
        }
        ratings[domain] = rating
      }
      return OutcomeAssessment(
        id: id, stage: try OutcomeStage.parse(try text("stage"), field: "stage"),
        date: try CalendarDate(parsing: try text("assessed_on")),
        ratings: ratings, recordedBy: try text("recorded_by", .team),
        referralID: try keys.column(stored, table: "outcome_assessment", id: id, field: "referral", .statistics).map {
          try ReferralLink.storedID($0, in: "outcome \(id)")
        })
    }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }
}
