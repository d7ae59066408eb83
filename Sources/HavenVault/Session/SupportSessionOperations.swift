import Foundation
import HavenStore

extension VaultSession {
  public func recordSession(_ reference: SurvivorReference, _ session: NewSupportSession) throws(VaultError) -> Int64 {
    try session.checkText()
    return try withCaseFile(reference, action: .sessionCreate, bodyAudits: true) { db, row, keys in
      try insertSession(db, row, keys, session)
    }
  }

  public func supportSessions(_ reference: SurvivorReference) throws(VaultError) -> [SupportSession] {
    try withCaseFile(reference, action: .sessionRead) { db, row, keys in try decodeSessions(db, row, keys) }
  }

  /// One session's notes, for a worker to edit them (an audited read of that session only).
  public func sessionNotes(_ sessionID: Int64) throws(VaultError) -> String? {
    try withRecord(.supportSession, id: sessionID, action: .sessionRead) { db, _, keys in
      try Self.notes(db, sessionID, keys)
    }
  }

  /// Replaces a session's notes with `notes`, provided they are still `expected` (what the
  /// editor was opened on): a change made meanwhile by someone else is refused (exit 75), not
  /// overwritten.
  public func updateSessionNotes(_ sessionID: Int64, from expected: String?, to notes: String) throws(VaultError) {
    try FieldText.check(notes, field: "notes", .longText)
    try withRecord(.supportSession, id: sessionID, action: .sessionUpdate, detail: "notes") { db, _, keys in
      guard try Self.notes(db, sessionID, keys) == expected else {
        throw VaultError.changedMeanwhile("the notes of support session \(sessionID)")
      }
      try db.execute(
        sql: "UPDATE support_sessions SET notes = ? WHERE id = ?",
        arguments: [keys.column(notes, table: "support_session", id: sessionID, field: "notes", .team), sessionID])
    }
  }

  private static func notes(_ db: StoreDatabase, _ sessionID: Int64, _ keys: borrowing CaseKeys) throws -> String? {
    guard let stored = try StoreRow.fetchOne(db, sql: "SELECT notes FROM support_sessions WHERE id = ?", arguments: [sessionID])
    else { throw VaultError.notFound(kind: "support session", name: String(sessionID)) }
    return try keys.column(stored, table: "support_session", id: sessionID, field: "notes", .team)
  }

  func insertSession(
    _ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys, _ session: NewSupportSession
  ) throws -> Int64 {
    let referralID = try session.referral.map { try resolveReferral(db, row, keys, $0) }
    let id = try nextID(db, table: "support_sessions")
    func sealed(_ value: String?, _ field: String, _ protection: FieldProtection = .statistics) -> Data? {
      keys.column(value, table: "support_session", id: id, field: field, protection)
    }
    try db.cachedStatement(
      sql: """
        INSERT INTO support_sessions (id, survivor_id, session_date, minutes, kind, attendance, worker, notes, created_at,
          referral) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      id, row.id, sealed(session.date.description, "session_date"), sealed(String(session.minutes), "minutes"),
      sealed(session.kind.rawValue, "kind"), sealed(session.attendance.rawValue, "attendance"),
      sealed(session.worker ?? user.name, "worker", .team), sealed(session.notes, "notes", .team), Timestamp.now(),
      sealed(referralID.map(String.init), "referral"),
    ])
    try record(db, action: .sessionCreate, target: "support_session:\(id)", subject: try subject(db, row, keys))
    return id
  }

  func decodeSessions(_ db: StoreDatabase, _ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> [SupportSession] {
    try StoreRow.fetchAll(
      db.cachedStatement(sql: "SELECT * FROM support_sessions WHERE survivor_id = ? ORDER BY id"), arguments: [row.id]
    ).map {
      stored in
      let id: Int64 = stored["id"]
      func text(_ field: String, _ protection: FieldProtection = .statistics) throws -> String? {
        try keys.column(stored, table: "support_session", id: id, field: field, protection)
      }
      guard let minutes = Int(try text("minutes") ?? "") else {
        throw VaultError.databaseDamaged("support session \(id) has no valid minutes")
      }
      return SupportSession(
        id: id, date: try CalendarDate(parsing: try text("session_date") ?? ""), minutes: minutes,
        kind: try SessionKind.parse(try text("kind") ?? "", field: "kind"),
        attendance: try Attendance.parse(try text("attendance") ?? "", field: "attendance"),
        worker: try text("worker", .team) ?? "", notes: try text("notes", .team),
        referralID: try text("referral").map { try ReferralLink.storedID($0, in: "support session \(id)") })
    }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
  }
}
