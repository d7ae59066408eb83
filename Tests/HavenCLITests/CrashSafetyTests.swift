import Foundation
import GRDB
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Kills `haven` with SIGKILL at random moments during imports and single writes, then checks
/// what a power cut must never break: SQLite's integrity, the audit log, "no record without its
/// audit entry", all-or-nothing imports, and every write the CLI reported as done. 20 trials in
/// `make test`; `HAVEN_SOAK=1` (`make soak`) runs 200.
@Suite("Crash safety: SIGKILL at random moments")
struct CrashSafetyTests {
  static var trials: Int { ProcessInfo.processInfo.environment["HAVEN_SOAK"] == "1" ? 200 : 20 }

  /// Starts `haven` and kills it after `delay` seconds unless it has finished; returns its exit
  /// status (nil if killed) and standard output.
  static func runAndKill(_ arguments: [String], vault: String, after delay: TimeInterval) throws -> (Int32?, String) {
    let process = Process()
    process.executableURL = HavenProcess.binary
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no", "HAVEN_VAULT": vault]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(delay)
    while process.isRunning && Date() < deadline { usleep(500) }
    var killed = false
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      killed = true
    }
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let status = process.terminationReason == .uncaughtSignal ? nil : process.terminationStatus
    return (killed && status == nil ? nil : status, output)
  }

  @Test(
    "after every kill: integrity ok, log verifies, every record has its audit entry, imports are all or nothing, acknowledged writes survive"
  )
  func killedWrites() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let rows = 150
    let csv = cli.root.appendingPathComponent("batch.csv").path
    try (["team,name"] + (0..<rows).map { "trauma-service,Crash Person\($0)" }).joined(separator: "\n")
      .write(toFile: csv, atomically: true, encoding: .utf8)
    let database = try DatabaseQueue(path: cli.vault + "/vault.sqlite")
    func survivors() throws -> Int { try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM survivors") ?? 0 } }
    let credentials = ["--user", "wendy", "--passphrase-file", cli.workerFile]
    // How long an unkilled import takes, so kills land anywhere from before the unlock to the commit.
    let started = Date()
    #expect(try cli.asUser("wendy", ["import", csv, "--kind", "survivors"]).status == 0)
    let span = max(Date().timeIntervalSince(started), 0.2) * 1.2
    var acknowledged: [String] = []
    var killed = 0
    var completed = 0
    for trial in 0..<Self.trials {
      let before = try survivors()
      let arguments =
        trial % 2 == 0
        ? ["import", csv, "--kind", "survivors"] + credentials
        : ["survivor", "add", "--team", "trauma-service", "--name", "Crash Single\(trial)"] + credentials
      let (status, output) = try Self.runAndKill(arguments, vault: cli.vault, after: Double.random(in: 0...span))
      if status == nil { killed += 1 } else { completed += 1 }
      if status == 0, trial % 2 == 1 { acknowledged.append(output.trimmingCharacters(in: .whitespacesAndNewlines)) }
      let added = try survivors() - before
      #expect(added == 0 || added == (trial % 2 == 0 ? rows : 1), "trial \(trial): \(added) survivors added")
      if status == 0 { #expect(added > 0, "trial \(trial) reported success but wrote nothing") }
      let integrity = try database.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
      #expect(integrity == ["ok"], "trial \(trial): \(integrity)")
      let audited = try database.read {
        try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_entries WHERE action = 'survivor.create' AND outcome = 'ok'") ?? 0
      }
      #expect(audited == (try survivors()), "trial \(trial): records without audit entries")
      #expect(try cli.run(["audit", "verify"]).status == 0, "trial \(trial): the log does not verify")
    }
    for reference in acknowledged {
      #expect(try cli.asUser("wendy", ["survivor", "show", reference]).status == 0, "\(reference) was acknowledged but is gone")
    }
    print(
      "crash safety: \(Self.trials) trials, \(killed) killed mid-run, \(completed) finished first, \(acknowledged.count) acknowledged single writes checked"
    )
    #expect(killed > 0)
  }
}
