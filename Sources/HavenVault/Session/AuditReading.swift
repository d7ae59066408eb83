import Foundation
import HavenCrypto
import HavenStore

/// Which entries an auditor wants. Every criterion narrows; none means all.
public struct AuditFilter: Sendable {
  public var user: String?
  public var survivor: SurvivorReference?
  /// An action (`survivor.read`) or a prefix ending in a dot (`survivor.`).
  public var action: String?
  /// Inclusive bounds on the entry time (ISO 8601 text compares in time order).
  public var since: String?
  public var until: String?
  public var breakGlassOnly = false
  /// Refused attempts (`denied`) and failed unlocks (`failed`) only.
  public var refusedOnly = false

  public init() {}
}

/// One audit entry as an auditor reads it: user names resolved, the reason decrypted.
public struct AuditLogLine: Sendable, Equatable {
  public let seq: Int64
  public let time: String
  public let user: String?
  public let action: String
  public let target: String?
  public let subject: String?
  public let outcome: String
  public let detail: String?
  public let reason: String?
  public let breakGlass: Bool
}

/// Access per user over a period, and the patterns worth a look.
public struct AuditReport: Sendable {
  public struct UserActivity: Sendable, Equatable {
    public let user: String
    public let reads: Int
    public let writes: Int
    public let refused: Int
    public let breakGlass: Int
    public let outOfHours: Int
  }
  public let since: String
  public let until: String
  public let users: [UserActivity]
  /// Plain-language flags, one per pattern found.
  public let flags: [String]
}

extension VaultSession {
  /// Reads the log (auditors and admins). The read itself is audited.
  public func auditLog(_ filter: AuditFilter) throws(VaultError) -> [AuditLogLine] {
    try authorize(.readAuditLog, action: .auditRead, target: "audit")
    return try transaction { db in
      let lines = try readLog(db, filter)
      try record(db, action: .auditRead, target: "audit", detail: "\(lines.count) entries")
      return lines
    }
  }

  /// Summarises access per user over a period and flags break-glass uses, refused attempts,
  /// reads outside working hours (before 08:00 or from 18:00 UTC, or at weekends) and volume far
  /// above the users' median.
  public func auditReport(since: String, until: String) throws(VaultError) -> AuditReport {
    try authorize(.readAuditLog, action: .auditReport, target: "audit")
    return try transaction { db in
      var filter = AuditFilter()
      filter.since = since
      filter.until = until
      let lines = try readLog(db, filter)
      var byUser: [String: (reads: Int, writes: Int, refused: Int, breakGlass: Int, outOfHours: Int)] = [:]
      for line in lines {
        let name = line.user ?? "(unknown user)"
        var activity = byUser[name] ?? (0, 0, 0, 0, 0)
        let isRead = AuditReading.readActions.contains(line.action)
        if line.outcome != AuditOutcome.ok.rawValue {
          activity.refused += 1
        } else if isRead {
          activity.reads += 1
          if AuditReading.isOutOfHours(line.time) { activity.outOfHours += 1 }
        } else {
          activity.writes += 1
        }
        if line.breakGlass && line.outcome == AuditOutcome.ok.rawValue { activity.breakGlass += 1 }
        byUser[name] = activity
      }
      let users = byUser.map { name, a in
        AuditReport.UserActivity(
          user: name, reads: a.reads, writes: a.writes, refused: a.refused, breakGlass: a.breakGlass, outOfHours: a.outOfHours)
      }.sorted { $0.user < $1.user }
      let readCounts = users.map(\.reads).sorted()
      let median = readCounts.isEmpty ? 0 : readCounts[readCounts.count / 2]
      var flags: [String] = []
      for user in users {
        if user.breakGlass > 0 { flags.append("\(user.user): \(user.breakGlass) break-glass access(es)") }
        if user.refused > 0 { flags.append("\(user.user): \(user.refused) refused attempt(s) or failed unlock(s)") }
        if user.outOfHours > 0 { flags.append("\(user.user): \(user.outOfHours) read(s) outside working hours") }
        if user.reads >= 20 && user.reads > 3 * max(median, 1) {
          flags.append("\(user.user): \(user.reads) reads, more than three times the median (\(median))")
        }
      }
      try record(db, action: .auditReport, target: "audit", detail: "\(since) to \(until)")
      return AuditReport(since: since, until: until, users: users, flags: flags)
    }
  }

  private func readLog(_ db: StoreDatabase, _ filter: AuditFilter) throws -> [AuditLogLine] {
    var conditions: [String] = []
    var arguments: [(any StoreValueConvertible)?] = []
    if let name = filter.user {
      guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [name]) else {
        throw VaultError.notFound(kind: "user", name: name)
      }
      conditions.append("actor_user_id = ?")
      arguments.append(id)
    }
    if let survivor = filter.survivor {
      conditions.append("subject = ?")
      arguments.append(try subject(db, survivor))
    }
    if let action = filter.action {
      if action.hasSuffix(".") {
        conditions.append("substr(action, 1, ?) = ?")
        arguments += [action.count, action]
      } else {
        conditions.append("action = ?")
        arguments.append(action)
      }
    }
    if let since = filter.since {
      conditions.append("recorded_at >= ?")
      arguments.append(since)
    }
    if let until = filter.until {
      conditions.append("recorded_at <= ?")
      arguments.append(until.count == 10 ? until + "T23:59:59Z" : until)
    }
    if filter.breakGlassOnly { conditions.append("break_glass = 1") }
    if filter.refusedOnly { conditions.append("outcome IN ('denied', 'failed')") }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    let names = Dictionary(
      uniqueKeysWithValues: try StoreRow.fetchAll(db, sql: "SELECT id, name FROM users").map {
        ($0["id"] as Int64, $0["name"] as String)
      })
    return try StoreRow.fetchAll(
      db, sql: "SELECT * FROM audit_entries \(whereClause) ORDER BY seq", arguments: StoreArguments(arguments)
    ).map {
      let entry = AuditEntry(row: $0)
      let reason = entry.reason.flatMap { sealed in try? openReason(db, sealed, kind: .access, id: entry.seq) }
      return AuditLogLine(
        seq: entry.seq, time: entry.recordedAt, user: entry.actorUserID.flatMap { names[$0] }, action: entry.action,
        target: entry.target,
        subject: entry.subject, outcome: entry.outcome, detail: entry.detail,
        reason: reason ?? (entry.reason == nil ? nil : "(unreadable)"),
        breakGlass: entry.breakGlass)
    }
  }
}

enum AuditReading {
  /// Actions that read case data (or, for auditors, the log).
  static let readActions: Set<String> = [
    AuditAction.survivorRead, .survivorFind, .survivorList, .referralRead, .sessionRead, .outcomeRead, .contactRead, .relatedRead,
    .recordKeyOpen, .statisticsRead, .auditRead, .exportSubjectAccess, .exportShare, .caseloadRead,
  ].reduce(into: Set<String>()) { $0.insert($1.rawValue) }

  /// Before 08:00 or from 18:00 UTC, or on a Saturday or Sunday.
  static func isOutOfHours(_ time: String) -> Bool {
    guard let date = try? Date(time, strategy: .iso8601) else { return false }
    let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
    guard let hour = parts.hour, let weekday = parts.weekday else { return false }
    return hour < 8 || hour >= 18 || weekday == 1 || weekday == 7
  }
}
