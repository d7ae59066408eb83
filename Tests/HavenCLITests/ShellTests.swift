import Foundation
import GRDB
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, item 1: `haven shell` in a real pseudo-terminal (tmux): one unlock for many
/// commands, the same exit codes printed, an idle lock that wipes the keys and asks again, three
/// wrong passphrases end it, and nothing typed is written to disk.
@Suite("haven shell in a real terminal")
struct ShellTests {
  static let prompt = "haven wendy> "

  static func start(
    _ fixture: PartnershipFixture, environment: [String: String] = [:], passphraseFile: Bool = true
  ) throws -> TmuxTerminal {
    let cli = fixture.cli
    return try TmuxTerminal(
      [HavenProcess.binary.path, "shell", "--vault", cli.vault, "--user", "wendy"]
        + (passphraseFile ? ["--passphrase-file", cli.workerFile] : []),
      environment: [
        "PATH": "/usr/bin:/bin", "HOME": cli.root.path, "TERM": "xterm-256color", "SWIFT_BACKTRACE": "enable=no",
      ].merging(environment) { $1 }, directory: cli.root.path)
  }

  /// Failed unlocks of wendy in the audit log (a successful unlock writes no entry).
  static func failedUnlocks(_ cli: CLIFixture) throws -> Int {
    let log = try cli.asAdmin(["audit", "log", "--user", "wendy", "--action", "unlock", "--json"])
    let lines = try #require(try cli.json(log) as? [[String: Any]])
    return lines.filter { $0["outcome"] as? String == "failed" }.count
  }

  @Test("one unlock, then commands at the prompt with their usual output, errors and exit codes; help; exit")
  func commandsAtThePrompt() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let shell = try Self.start(fixture)
    try shell.waitFor(Self.prompt)
    // One unlock for the whole shell: the passphrase is not needed again.
    let passphrase = try String(contentsOfFile: cli.workerFile, encoding: .utf8)
    try FileManager.default.removeItem(atPath: cli.workerFile)
    defer { try? CLIFixture.writePrivate(passphrase, to: cli.workerFile) }
    try shell.type("survivor add --team trauma-service --name 'Canary Shellperson' --dob 2008-02-03")
    let added = try shell.waitFor("HV-")
    let reference = try #require(added.split(separator: "\n").first { $0.hasPrefix("HV-") }.map(String.init))
    try shell.type("survivor find --name \"canary shellperson\" --json")
    try shell.waitFor("\"ref\" : \"\(reference)\"")
    try shell.type("frobnicate")
    try shell.waitFor("(exit 64)")
    try shell.type("survivor show HV-1999-99999")
    try shell.waitFor("(exit 77)")
    try shell.type("help")
    try shell.waitFor("SUBCOMMANDS")
    try shell.type("session record \(reference) --date 2026-12-01 --minutes 30 --kind one-to-one --attendance attended")
    try shell.type("session list \(reference)")
    let listed = try shell.waitFor("one-to-one")
    // Up recalls the last line from this shell's in-memory history; Enter runs it again.
    try shell.press("Up")
    try shell.press("Enter")
    let deadline = Date().addingTimeInterval(20)
    while try shell.screen().components(separatedBy: "one-to-one").count <= listed.components(separatedBy: "one-to-one").count,
      Date() < deadline
    {
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(try shell.screen().components(separatedBy: "one-to-one").count > listed.components(separatedBy: "one-to-one").count)
    try shell.type("exit")
    let ended = try shell.waitForExit()
    #expect(ended.status == 0, "\(ended.screen)")
    #expect(ended.screen.contains("Keys wiped."))
    let audit = try cli.asAdmin(["audit", "log", "--user", "wendy", "--action", "session.create", "--json"])
    #expect(audit.stdout.contains("support_session:"), "commands in the shell are audited as outside it")
    let home = NoteEditorTests.Setup.filesContaining("Canary Shellperson", under: [cli.root.path, "/dev/shm"])
    #expect(home.isEmpty, "nothing typed is written to disk: \(home)")
  }

