import Foundation
import Testing

/// Issue 20, item 4: a passphrase given in `HAVEN_PASSPHRASE` is taken out of the process's
/// environment at start-up, the process is not dumpable (so another process of the same user
/// cannot read its memory or environment), and a passphrase file others can read is refused.
@Suite("Passphrase exposure")
struct PassphraseExposureTests {
  /// A long-running command (an import of 3,000 people) to look at while it runs.
  static func longImport(_ cli: CLIFixture) throws -> String {
    let csv = cli.root.appendingPathComponent("many.csv").path
    try (["team,name"] + (0..<3000).map { "trauma-service,Exposure Person\($0)" }).joined(separator: "\n")
      .write(toFile: csv, atomically: true, encoding: .utf8)
    return csv
  }

  /// Runs `arguments` and calls `look` with the pid once the process has been running 0.3 s.
  static func whileRunning(
    _ executable: URL, _ arguments: [String], environment: [String: String], _ look: (Int32) throws -> Void
  ) throws -> Int32 {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(300_000)
    #expect(process.isRunning, "the command finished before it could be looked at")
    if process.isRunning { try look(process.processIdentifier) }
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test("HAVEN_PASSPHRASE is gone from /proc/PID/environ while the command runs, and it still unlocks")
  func environmentCleared() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let csv = try Self.longImport(cli)
    let status = try Self.whileRunning(
      HavenProcess.binary, ["import", csv, "--kind", "survivors", "--user", "wendy"],
      environment: ["PATH": "/usr/bin:/bin", "HAVEN_VAULT": cli.vault, "HAVEN_PASSPHRASE": CLIFixture.workerSecret]
    ) { pid in
      let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
      #expect(!String(decoding: environment, as: UTF8.self).contains(CLIFixture.workerSecret))
      #expect(String(decoding: environment, as: UTF8.self).contains("HAVEN_VAULT="), "the environment was not readable")
    }
    #expect(status == 0)
  }

  @Test("the running process is not dumpable: its /proc files belong to root, not to the user running it")
  func notDumpable() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let csv = try Self.longImport(cli)
    // Run as an unprivileged user (nobody) who owns the vault: a dumpable process's /proc/PID
    // files would belong to that user; a non-dumpable one's belong to root.
    let chown = Process()
    chown.executableURL = URL(fileURLWithPath: "/bin/chown")
    chown.arguments = ["-R", "65534:65534", cli.root.path]
    try chown.run()
    chown.waitUntilExit()
    #expect(chown.terminationStatus == 0)
    let status = try Self.whileRunning(
      URL(fileURLWithPath: "/usr/bin/setpriv"),
      [
        "--reuid=65534", "--regid=65534", "--clear-groups", "--", HavenProcess.binary.path, "import", csv, "--kind", "survivors",
        "--user", "wendy", "--passphrase-file", cli.workerFile,
      ],
      environment: ["PATH": "/usr/bin:/bin", "HAVEN_VAULT": cli.vault]
    ) { pid in
      let statusText = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
      let uid = statusText.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(whereSeparator: \.isWhitespace)[1]
      #expect(uid == "65534", "the command is not running as nobody")
      let owner = try FileManager.default.attributesOfItem(atPath: "/proc/\(pid)/environ")[.ownerAccountID] as? NSNumber
      #expect(owner?.intValue == 0, "the process is dumpable: its /proc files belong to uid \(owner?.intValue ?? -1)")
    }
    #expect(status == 0)
  }

  @Test("a passphrase file readable by group or others is refused (77), and works once it is private")
  func sharedPassphraseFile() throws {
    let cli = try CLIFixture()
    chmod(cli.adminFile, 0o640)
    let refused = try cli.asAdmin(["status"])
    #expect(refused.status == 77)
    #expect(refused.stderr.contains("accessible by group or others (mode 640)"))
    #expect(refused.stderr.contains("chmod 600"))
    chmod(cli.adminFile, 0o600)
    #expect(try cli.asAdmin(["status"]).status == 0)
  }
}
