import Foundation
import HavenStore
import HavenTestSupport
import Testing

/// A vault kept on PostgreSQL (issue 16), through the real binary against the tests' own server
/// (TLS verify-full against a test CA, scram passwords from a 0600 passfile).
@Suite("Server store: a vault on PostgreSQL through the real binary")
struct ServerStoreTests {
  static func partnership() throws -> PartnershipFixture { try PartnershipFixture(store: .postgres) }

  @Test("the directory holds only the 0600 settings (no password) and key files; the server holds no plaintext")
  func directoryAndServerContents() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let names = try FileManager.default.contentsOfDirectory(atPath: cli.vault).sorted()
    #expect(names == ["keys", "store"])
    let store = cli.vault + "/store"
    #expect((try FileManager.default.attributesOfItem(atPath: store)[.posixPermissions] as? Int) == 0o600)
    let settings = try String(contentsOfFile: store, encoding: .utf8)
    #expect(settings.contains("sslmode=verify-full"))
    #expect(settings.contains("haven_app@"))
    let passwords = try String(contentsOfFile: server.cluster.passFile, encoding: .utf8)
      .split(separator: "\n").map { String($0.split(separator: ":").last ?? "") }
    for password in passwords { #expect(!settings.contains(password)) }

    let reference = try fixture.addSurvivor(
      "Servercanary Person", extra: ["--notes-file", try Self.notes(cli, "Servercanary note text")])
    #expect(try cli.asUser("wendy", ["survivor", "show", reference]).stdout.contains("Servercanary"))
    let dump = try server.superuser("SELECT string_agg(t::text, ' ') FROM survivors t")
    #expect(!dump.isEmpty)
    #expect(!dump.contains("Servercanary"))
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }

