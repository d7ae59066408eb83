import Foundation

/// A real PostgreSQL server for the tests, started once per test process by
/// `scripts/pg-cluster.sh` (initdb into a temporary directory, loopback, a random port, TLS from
/// a test CA, scram passwords in a 0600 passfile) and stopped when the process exits. Each test
/// takes its own database. No mock: every server-store test talks to this server through libpq.
public final class PostgresCluster: @unchecked Sendable {
  public let directory: String
  public let port: Int
  public let caFile: String
  public let passFile: String
  public let dataDirectory: String
  private let lock = NSLock()
  private var databases = 0

  /// Started on first use; a failure to start is reported by every test that needs it.
  public static let shared: Result<PostgresCluster, Error> = Result { try PostgresCluster() }

  public static func start() throws -> PostgresCluster { try shared.get() }

  /// The repository root, from this file's path.
  public static var repository: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  private init() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haven-pg-\(UUID().uuidString)").path
    let output = try Self.script(["start", directory])
    let values = Self.values(output)
    guard let port = values["PORT"].flatMap(Int.init), let ca = values["CA"], let pass = values["PASSFILE"],
      let data = values["DATA"]
    else { throw ClusterError.failed("pg-cluster.sh start printed no settings: \(output)") }
    self.directory = directory
    self.port = port
    caFile = ca
    passFile = pass
    dataDirectory = data
    clusterToStop = directory
    atexit { if let directory = clusterToStop { _ = try? PostgresCluster.script(["stop", directory]) } }
  }

  /// A new, empty database owned by `haven_owner`, with the URIs to reach it.
  public func newDatabase() throws -> ServerDatabase {
    let name: String = lock.withLock {
      databases += 1
      return "haven_\(getpid())_\(databases)"
    }
    let values = Self.values(try Self.script(["newdb", directory, name]))
    guard let owner = values["OWNER_URI"], let app = values["APP_URI"], let plain = values["PLAIN_APP_URI"] else {
      throw ClusterError.failed("pg-cluster.sh newdb printed no URIs")
    }
    return ServerDatabase(name: name, ownerURI: owner, appURI: app, plainAppURI: plain, cluster: self)
  }

  /// Runs SQL as the cluster's superuser over its Unix socket (to play the server's administrator).
  @discardableResult
  public func superuser(_ sql: String, database: String) throws -> String {
    let bin =
      try String(contentsOfFile: directory + "/cluster.env", encoding: .utf8).split(separator: "\n")
      .first { $0.hasPrefix("BIN=") }.map { String($0.dropFirst(4)) } ?? ""
    var arguments = [
      "\(bin)/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory + "/socket",
      "-p", "\(port)", "-U", "postgres", "-d", database, "-c", sql,
    ]
    if getuid() == 0 { arguments = ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments }
    return try Self.run(arguments)
  }

  public static func script(_ arguments: [String]) throws -> String {
    try run(["/bin/bash", repository.appendingPathComponent("scripts/pg-cluster.sh").path] + arguments)
  }

  /// Runs a command with posix_spawn and waitpid, its output in temporary files. Not Foundation's
  /// Process: its exit was sometimes never noticed here once `pg_ctl` had left a server running,
  /// and a pipe's write end inherited by that server would never reach its end.
  public static func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("pg-run-\(UUID().uuidString)").path
    defer {
      unlink(base + ".out")
      unlink(base + ".err")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { environment.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
    guard spawned == 0 else { throw ClusterError.failed("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = FileManager.default.contents(atPath: base + ".out") ?? Data()
    let errors = FileManager.default.contents(atPath: base + ".err") ?? Data()
    let exited = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
    guard exited || allowFailure else {
      throw ClusterError.failed("\(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
    }
    return String(decoding: output, as: UTF8.self)
  }

  public static func values(_ output: String) -> [String: String] {
    var values: [String: String] = [:]
    for line in output.split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      values[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return values
  }
}

nonisolated(unsafe) private var clusterToStop: String?

/// One test's database on the shared cluster.
public struct ServerDatabase: Sendable {
  public let name: String
  /// The schema owner's URI (creates the schema, grants the application role).
  public let ownerURI: String
  /// What a workstation uses: the application role, TLS verify-full against the test CA.
  public let appURI: String
  /// The application role over a plain connection (sslmode=disable).
  public let plainAppURI: String
  public let cluster: PostgresCluster

  /// Runs SQL in this database as the superuser.
  @discardableResult
  public func superuser(_ sql: String) throws -> String { try cluster.superuser(sql, database: name) }
}

public enum ClusterError: Error, CustomStringConvertible {
  case failed(String)
  public var description: String {
    switch self {
    case .failed(let text): "the test PostgreSQL cluster: \(text)"
    }
  }
}
