import Benchmark
import Foundation
import HavenVault

/// Workload 6: `haven` commands as whole processes (start, open, Argon2id unlock, the work, the
/// audited commit, exit) on the largest populated vault, against `status` (open and unlock, a
/// few counts) and `--version` (process start alone), measured in the same run. Commands that
/// are about every record (import, survivor list, reports and exports of a whole year, backups,
/// audit verify) have their own workloads and are not here.
enum CommandBenchmarks {
  /// One command: who runs it, and its arguments with `REF` standing for a survivor's reference
  /// and `WORK` for a scratch directory.
  struct Command: Sendable {
    let name: String
    let user: String?
    let arguments: [String]
    /// A file the command creates, removed before each run (commands never overwrite).
    var output: String? = nil
  }

  static let commands: [Command] = [
    Command(name: "version", user: nil, arguments: ["--version"]),
    Command(name: "status", user: "wendy", arguments: ["status"]),
    Command(name: "survivor show", user: "wendy", arguments: ["survivor", "show", "REF"]),
    Command(name: "survivor find --ref", user: "wendy", arguments: ["survivor", "find", "--ref", "REF"]),
    Command(name: "survivor find --external-id", user: "wendy", arguments: ["survivor", "find", "--external-id", "SYN-000042"]),
    Command(
      name: "survivor add", user: "wendy",
      arguments: ["survivor", "add", "--team", "trauma-service", "--name", "Bench Example", "--dob", "2001-02-03"]),
    Command(name: "survivor update", user: "wendy", arguments: ["survivor", "update", "REF", "--phone", "07700 900999"]),
    Command(
      name: "referral add", user: "wendy",
      arguments: [
        "referral", "add", "REF", "--date", "2025-01-10", "--referrer-type", "school", "--pathway", "post-cse", "--service",
        "trauma-service",
      ]),
    Command(name: "referral list", user: "wendy", arguments: ["referral", "list", "REF"]),
    Command(
      name: "session record", user: "wendy",
      arguments: [
        "session", "record", "REF", "--date", "2025-01-15", "--minutes", "50", "--kind", "one-to-one", "--attendance",
        "attended",
      ]),
    Command(name: "session list", user: "wendy", arguments: ["session", "list", "REF"]),
    Command(
      name: "outcome record", user: "wendy",
      arguments: [
        "outcome", "record", "REF", "--stage", "end", "--date", "2025-03-01", "--wellbeing", "6", "--self", "6", "--trauma",
        "5", "--relationships", "7",
      ]),
    Command(name: "outcome show", user: "wendy", arguments: ["outcome", "show", "REF"]),
    Command(name: "contact set", user: "wendy", arguments: ["contact", "set", "REF", "--text", "yes"]),
    Command(name: "contact show", user: "wendy", arguments: ["contact", "show", "REF"]),
    Command(name: "related list", user: "wendy", arguments: ["related", "list", "REF"]),
    Command(
      name: "consent record", user: "wendy",
      arguments: [
        "consent", "record", "REF", "--purpose", "evaluation", "--decision", "granted", "--date", "2025-01-10", "--method",
        "written",
      ]),
    Command(name: "consent show", user: "wendy", arguments: ["consent", "show", "REF"]),
    Command(name: "consent due", user: "wendy", arguments: ["consent", "due"]),
    // The first run builds the caseload index; the median is the warm read a worker gets each day.
    Command(name: "caseload", user: "wendy", arguments: ["caseload"]),
    Command(name: "hold list", user: "audrey", arguments: ["hold", "list"]),
    Command(name: "user list", user: "wendy", arguments: ["user", "list"]),
    Command(name: "team list", user: "wendy", arguments: ["team", "list"]),
    Command(name: "service list", user: "wendy", arguments: ["service", "list"]),
    Command(name: "config show", user: "wendy", arguments: ["config", "show"]),
    Command(name: "audit log --survivor", user: "audrey", arguments: ["audit", "log", "--survivor", "REF"]),
    Command(
      name: "audit report (one day)", user: "audrey",
      arguments: ["audit", "report", "--since", "2026-01-01", "--until", "2026-01-01"]),
    Command(
      name: "audit checkpoint", user: nil, arguments: ["audit", "checkpoint", "--out", "WORK/witness.txt"],
      output: "WORK/witness.txt"),
    Command(name: "audit prove", user: nil, arguments: ["audit", "prove", "1000"]),
    Command(
      name: "export subject-access", user: "wendy",
      arguments: ["export", "subject-access", "REF", "--recipient", "WORK/recipient.pub", "--out", "WORK/sar.hvx"],
      output: "WORK/sar.hvx"),
    Command(name: "export signers", user: nil, arguments: ["export", "signers"]),
    Command(name: "retention due", user: "ada", arguments: ["retention", "due"]),
    Command(name: "backup list", user: "ada", arguments: ["backup", "list"]),
  ]

  static func register() {
    guard let survivors = BenchmarkSettings.sizes.max() else { return }
    let label = BenchmarkSettings.label(survivors)
    for command in commands {
      let vault = SetupState<String>()
      let work = SetupState<String>()
      let reference = SetupState<String>()
      Benchmark(
        "6 cli \(command.name) \(label)",
        configuration: BenchmarkSettings.configuration(warmup: 1, seconds: 15, iterations: 10)
      ) { benchmark in
        let scratch = try work.get()
        if let output = command.output { try? FileManager.default.removeItem(atPath: output.replacing("WORK", with: scratch)) }
        let arguments = command.arguments.map {
          $0.replacing("REF", with: (try? reference.get()) ?? "").replacing("WORK", with: scratch)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["HAVEN_VAULT"] = try vault.get()
        if let user = command.user { environment["HAVEN_USER"] = user }
        benchmark.startMeasurement()
        try run(
          BenchmarkSettings.haven, command.user == nil ? arguments : arguments + ["--passphrase-file", scratch + "/passphrase"],
          environment: environment)
        benchmark.stopMeasurement()
      } setup: {
        let copy = try PreparedVaults.workingCopy(of: try PreparedVaults.populated(survivors: survivors))
        vault.value = copy
        let references = try PreparedVaults.references(of: copy)
        reference.value = references[references.count / 2].description
        let scratch = copy + ".work"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try (BenchmarkVault.passphrase + "\n").write(toFile: scratch + "/passphrase", atomically: true, encoding: .utf8)
        chmod(scratch + "/passphrase", 0o600)  // haven refuses a passphrase file others can read
        try run(BenchmarkSettings.haven, ["keygen", "--out", scratch + "/recipient"])
        work.value = scratch
      } teardown: {
        if let copy = vault.value { PreparedVaults.remove(copy) }
        if let scratch = work.value { try? FileManager.default.removeItem(atPath: scratch) }
      }
    }
  }
}
