import Foundation
import GRDB
import HavenTestSupport
import Testing

/// Where a test's vault keeps its records: the embedded SQLite file, or a database on the tests'
/// own PostgreSQL server (`PostgresCluster`). Suites that do not read the SQLite file directly run
/// against both.
enum TestStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sqlite
  case postgres

  var testDescription: String { rawValue }

  /// A new database for a server vault, or nil for the embedded store.
  func serverDatabase() throws -> ServerDatabase? {
    self == .postgres ? try PostgresCluster.start().newDatabase() : nil
  }
}

/// Runs the real `haven` binary that `swift test` built beside the test bundle, with a clean
/// environment (nothing inherited from the developer's shell) and no standard input.
struct HavenProcess {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    var combined: String { stdout + stderr }
  }

  static var binary: URL {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("haven")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    // Fallback: the package's default build folder.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/haven")
  }

  /// `detached` runs it in a new session with no controlling terminal (via setsid), so a prompt
  /// has nowhere to go, as in a cron job.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], detached: Bool = false, standardInput: String? = nil
  ) throws -> Result {
    let process = Process()
    if detached {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
      process.arguments = ["--wait", binary.path] + arguments
    } else {
      process.executableURL = binary
      process.arguments = arguments
    }
    process.environment = ["PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"].merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
    try process.run()
    if let standardInput {
      input.fileHandleForWriting.write(Data(standardInput.utf8))
      try input.fileHandleForWriting.close()
    }
    // Read both before waiting, and at once, or a large output on either would fill its pipe
    // and deadlock.
    nonisolated(unsafe) var stderr = Data()
    let errors = DispatchGroup()
    DispatchQueue.global().async(group: errors) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    errors.wait()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }
}

extension HavenProcess {
  /// Process ids whose command line contains `text` (pgrep -f), for signalling a process under test.
  static func pids(matching text: String) throws -> [Int32] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
    process.arguments = ["-f", text]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
  }
}

/// A temporary directory with passphrase files, and a vault made through `haven init`.
final class CLIFixture {
  static let adminSecret = "Admin-Canary-Passphrase-91"
  static let workerSecret = "Worker-Canary-Passphrase-27"
  let root: URL
  var vault: String { root.appendingPathComponent("vault").path }
  var adminFile: String { root.appendingPathComponent("admin.pw").path }
  var workerFile: String { root.appendingPathComponent("worker.pw").path }
  var recoveryFile: String { root.appendingPathComponent("recovery.txt").path }
  private(set) var outputs: [HavenProcess.Result] = []
  /// The server database of a PostgreSQL vault (nil: the embedded SQLite file).
  let server: ServerDatabase?

  init(initialise: Bool = true, store: TestStore = .sqlite) throws {
    server = try store.serverDatabase()
    root = FileManager.default.temporaryDirectory.appendingPathComponent("haven-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try Self.writePrivate(CLIFixture.adminSecret + "\n", to: adminFile)
    try Self.writePrivate(CLIFixture.workerSecret + "\n", to: workerFile)
    if initialise {
      let result = try run(
        [
          "init", "--admin", "ada", "--name", "Test Partnership", "--kdf", "interactive", "--passphrase-file", adminFile,
          "--recovery-key-out", recoveryFile,
        ] + storeArguments)
      #expect(result.status == 0, "\(result.stderr)")
    }
  }

  deinit {
    try? FileManager.default.removeItem(at: root)
  }

  /// `haven init`'s options for this fixture's store: a workstation connects as the application
  /// role; the schema is created as its owner.
  var storeArguments: [String] {
    guard let server else { return [] }
    return ["--store", server.appURI, "--schema-owner", server.ownerURI]
  }

  /// Writes a passphrase file readable by its owner only: haven refuses one that group or others
  /// can read, whatever the umask of the machine running the tests.
  static func writePrivate(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    guard chmod(path, 0o600) == 0 else { throw CocoaError(.fileWriteNoPermission) }
  }

  /// Runs haven against this vault; every output is kept so tests can check none leaks a secret.
  @discardableResult
  func run(
    _ arguments: [String], environment: [String: String] = [:], detached: Bool = false, standardInput: String? = nil
  ) throws -> HavenProcess.Result {
    let result = try HavenProcess.run(
      arguments, environment: ["HAVEN_VAULT": vault].merging(environment) { $1 }, detached: detached,
      standardInput: standardInput)
    outputs.append(result)
    return result
  }

  @discardableResult
  func asAdmin(_ arguments: [String]) throws -> HavenProcess.Result {
    try run(arguments + ["--user", "ada", "--passphrase-file", adminFile])
  }

  @discardableResult
  func asUser(_ name: String, _ arguments: [String]) throws -> HavenProcess.Result {
    try run(arguments + ["--user", name, "--passphrase-file", workerFile])
  }

  /// The integer a query gives, read from whichever store holds the vault (an observer's view:
  /// the SQLite file, or the server as its administrator).
  func count(_ sql: String) throws -> Int {
    if let server {
      return Int(try server.superuser(sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
    return try DatabaseQueue(path: vault + "/vault.sqlite").read { try Int.fetchOne($0, sql: sql) ?? -1 }
  }

  func json(_ result: HavenProcess.Result) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }
}
