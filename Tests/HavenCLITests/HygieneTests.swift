import Foundation
import GRDB
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Crypto and process hygiene after a real workflow")
struct HygieneTests {
  /// Every column that holds a field envelope (`0x01 || nonce || ...`) or a key wrapped as one
  /// (docs/FORMAT.md sections 3, 4, 10 and 11).
  static let envelopeColumns: [(String, [String])] = [
    (
      "survivors",
      [
        "wrapped_record_key", "wrapped_statistics_key", "reference", "name", "aliases", "date_of_birth", "address", "postcode",
        "phone", "email", "nhs_number", "health_notes", "notes", "external_id", "safe_contact", "gender", "district", "cohort",
      ]
    ),
    ("referrals", ["referral_date", "referrer_type", "referrer_role", "pathway", "service", "age_band"]),
    ("referral_events", ["status", "event_date", "service", "reason", "recorded_by"]),
    ("support_sessions", ["session_date", "minutes", "kind", "attendance", "worker", "notes"]),
    ("outcome_assessments", ["stage", "assessed_on", "wellbeing", "self", "trauma", "relationships", "recorded_by"]),
    ("related_people", ["relationship", "name", "phone", "email", "address", "notes"]),
    ("consent_events", ["purpose", "decision", "decided_on", "method", "expires", "recorded_by"]),
    // A sealed reason is 0x02 || ephemeral public key (32) || envelope (docs/FORMAT.md section 17).
    ("legal_holds", ["substr(reason, 34)"]),
    ("audit_entries", ["substr(reason, 34)"]),
  ]

  @Test("after a synthetic year is imported and worked on: every envelope in the vault has its own nonce")
  func distinctNonces() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let data = cli.root.appendingPathComponent("year").path
    let synth = HavenProcess.binary.deletingLastPathComponent().appendingPathComponent("haven-synth").path
    let made = Process()
    made.executableURL = URL(fileURLWithPath: synth)
    made.arguments = ["--out", data, "--survivors", "60", "--teams", "trauma-service", "--services", "trauma-service"]
    made.standardOutput = FileHandle.nullDevice
    try made.run()
    made.waitUntilExit()
    #expect(made.terminationStatus == 0)
    for kind in ["survivors", "referrals", "sessions", "outcomes", "consents"] {
      let result = try cli.asUser("wendy", ["import", data + "/\(kind).csv", "--kind", kind])
      #expect(result.status == 0, "\(kind): \(result.stderr)")
    }
    let reference = try fixture.addSurvivor("Nonce Person")
    try cli.asUser("wendy", ["hold", "add", reference, "--reason", "check", "--access-reason", "hygiene test"])
    let database = try DatabaseQueue(path: cli.vault + "/vault.sqlite")
    try database.read { db in
      /// The union, over every envelope column, of `expression(column)` for its non-null values.
      func everyEnvelope(_ expression: (String) -> String) -> String {
        Self.envelopeColumns.flatMap { table, columns in
          columns.map { "SELECT \(expression($0)) AS value FROM \(table) WHERE \($0) IS NOT NULL" }
        }.joined(separator: " UNION ALL ")
      }
      let nonces = everyEnvelope { "substr(\($0), 2, 24)" }
      let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(nonces))") ?? 0
      let distinct = try Int.fetchOne(db, sql: "SELECT count(DISTINCT value) FROM (\(nonces))") ?? 0
      #expect(total > 3000)
      #expect(distinct == total, "\(total - distinct) repeated nonces")
      let versions = everyEnvelope { "substr(\($0), 1, 1)" }
      let seen = try Self.envelopeColumns.flatMap { table, columns in
        try columns.compactMap { column -> String? in
          let bad =
            try Int.fetchOne(
              db, sql: "SELECT count(*) FROM \(table) WHERE \(column) IS NOT NULL AND substr(\(column), 1, 1) != x'01'") ?? 0
          return bad > 0 ? "\(table).\(column): \(bad)" : nil
        }
      }
      #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(versions)) WHERE value != x'01'") == 0, "\(seen)")
    }
  }

  @Test("while a command runs with keys unlocked: core dumps are off, and the passphrase is in neither argv nor the environment")
  func processHygiene() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let csv = cli.root.appendingPathComponent("many.csv").path
    try (["team,name"] + (0..<3000).map { "trauma-service,Hygiene Person\($0)" }).joined(separator: "\n")
      .write(toFile: csv, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = HavenProcess.binary
    process.arguments = ["import", csv, "--kind", "survivors", "--user", "wendy", "--passphrase-file", cli.workerFile]
    process.environment = ["PATH": "/usr/bin:/bin", "HAVEN_VAULT": cli.vault]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    var sawLimits = false
    let deadline = Date().addingTimeInterval(20)
    while process.isRunning && Date() < deadline {
      if let limits = try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8),
        let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max core file size") }),
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first == "0"
      {
        sawLimits = true
        let argv = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let environment = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))) ?? Data()
        for leak in [argv, environment] {
          #expect(!String(decoding: leak, as: UTF8.self).contains(CLIFixture.workerSecret))
        }
        break
      }
      usleep(2000)
    }
    process.waitUntilExit()
    #expect(sawLimits, "never saw the running process with a zero core-file limit")
    #expect(process.terminationStatus == 0)
  }
}