  @Test("idle: the shell locks, wipes its keys and asks again; a right passphrase goes on, three wrong ones end it (77)")
  func idleLock() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let failedBefore = try Self.failedUnlocks(cli)
    let shell = try Self.start(fixture, environment: ["HAVEN_SHELL_IDLE_SECONDS": "2"])
    try shell.waitFor(Self.prompt)
    try shell.waitFor("Locked after 2 seconds idle; keys wiped.")
    try shell.waitFor("Passphrase for wendy to unlock: ")
    try shell.type("not the passphrase")
    try shell.waitFor("wrong passphrase")
    try shell.type(CLIFixture.workerSecret)
    try shell.waitFor("Unlocked.")
    try shell.type("team list")
    try shell.waitFor("trauma-service")
    try shell.type("lock")
    try shell.waitFor("Locked; keys wiped.")
    for attempt in 1...3 {
      try shell.waitFor("Passphrase for wendy to unlock: ")
      try shell.type("wrong \(attempt)")
      Thread.sleep(forTimeInterval: 0.8)
    }
    let ended = try shell.waitForExit()
    #expect(ended.status == 77, "\(ended.screen)")
    #expect(try Self.failedUnlocks(cli) == failedBefore + 4, "each failed unlock is audited")
  }

  @Test("a question left unanswered in the shell records nothing and locks the shell like an idle prompt")
  func unansweredQuestion() throws {
    let fixture = try PartnershipFixture()
    let reference = try fixture.addSurvivor("Testperson Unanswered")
    let shell = try Self.start(fixture, environment: ["HAVEN_SHELL_IDLE_SECONDS": "3"])
    try shell.waitFor(Self.prompt)
    try shell.type("session record \(reference)")
    try shell.waitFor("Date of the session")
    try shell.waitFor("no answer for 3 seconds; nothing was recorded")
    try shell.waitFor("Locked after 3 seconds idle; keys wiped.")
    try shell.waitFor("Passphrase for wendy to unlock: ")
    try shell.type(CLIFixture.workerSecret)
    try shell.waitFor("Unlocked.")
    try shell.type("exit")
    #expect(try shell.waitForExit().status == 0)
    let sessions = try fixture.cli.asUser("wendy", ["session", "list", reference])
    #expect(sessions.stdout.contains("No sessions."))
  }

  @Test("a command that waits on another writer is told to retry (75) and the shell goes on")
  func busyWriter() throws {
    let fixture = try PartnershipFixture()
    let shell = try Self.start(fixture)
    try shell.waitFor(Self.prompt)
    // Another workstation's haven mid-write: a write transaction held open on its own connection.
    var configuration = Configuration()
    configuration.allowsUnsafeTransactions = true
    let other = try DatabaseQueue(path: fixture.cli.vault + "/vault.sqlite", configuration: configuration)
    try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
    try shell.type("survivor add --team trauma-service --name 'Canary Busy'")
    try shell.waitFor("(exit 75)", seconds: 40)
    try other.inDatabase { try $0.execute(sql: "ROLLBACK") }
    try shell.type("survivor add --team trauma-service --name 'Canary Busy'")
    try shell.waitFor("HV-")
    try shell.type("exit")
    #expect(try shell.waitForExit().status == 0)
  }

  @Test("Ctrl-D leaves; SIGTERM ends a shell and wipes its keys")
  func endings() throws {
    let fixture = try PartnershipFixture()
    var shell = try Self.start(fixture)
    try shell.waitFor(Self.prompt)
    try shell.press("C-d")
    var ended = try shell.waitForExit()
    #expect(ended.status == 0)
    #expect(ended.screen.contains("Keys wiped. Bye."))

    shell = try Self.start(fixture)
    try shell.waitFor(Self.prompt)
    let pids = try HavenProcess.pids(matching: "shell --vault \(fixture.cli.vault)")
    #expect(pids.count == 1)
    for pid in pids { kill(pid, SIGTERM) }
    ended = try shell.waitForExit()
    #expect(ended.status == 0)
    #expect(ended.screen.contains("ended by a signal; keys wiped"))
  }

  @Test("off a terminal the shell reads a script of commands, one per line")
  func scripted() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let result = try cli.run(
      ["shell", "--user", "wendy", "--passphrase-file", cli.workerFile],
      standardInput: "team list\nsurvivor show HV-1999-99999\nexit\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("trauma-service"))
    #expect(result.stderr.contains("(exit 77)"))
  }
}
