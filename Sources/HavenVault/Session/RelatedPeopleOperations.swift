import Foundation
import HavenStore

extension VaultSession {
  public func addRelatedPerson(_ reference: SurvivorReference, _ person: RelatedPerson) throws(VaultError) -> Int64 {
    try person.checkText()
    guard !person.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidArgument("name must not be empty") }
    return try withCaseFile(reference, action: .relatedCreate) { db, row, keys in try insertRelatedPerson(db, row, keys, person) }
  }

  func insertRelatedPerson(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ person: RelatedPerson
  ) throws -> Int64 {
    let id = try nextID(db, table: "related_people")
    func sealed(_ field: String, _ value: String?) -> Data? {
      keys.column(value, table: "related_person", id: id, field: field, .team)
    }
    try db.execute(
      sql: """
        INSERT INTO related_people (id, survivor_id, relationship, name, phone, email, address, notes, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        id, row.id, sealed("relationship", person.relationship.rawValue), sealed("name", person.name),
        sealed("phone", person.phone),
        sealed("email", person.email), sealed("address", person.address), sealed("notes", person.notes), Timestamp.now(),
      ])
    return id
  }

  public func relatedPeople(_ reference: SurvivorReference) throws(VaultError) -> [RelatedPerson] {
    try withCaseFile(reference, action: .relatedRead) { db, row, keys in try decodeRelatedPeople(db, row, keys) }
  }

  func decodeRelatedPeople(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [RelatedPerson] {
    try StoreRow.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM related_people WHERE survivor_id = ? ORDER BY id"), arguments: [row.id]
    ).map {
      stored in
      let id: Int64 = stored["id"]
      func text(_ field: String) throws -> String? {
        try keys.column(stored, table: "related_person", id: id, field: field, .team)
      }
      return RelatedPerson(
        id: id, relationship: try Relationship.parse(try text("relationship") ?? "", field: "relationship"),
        name: try text("name") ?? "",
        phone: try text("phone"), email: try text("email"), address: try text("address"), notes: try text("notes"))
    }
  }

  /// Assembles the whole case file inside the caller's transaction.
  func buildFile(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> SurvivorFile {
    let reference = try SurvivorReference(
      parsing: try keys.open(row.envelopes[.reference] ?? [], at: SurvivorField.reference.location(row.id)))
    return SurvivorFile(
      id: row.id, reference: reference, team: try TeamRecord.withID(row.teamID, db)?.name ?? "?",
      details: try decodeDetails(row, keys),
      safeContact: try decodeSafeContact(row, keys), relatedPeople: try decodeRelatedPeople(db, row, keys),
      referrals: try decodeReferrals(db, row, keys), sessions: try decodeSessions(db, row, keys),
      outcomes: try decodeOutcomes(db, row, keys),
      createdAt: row.createdAt, updatedAt: row.updatedAt)
  }
}
