import Foundation
import Testing

@Suite("haven: the main commands, end to end through the real binary")
struct CommandFlowTests {
  @Test("--help lists every command")
  func help() throws {
    let result = try HavenProcess.run(["--help"])
    #expect(result.status == 0)
    for command in ["init", "status", "user", "team", "recovery"] { #expect(result.stdout.contains(command)) }
    let user = try HavenProcess.run(["user", "--help"])
    for command in ["add", "list", "passwd", "remove", "reset"] { #expect(user.stdout.contains(command)) }
    let team = try HavenProcess.run(["team", "--help"])
    for command in ["add", "list", "add-member", "remove-member"] { #expect(team.stdout.contains(command)) }
  }

  @Test("init, users, teams, status, passwd and removal work, with --json on every data command", arguments: TestStore.allCases)
  func mainFlow(store: TestStore) throws {
    let cli = try CLIFixture(store: store)
    let mode = try FileManager.default.attributesOfItem(atPath: cli.recoveryFile)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try String(contentsOfFile: cli.recoveryFile, encoding: .utf8).hasPrefix("HAVEN-RECOVERY-1-"))

    #expect(try cli.asAdmin(["user", "add", "wendy", "--role", "worker", "--new-passphrase-file", cli.workerFile]).status == 0)
    #expect(try cli.asAdmin(["user", "add", "rita", "--role", "reporting", "--new-passphrase-file", cli.workerFile]).status == 0)
    #expect(try cli.asAdmin(["team", "add", "north"]).status == 0)
    #expect(try cli.asAdmin(["team", "add-member", "north", "wendy"]).status == 0)

    let teams = try cli.json(try cli.asUser("wendy", ["team", "list", "--json"])) as? [[String: Any]]
    #expect(teams?.first?["name"] as? String == "north")
    #expect(teams?.first?["keyVersion"] as? Int == 1)
    #expect(teams?.first?["heldByYou"] as? Bool == true)

    let status = try #require(try cli.json(try cli.asAdmin(["status", "--json"])) as? [String: Any])
    #expect(status["formatVersion"] as? Int == 14)
    #expect(status["kdf"] as? String == "interactive")
    #expect((status["users"] as? [[String: Any]])?.count == 3)
    #expect((status["counts"] as? [String: Int])?["teams"] == 1)

    let text = try cli.asAdmin(["status"])
    #expect(text.stdout.contains("Format version: 14"))
    #expect(text.stdout.contains("KDF level:      interactive"))

    let users = try cli.json(try cli.asAdmin(["user", "list", "--json"])) as? [[String: Any]]
    #expect(users?.map { $0["name"] as? String } == ["ada", "rita", "wendy"])

    let newFile = cli.root.appendingPathComponent("new.pw").path
    try CLIFixture.writePrivate("Wendy-Second-Passphrase\n", to: newFile)
    #expect(try cli.asUser("wendy", ["user", "passwd", "--new-passphrase-file", newFile]).status == 0)
    #expect(try cli.asUser("wendy", ["status"]).status == 77)
    #expect(try cli.run(["status", "--user", "wendy", "--passphrase-file", newFile]).status == 0)

    let delivered = try cli.asAdmin(["recovery", "deliver", "--recovery-key-file", cli.recoveryFile, "--json"])
    #expect(delivered.status == 0)
    #expect((try cli.json(delivered) as? [String: Any])?["ok"] as? Bool == true)

    #expect(try cli.asAdmin(["team", "remove-member", "north", "wendy"]).status == 0)
    #expect(try cli.asAdmin(["user", "remove", "rita"]).status == 0)
    #expect(try cli.asAdmin(["user", "list"]).stdout.contains("rita") == false)

    for output in cli.outputs {
      #expect(!output.combined.contains("Canary-Passphrase"), "a passphrase appeared in output")
      #expect(!output.combined.contains("HAVEN-RECOVERY"), "the recovery key appeared in output")
    }
  }

  @Test("without --recovery-key-out, init shows the recovery key once on standard output")
  func recoveryKeyOnScreen() throws {
    let cli = try CLIFixture(initialise: false)
    let result = try cli.run([
      "init", "--admin", "ada", "--name", "Flow", "--kdf", "interactive", "--passphrase-file", cli.adminFile,
    ])
    #expect(result.status == 0)
    #expect(result.stdout.components(separatedBy: "HAVEN-RECOVERY-1-").count == 2)
    #expect(try cli.asAdmin(["status"]).stdout.contains("HAVEN-RECOVERY") == false)
  }

  @Test("the passphrase can come from HAVEN_PASSPHRASE, and is never accepted as an argument", arguments: TestStore.allCases)
  func passphraseSources(store: TestStore) throws {
    let fresh = try CLIFixture(initialise: false)
    let created = try fresh.run(
      ["init", "--admin", "ada", "--name", "Flow", "--kdf", "interactive", "--recovery-key-out", fresh.recoveryFile],
      environment: ["HAVEN_PASSPHRASE": CLIFixture.adminSecret])
    #expect(created.status == 0, "\(created.stderr)")
    #expect(try fresh.asAdmin(["status"]).status == 0)
    let cli = try CLIFixture(store: store)
    let result = try cli.run(["status", "--user", "ada"], environment: ["HAVEN_PASSPHRASE": CLIFixture.adminSecret])
    #expect(result.status == 0)
    let viaUserEnvironment = try cli.run(
      ["status"], environment: ["HAVEN_PASSPHRASE": CLIFixture.adminSecret, "HAVEN_USER": "ada"])
    #expect(viaUserEnvironment.status == 0)
    let argument = try cli.run(["status", "--user", "ada", "--passphrase", CLIFixture.adminSecret])
    #expect(argument.status == 64)
  }
}
