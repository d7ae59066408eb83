import Foundation
import GRDB

/// Appends audit entries. Callers pass the `Database` of the transaction that performs the access,
/// so the entry commits or rolls back together with it: there is no access without its entry.
/// Entries hold ids, user and team names and key versions, never case content or secrets.
enum AuditLog {
  static func append(
    _ db: Database, actor: Int64?, action: AuditAction, target: String? = nil, outcome: AuditOutcome = .ok,
    detail: String? = nil
  ) throws {
    try db.execute(
      sql: "INSERT INTO audit_entries (recorded_at, actor_user_id, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
      arguments: [Timestamp.now(), actor, action.rawValue, target, outcome.rawValue, detail])
  }
}

/// UTC timestamps in ISO 8601 with seconds, the one format stored everywhere.
enum Timestamp {
  static func now() -> String {
    Date().formatted(.iso8601)
  }
}
