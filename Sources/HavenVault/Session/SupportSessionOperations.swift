import Foundation
import GRDB

extension VaultSession {
  public func recordSession(_ reference: SurvivorReference, _ session: NewSupportSession) throws(VaultError) -> Int64 {
    try withCaseFile(reference, action: .sessionCreate) { db, row, keys in try insertSession(db, row, keys, session) }
  }

  public func supportSessions(_ reference: SurvivorReference) throws(VaultError) -> [SupportSession] {
    try withCaseFile(reference, action: .sessionRead) { db, row, keys in try decodeSessions(db, row, keys) }
  }

  func insertSession(_ db: Database, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ session: NewSupportSession) throws -> Int64
  {
    let id = try nextID(db, table: "support_sessions")
    func at(_ field: String, _ protection: FieldProtection) -> FieldLocation {
      FieldLocation(table: "support_session", recordID: id, field: field, protection: protection)
    }
    try db.execute(
      sql: """
        INSERT INTO support_sessions (id, survivor_id, session_date, minutes, kind, attendance, worker, notes, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        id, row.id, Data(keys.seal(session.date.description, at: at("session_date", .statistics))),
        Data(keys.seal(String(session.minutes), at: at("minutes", .statistics))),
        Data(keys.seal(session.kind.rawValue, at: at("kind", .statistics))),
        Data(keys.seal(session.attendance.rawValue, at: at("attendance", .statistics))),
        Data(keys.seal(session.worker ?? user.name, at: at("worker", .team))),
        keys.sealOptional(session.notes, at: at("notes", .team)).map { Data($0) }, Timestamp.now(),
      ])
    try AuditLog.append(db, actor: user.id, action: .sessionCreate, target: "support_session:\(id)")
    return id
  }

  func decodeSessions(_ db: Database, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [SupportSession] {
    try Row.fetchAll(db, sql: "SELECT * FROM support_sessions WHERE survivor_id = ? ORDER BY id", arguments: [row.id]).map {
      stored in
      let id: Int64 = stored["id"]
      func text(_ field: String, _ protection: FieldProtection) throws -> String? {
        guard let data = stored[field] as Data? else { return nil }
        return try keys.open(
          [UInt8](data), at: FieldLocation(table: "support_session", recordID: id, field: field, protection: protection))
      }
      guard let minutes = Int(try text("minutes", .statistics) ?? "") else {
        throw VaultError.databaseDamaged("support session \(id) has no valid minutes")
      }
      return SupportSession(
        id: id, date: try CalendarDate(parsing: try text("session_date", .statistics) ?? ""), minutes: minutes,
        kind: try SessionKind.parse(try text("kind", .statistics) ?? "", field: "kind"),
        attendance: try Attendance.parse(try text("attendance", .statistics) ?? "", field: "attendance"),
        worker: try text("worker", .team) ?? "", notes: try text("notes", .team))
    }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }
}
