import Foundation
import HavenCrypto
import HavenStore

/// One release of a commissioner's report as the release ledger keeps it: the period, which
/// revision of that period's figures it was, and the SHA-256 of the figures as published.
///
/// The ledger exists because a second release of the same period over changed records (two
/// survivors added, one consent withdrawn) can be compared with the first: the cell key noise
/// makes the difference uncertain, not impossible to guess. So a period is released once; the
/// same figures may be sent again, and different figures only as an explicit, audited revision.
public struct ReportRelease: Sendable, Equatable {
  public let from: CalendarDate
  public let to: CalendarDate
  /// 0 for the first release of a period; each revision adds one.
  public let revision: Int
  /// Hex SHA-256 of the published figures (the report's CSV without its revision line).
  public let figuresSHA256: String

  public init(from: CalendarDate, to: CalendarDate, revision: Int, figuresSHA256: String) {
    self.from = from
    self.to = to
    self.revision = revision
    self.figuresSHA256 = figuresSHA256
  }

  /// The words the release's audit entry ends with. The audit log is tamper-evident and the
  /// ledger row is not, so a row is believed only when its entry says the same.
  var auditLine: String { "release of \(from) to \(to), revision \(revision), figures sha256 \(figuresSHA256)" }
}

/// A ledger row with who made the release and when, from its audit entry.
public struct ReleasedReport: Sendable, Equatable {
  public let release: ReportRelease
  public let releasedAt: String
  public let releasedBy: String
}

extension VaultSession {
  /// Every release of this period, oldest first (the reporting role). Each row is checked against
  /// its audit entry (same facts, leaf hash intact) and the rows are counted against the log's
  /// release entries, so an altered, inserted or deleted row is refused (exit 65) rather than
  /// trusted; an entry altered together with its leaf hash is left to `haven audit verify`.
  public func reportReleases(from: CalendarDate, to: CalendarDate) throws(VaultError) -> [ReleasedReport] {
    try authorize(.readStatistics, action: .exportReport, target: "report")
    do {
      return try vault.database.read { db in
        let rows = try StoreRow.fetchAll(
          db,
          sql: """
            SELECT revision, figures_sha256, audit_seq FROM report_releases
            WHERE period_from = ? AND period_to = ? ORDER BY audit_seq
            """, arguments: [from.description, to.description])
        var released: [ReleasedReport] = []
        for row in rows {
          let release = ReportRelease(from: from, to: to, revision: row["revision"], figuresSHA256: row["figures_sha256"])
          let seq: Int64 = row["audit_seq"]
          guard
            let entryRow = try StoreRow.fetchOne(
              db, sql: "SELECT \(try AuditEntry.orderedColumns(db)) FROM audit_entries WHERE seq = ?", arguments: [seq])
          else { throw Self.ledgerAltered("release row names audit entry \(seq), which does not exist") }
          let entry = AuditEntry(positional: entryRow)
          let stored = (entryRow[10] as Data?).map { [UInt8]($0) }
          guard entry.action == AuditAction.exportReport.rawValue, entry.outcome == AuditOutcome.ok.rawValue,
            entry.detail?.hasSuffix("; " + release.auditLine) == true, stored == Array(entry.leafHash)
          else { throw Self.ledgerAltered("release row for audit entry \(seq) does not match that entry") }
          let user = try entry.actorUserID.flatMap {
            try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ?", arguments: [$0])
          }
          released.append(ReleasedReport(release: release, releasedAt: entry.recordedAt, releasedBy: user ?? "unknown"))
        }
        let logged =
          try Int.fetchOne(
            db,
            sql: """
              SELECT count(*) FROM audit_entries
              WHERE action = ? AND outcome = 'ok' AND \(db.dialect.contains("detail"))
              """,
            arguments: [AuditAction.exportReport.rawValue, "; release of \(from) to \(to), "]) ?? 0
        guard logged == rows.count else {
          throw Self.ledgerAltered("the audit log records \(logged) releases of \(from) to \(to), the ledger \(rows.count)")
        }
        return released
      }
    } catch {
      throw VaultError.wrapping(error)
    }
  }

  /// Records a release in the ledger and the audit log in one transaction. Refused if another
  /// release of the period was recorded since `release` was decided (two officers at once).
  public func recordReportRelease(_ release: ReportRelease, detail: String) throws(VaultError) {
    try transaction { db in
      let latest = try StoreRow.fetchOne(
        db,
        sql: """
          SELECT revision, figures_sha256 FROM report_releases
          WHERE period_from = ? AND period_to = ? ORDER BY audit_seq DESC LIMIT 1
          """, arguments: [release.from.description, release.to.description])
      let expected: Bool
      if let latest {
        let revision: Int = latest["revision"]
        let figures: String = latest["figures_sha256"]
        expected =
          (revision == release.revision && figures == release.figuresSHA256) || revision + 1 == release.revision
      } else {
        expected = release.revision == 0
      }
      guard expected else {
        throw VaultError.permissionDenied(
          action: "release this report",
          reason: "another release of \(release.from) to \(release.to) was recorded meanwhile; make the report again")
      }
      let seq = try record(db, action: .exportReport, target: "export", detail: detail + "; " + release.auditLine)
      try db.execute(
        sql: """
          INSERT INTO report_releases (period_from, period_to, revision, figures_sha256, audit_seq)
          VALUES (?, ?, ?, ?, ?)
          """,
        arguments: [release.from.description, release.to.description, release.revision, release.figuresSHA256, seq])
    }
  }

  static func ledgerAltered(_ what: String) -> VaultError {
    .databaseDamaged("the report release ledger was altered (\(what)); run 'haven audit verify' and restore from a backup")
  }
}