  @Test(
    "the application role appends to the log but cannot change, delete, truncate or drop it; the owner is stopped by a trigger")
  func rolesDefendTheLog() throws {
    let fixture = try Self.partnership()
    let server = try #require(fixture.cli.server)
    let app = try PostgresQueue(settings: PostgresSettings(uri: server.appURI), busyTimeoutSeconds: 2)
    for sql in [
      "UPDATE audit_entries SET detail = 'nothing to see' WHERE seq = 1", "DELETE FROM audit_entries WHERE seq = 1",
      "TRUNCATE audit_entries", "DELETE FROM audit_checkpoints", "UPDATE directory_entries SET recorded_at = 'x'",
      "DROP TABLE audit_entries", "ALTER TABLE audit_entries DISABLE TRIGGER ALL", "CREATE TABLE mine (x int)",
    ] {
      #expect(throws: StoreError.self, "\(sql)") { try app.write { db in try db.execute(sql: sql) } }
    }
    let count = try app.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries") } ?? 0
    #expect(count > 0)
    let owner = try PostgresQueue(settings: PostgresSettings(uri: server.ownerURI), busyTimeoutSeconds: 2)
    #expect {
      try owner.write { db in try db.execute(sql: "UPDATE audit_entries SET detail = 'x' WHERE seq = 1") }
    } throws: { error in
      "\(error)".contains("append-only")
    }
    #expect(try fixture.cli.run(["audit", "verify"]).status == 0)
    // A superuser can still disable the trigger and edit: audit verify names it (docs/server-store.md).
    try server.superuser(
      "ALTER TABLE audit_entries DISABLE TRIGGER USER; UPDATE audit_entries SET detail = 'edited' WHERE seq = 2;"
        + " ALTER TABLE audit_entries ENABLE TRIGGER USER")
    let verify = try fixture.cli.run(["audit", "verify"])
    #expect(verify.status == 65, "\(verify.combined)")
  }

  @Test(
    "statements with values: counts after them are right; a failure among them, or the caller's, commits nothing; the connection goes on"
  )
  func statementsWithValues() throws {
    struct CallerStopped: Error {}
    let server = try PostgresCluster.start().newDatabase()
    let queue = try PostgresQueue(settings: PostgresSettings(uri: server.ownerURI), busyTimeoutSeconds: 2)
    try queue.writeWithoutTransaction { db in try db.execute(sql: "CREATE TABLE counted (id BIGINT PRIMARY KEY, v TEXT)") }
    let insert = "INSERT INTO counted (id, v) VALUES (?, ?)"
    try queue.write { db in
      for id in 1...200 { try db.execute(sql: insert, arguments: [id, "x"]) }
      try db.execute(sql: "UPDATE counted SET v = ? WHERE id <= ?", arguments: ["y", 150])
      #expect(db.changesCount == 150)
      #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM counted WHERE v = ?", arguments: ["y"]) == 150)
    }
    #expect(throws: StoreError.self) {
      try queue.write { db in
        try db.execute(sql: insert, arguments: [1000, "before"])
        try db.execute(sql: insert, arguments: [5, "a duplicate key: the server refuses it"])
        try db.execute(sql: insert, arguments: [1001, "after"])
      }
    }
    #expect(throws: CallerStopped.self) {
      try queue.write { db in
        try db.execute(sql: insert, arguments: [2000, "sent, then the caller stops"])
        throw CallerStopped()
      }
    }
    #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM counted") } == 200)
    try queue.write { db in try db.execute(sql: insert, arguments: [3000, "the connection goes on"]) }
    #expect(
      try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM counted WHERE id > ?", arguments: [999]) } == 1)
  }

  @Test("bad connections: no CA, another CA, wrong password, unreachable, plain without the flag, a password in the URI")
  func badConnections() throws {
    let cli = try CLIFixture(initialise: false)
    let server = try PostgresCluster.start().newDatabase()
    func initialise(_ uri: String, _ extra: [String] = []) throws -> HavenProcess.Result {
      try cli.run(
        [
          "init", "--admin", "ada", "--name", "T", "--kdf", "interactive", "--passphrase-file", cli.adminFile,
          "--recovery-key-out", cli.root.appendingPathComponent("r-\(UUID().uuidString)").path, "--store", uri,
        ] + extra)
    }
    let otherCA = cli.root.appendingPathComponent("other-ca.crt").path
    _ = try PostgresCluster.run([
      "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=Another CA", "-keyout", cli.root.appendingPathComponent("other.key").path, "-out", otherCA,
    ])
    let cases: [(String, String, Int32, String)] = [
      ("another CA", server.appURI.replacingOccurrences(of: server.cluster.caFile, with: otherCA), 69, "certificate"),
      (
        "no CA file", server.appURI.replacingOccurrences(of: server.cluster.caFile, with: "/nonexistent/ca.crt"), 69,
        "root certificate"
      ),
      ("wrong password", server.appURI.replacingOccurrences(of: server.cluster.passFile, with: "/dev/null"), 69, "password"),
      ("unreachable", server.appURI.replacingOccurrences(of: ":\(server.cluster.port)/", with: ":1/"), 69, "connect"),
      ("plain without the flag", server.plainAppURI, 64, "--insecure-plaintext"),
      (
        "password in the URI", server.appURI.replacingOccurrences(of: "haven_app@", with: "haven_app:secret@"), 64,
        "password file"
      ),
    ]
    for (name, uri, status, text) in cases {
      let result = try initialise(uri)
      #expect(result.status == status, "\(name): \(result.combined)")
      #expect(result.stderr.contains(text), "\(name): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: cli.vault), "\(name) left a vault directory")
      #expect(!result.combined.contains("secret"))
    }
    let plain = try initialise(server.plainAppURI, ["--insecure-plaintext", "--schema-owner", server.ownerURI])
    #expect(plain.status == 0, "\(plain.combined)")
    #expect(plain.stderr.contains("warning: the connection to the server is not verified"))
  }

  @Test(
    "settings pointing at another vault's database, a newer Haven's schema, a server without a vault: refused, nothing changed")
  func wrongDatabase() throws {
    let first = try CLIFixture(store: .postgres)
    let second = try CLIFixture(store: .postgres)
    let other = try #require(second.server)
    let settings = first.vault + "/store"
    let text = try String(contentsOfFile: settings, encoding: .utf8)
    let uri = try #require(text.split(separator: "\n").first { $0.hasPrefix("uri=") }).dropFirst(4)
    let otherURI = try #require(
      try String(contentsOfFile: second.vault + "/store", encoding: .utf8).split(separator: "\n")
        .first { $0.hasPrefix("uri=") }
    ).dropFirst(4)
    try CLIFixture.writePrivate(text.replacingOccurrences(of: String(uri), with: String(otherURI)), to: settings)
    let mismatch = try first.asAdmin(["status"])
    #expect(mismatch.status == 65, "\(mismatch.combined)")
    #expect(mismatch.stderr.contains("another vault's database"))

    try other.superuser("INSERT INTO haven_migrations (identifier) VALUES ('pg-v99-from-the-future')")
    let newer = try second.asAdmin(["status"])
    #expect(newer.status == 65, "\(newer.combined)")
    #expect(newer.stderr.contains("newer than this haven"))

    let empty = try PostgresCluster.start().newDatabase()
    let attach = try HavenProcess.run([
      "store", "attach", "--vault", first.root.appendingPathComponent("ws2").path, "--store", empty.appURI,
    ])
    #expect(attach.status == 65, "\(attach.combined)")
    #expect(!FileManager.default.fileExists(atPath: first.root.appendingPathComponent("ws2").path))
  }

  @Test(
    "store migrate moves a vault to the server and back, the log verified before and after; backups restore into either store")
  func migrateBackupRestore() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let reference = try fixture.addSurvivor("Migrating Person")
    let server = try PostgresCluster.start().newDatabase()
    let moved = try cli.asAdmin(["store", "migrate", "--to", server.appURI, "--schema-owner", server.ownerURI])
    #expect(moved.status == 0, "\(moved.combined)")
    #expect(!FileManager.default.fileExists(atPath: cli.vault + "/vault.sqlite"))
    #expect(FileManager.default.fileExists(atPath: cli.vault + "/store"))
    #expect(try cli.asUser("wendy", ["survivor", "show", reference]).stdout.contains("Migrating Person"))
    let onServer = try fixture.addSurvivor("Server Person")
    #expect(try cli.run(["audit", "verify"]).status == 0)

    let keyring = ["HAVEN_BACKUP_KEYRING": cli.root.appendingPathComponent("keyring").path]
    let backup = cli.root.appendingPathComponent("server.hvb").path
    let made = try cli.run(
      ["backup", "--out", backup, "--user", "ada", "--passphrase-file", cli.adminFile], environment: keyring)
    #expect(made.status == 0, "\(made.combined)")
    let toFile = cli.root.appendingPathComponent("restored-file").path
    let restored = try cli.run(
      ["restore", backup, "--to", toFile, "--recovery-key-file", cli.recoveryFile], environment: keyring)
    #expect(restored.status == 0, "\(restored.combined)")
    let another = try PostgresCluster.start().newDatabase()
    let toServer = cli.root.appendingPathComponent("restored-server").path
    let restoredOnServer = try cli.run(
      [
        "restore", backup, "--to", toServer, "--recovery-key-file", cli.recoveryFile, "--store", another.appURI,
        "--schema-owner", another.ownerURI,
      ], environment: keyring)
    #expect(restoredOnServer.status == 0, "\(restoredOnServer.combined)")
    for directory in [toFile, toServer] {
      let shown = try HavenProcess.run(
        ["survivor", "show", onServer, "--user", "wendy", "--passphrase-file", cli.workerFile],
        environment: ["HAVEN_VAULT": directory])
      #expect(shown.status == 0, "\(directory): \(shown.combined)")
      #expect(try HavenProcess.run(["audit", "verify", "--vault", directory]).status == 0)
    }
    #expect(FileManager.default.fileExists(atPath: toServer + "/store"))
    #expect(!FileManager.default.fileExists(atPath: toServer + "/vault.sqlite"))

    let back = try cli.asAdmin(["store", "migrate", "--to", "sqlite"])
    #expect(back.status == 0, "\(back.combined)")
    #expect(!FileManager.default.fileExists(atPath: cli.vault + "/store"))
    #expect(try cli.asUser("wendy", ["survivor", "show", onServer]).status == 0)
    let log = try cli.asAdmin(["audit", "log", "--json"]).stdout
    #expect(log.components(separatedBy: "store.migrate").count - 1 == 2)
    #expect(try cli.run(["audit", "verify"]).status == 0)
    #expect(try cli.asUser("wendy", ["store", "migrate", "--to", "sqlite"]).status == 77)
  }

  @Test("four workstations x 500 operations against one server: one log, no fork, no lost entry")
  func fourWorkstations() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let workers = ["w1", "w2", "w3", "w4"]
    for worker in workers {
      #expect(try cli.asAdmin(["user", "add", worker, "--role", "worker", "--new-passphrase-file", cli.workerFile]).status == 0)
      #expect(try cli.asAdmin(["team", "add-member", "trauma-service", worker]).status == 0)
    }
    try cli.asUser("wendy", ["status"])  // delivers the team key to the new members
    let before =
      try Int(server.superuser("SELECT count(*) FROM audit_entries").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    let operations = 500
    final class Outcomes: @unchecked Sendable {
      let lock = NSLock()
      var results: [String: HavenProcess.Result] = [:]
    }
    let outcomes = Outcomes()
    let group = DispatchGroup()
    for worker in workers {
      let workstation = cli.root.appendingPathComponent("ws-\(worker)").path
      let attached = try HavenProcess.run(["store", "attach", "--vault", workstation, "--store", server.appURI])
      #expect(attached.status == 0, "\(attached.combined)")
      try FileManager.default.copyItem(atPath: cli.vault + "/keys/\(worker).key", toPath: workstation + "/keys/\(worker).key")
      let script =
        (0..<operations).map { "survivor add --team trauma-service --name \"\(worker) Person\($0)\"" }
        .joined(separator: "\n") + "\nexit\n"
      let workerFile = cli.workerFile
      DispatchQueue.global().async(group: group) {
        let result = try? HavenProcess.run(
          ["shell", "--user", worker, "--passphrase-file", workerFile], environment: ["HAVEN_VAULT": workstation],
          standardInput: script)
        outcomes.lock.withLock { outcomes.results[worker] = result }
      }
    }
    group.wait()
    for worker in workers {
      let result = try #require(outcomes.results[worker])
      #expect(result.status == 0, "\(worker): \(result.stderr.suffix(600))")
      #expect(result.stdout.components(separatedBy: "HV-").count - 1 == operations, "\(worker) acknowledged too few")
    }
    let survivors = try Int(server.superuser("SELECT count(*) FROM survivors").trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(survivors == workers.count * operations)
    let after =
      try Int(server.superuser("SELECT count(*) FROM audit_entries").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(after - before >= workers.count * operations)
    let gaps = try server.superuser("SELECT count(*) FROM audit_entries WHERE seq > (SELECT count(*) FROM audit_entries)")
    #expect(gaps.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    let forks = try server.superuser(
      "SELECT count(*) FROM (SELECT tree_size FROM audit_checkpoints GROUP BY tree_size"
        + " HAVING count(DISTINCT root_hash) > 1) AS forked")
    #expect(forks.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "two checkpoints of one size with different roots")
    let verify = try cli.run(["audit", "verify", "--json"])
    #expect(verify.status == 0, "\(verify.combined)")
  }

  @Test("a writer waits a bounded time for the lock (exit 75); a connection dropped mid-transaction commits nothing (exit 75)")
  func busyAndDropped() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let owner = try PostgresQueue(settings: PostgresSettings(uri: server.ownerURI), busyTimeoutSeconds: 30)
    let countBefore = try server.superuser("SELECT count(*) FROM survivors")
    let started = Date()
    let blocked: HavenProcess.Result = try owner.write { _ in
      // The owner's write holds the writers' lock for as long as this closure runs.
      try cli.asUser("wendy", ["survivor", "add", "--team", "trauma-service", "--name", "Blocked Person"])
    }
    #expect(blocked.status == 75, "\(blocked.combined)")
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(try server.superuser("SELECT count(*) FROM survivors") == countBefore)

    // Terminate haven's server process while it waits for the lock inside its transaction.
    let dropped: HavenProcess.Result = try owner.write { _ in
      let killer = DispatchQueue.global()
      killer.asyncAfter(deadline: .now() + 1.5) {
        _ = try? server.superuser(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'haven' AND usename = 'haven_app'"
            + " AND datname = '\(server.name)'")
      }
      return try cli.asUser("wendy", ["survivor", "add", "--team", "trauma-service", "--name", "Dropped Person"])
    }
    #expect(dropped.status == 75, "\(dropped.combined)")
    #expect(dropped.stderr.contains("connection"), "\(dropped.stderr)")
    #expect(try server.superuser("SELECT count(*) FROM survivors") == countBefore)
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }

  @Test("on a read-only server every write is refused with its reason (exit 77); reads still work")
  func readOnly() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let reference = try fixture.addSurvivor("Readonly Person")
    try server.cluster.superuser("ALTER DATABASE \(server.name) SET default_transaction_read_only = on", database: "postgres")
    let write = try cli.asUser("wendy", ["survivor", "add", "--team", "trauma-service", "--name", "Another"])
    #expect(write.status == 77, "\(write.combined)")
    #expect(write.stderr.contains("read-only"))
    #expect(try cli.run(["audit", "verify"]).status == 0)
    try server.cluster.superuser("ALTER DATABASE \(server.name) SET default_transaction_read_only = off", database: "postgres")
    #expect(try cli.asUser("wendy", ["survivor", "show", reference]).status == 0)
  }

  @Test(
    "a hot standby (a read-only replica): audited commands refused with the reason (77), nothing written; audit verify reads it")
  func replica() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let reference = try fixture.addSurvivor("Replica Person")
    let values = PostgresCluster.values(try PostgresCluster.script(["standby", server.cluster.directory, server.name]))
    let standbyURI = try #require(values["APP_URI"])
    let station = cli.root.appendingPathComponent("replica-station").path
    var attached = try HavenProcess.run(["store", "attach", "--vault", station, "--store", standbyURI])
    for _ in 0..<50 where attached.status != 0 {  // until the standby has replayed the vault
      Thread.sleep(forTimeInterval: 0.2)
      attached = try HavenProcess.run(["store", "attach", "--vault", station, "--store", standbyURI])
    }
    #expect(attached.status == 0, "\(attached.combined)")
    try FileManager.default.copyItem(atPath: cli.vault + "/keys/wendy.key", toPath: station + "/keys/wendy.key")
    let show = try HavenProcess.run(
      ["survivor", "show", reference, "--user", "wendy", "--passphrase-file", cli.workerFile],
      environment: ["HAVEN_VAULT": station])
    #expect(show.status == 77, "\(show.combined)")
    #expect(show.stderr.contains("read-only replica"))
    #expect(!show.stdout.contains("Replica Person"))
    #expect(try HavenProcess.run(["audit", "verify", "--vault", station]).status == 0)
  }

  @Test("SIGKILL of clients mid-write leaves a log that verifies and a vault that keeps working")
  func killedClients() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    for round in 0..<6 {
      let process = Process()
      process.executableURL = HavenProcess.binary
      process.arguments = [
        "import", try Self.importFile(cli, round: round), "--kind", "survivors", "--user", "wendy",
        "--passphrase-file", cli.workerFile,
      ]
      process.environment = ["HAVEN_VAULT": cli.vault, "PATH": "/usr/bin:/bin"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: 0.15 + Double(round) * 0.1)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    #expect(try cli.run(["audit", "verify"]).status == 0)
    #expect(try fixture.addSurvivor("After The Kills").hasPrefix("HV-"))
    #expect(try cli.run(["audit", "verify"]).status == 0)
  }

  @Test("leak scan: the server's data directory and WAL hold no name, note or passphrase written through haven")
  func leakScan() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let canaries = ["Zebracanary Quillfeather", "Leakcanary note about Harrowgate", CLIFixture.workerSecret]
    let reference = try fixture.addSurvivor(canaries[0], extra: ["--notes-file", try Self.notes(cli, canaries[1])])
    #expect(try cli.asUser("wendy", ["survivor", "show", reference]).stdout.contains(canaries[0]))
    try server.superuser("CHECKPOINT")
    let found = try PostgresCluster.run(
      [
        "/usr/bin/grep", "-r", "-l", "-a", "-F", "-e", canaries[0], "-e", canaries[1], "-e", canaries[2],
        server.cluster.dataDirectory, "--no-messages",
      ], allowFailure: true)
    #expect(found.isEmpty, "canaries found in: \(found)")
    // The scan itself finds what is there: a canary the administrator stores in plain text.
    try server.superuser("CREATE TABLE scan_check (t text); INSERT INTO scan_check VALUES ('Plaincanary Visible'); CHECKPOINT")
    let control = try PostgresCluster.run(
      ["/usr/bin/grep", "-r", "-l", "-a", "-F", "Plaincanary Visible", server.cluster.dataDirectory, "--no-messages"],
      allowFailure: true)
    #expect(!control.isEmpty)
  }

  @Test(
    "an erasure on the server is pending until an admin rewrites the tables as the schema owner; then no byte of it is in them")
  func serverErasure() throws {
    let fixture = try Self.partnership()
    let cli = fixture.cli
    let server = try #require(cli.server)
    let reference = try fixture.addSurvivor("Erasecanary Person")
    try cli.asAdmin(["team", "add-member", "trauma-service", "ada"])
    try cli.asUser("wendy", ["status"])  // delivers the team key to ada
    let ciphertexts = try server.superuser(
      "SELECT encode(wrapped_record_key, 'hex') || ' ' || encode(name, 'hex') || ' ' || encode(reference, 'hex')"
        + " FROM survivors WHERE id = (SELECT max(id) FROM survivors)"
    ).split(separator: " ").map { Self.bytes(hex: String($0)) }
    #expect(ciphertexts.count == 3 && ciphertexts.allSatisfy { $0.count > 16 })
    func tablesHoldingThem() throws -> [String] {
      try server.superuser("CHECKPOINT")
      return try Self.files(under: server.cluster.dataDirectory + "/base").filter { path in
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return ciphertexts.contains { data.range(of: $0) != nil }
      }
    }
    #expect(try !tablesHoldingThem().isEmpty, "the scan finds the live row")

    let erased = try cli.asAdmin(["survivor", "erase", reference, "--reason", "the survivor asked"])
    #expect(erased.status == 0, "\(erased.combined)")
    #expect(erased.stdout.contains("NOT yet complete") && erased.stdout.contains("store complete-erasures"), "\(erased.stdout)")
    #expect(try !tablesHoldingThem().isEmpty, "the server keeps the old row version after the DELETE")
    let status = try cli.asAdmin(["status", "--json"])
    let view = try cli.json(status) as? [String: Any]
    #expect((view?["counts"] as? [String: Int])?["pendingErasures"] == 1, "\(status.stdout)")
    #expect(view?["pendingErasureReason"] as? String == "server-keeps-old-row-versions", "\(status.stdout)")
    #expect(try cli.asAdmin(["status"]).stdout.contains("an admin runs 'haven store complete-erasures"))

    // Only an admin; only the tables' owner; only this vault's database.
    let worker = try cli.asUser("wendy", ["store", "complete-erasures", "--schema-owner", server.ownerURI])
    #expect(worker.status == 77, "\(worker.combined)")
    let asApplication = try cli.asAdmin(["store", "complete-erasures", "--schema-owner", server.appURI])
    #expect(asApplication.status == 77, "\(asApplication.combined)")
    #expect(asApplication.stderr.contains("does not own every table"))
    let other = try PartnershipFixture(store: .postgres)
    let elsewhere = try cli.asAdmin(["store", "complete-erasures", "--schema-owner", try #require(other.cli.server).ownerURI])
    #expect(elsewhere.status == 65, "\(elsewhere.combined)")
    #expect(elsewhere.stderr.contains("another database"))
    #expect(try !tablesHoldingThem().isEmpty)

    let completed = try cli.asAdmin(["store", "complete-erasures", "--schema-owner", server.ownerURI])
    #expect(completed.status == 0, "\(completed.combined)")
    #expect(completed.stdout.contains("Completed 1 erasure(s)") && completed.stdout.contains("write-ahead log"))
    #expect(try tablesHoldingThem().isEmpty, "an erased ciphertext is still in the server's tables")
    let after = try cli.json(try cli.asAdmin(["status", "--json"])) as? [String: Any]
    #expect((after?["counts"] as? [String: Int])?["pendingErasures"] == 0)
    #expect(after?["pendingErasureReason"] == nil)
    #expect(try cli.asAdmin(["audit", "log", "--json"]).stdout.contains("erasure(s) complete on the server"))
    #expect(try cli.run(["audit", "verify"]).status == 0)
    let again = try cli.asAdmin(["store", "complete-erasures", "--schema-owner", server.ownerURI])
    #expect(again.status == 0 && again.stdout.contains("No erasure is waiting"), "\(again.combined)")
    #expect(try fixture.addSurvivor("After The Rewrite").hasPrefix("HV-"))
  }

  static func bytes(hex: String) -> Data {
    var data = Data()
    var index = hex.startIndex
    while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), next > index {
      guard let byte = UInt8(hex[index..<next], radix: 16) else { break }
      data.append(byte)
      index = next
    }
    return data
  }

  static func files(under directory: String) throws -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    return enumerator.compactMap { $0 as? String }.map { directory + "/" + $0 }.filter { path in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
  }

  static func importFile(_ cli: CLIFixture, round: Int) throws -> String {
    let path = cli.root.appendingPathComponent("import-\(round).csv").path
    var text = "team,name,dob\n"
    for index in 0..<300 { text += "trauma-service,Imported\(round) Person\(index),2001-02-03\n" }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func notes(_ cli: CLIFixture, _ text: String) throws -> String {
    let path = cli.root.appendingPathComponent("notes-\(UUID().uuidString).txt").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
