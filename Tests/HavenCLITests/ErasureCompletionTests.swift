import Foundation
import GRDB
import Testing

/// Issue 20, item 3: an erasure is reported complete only when the WAL holds none of the erased
/// record's pages. With another reader holding an older snapshot, `erase` says it is committed but
/// not complete; `haven status` completes it once the reader has gone, and then no byte of the
/// record's ciphertexts is left in the vault's files.
@Suite("Erasure completes honestly")
struct ErasureCompletionTests {
  static func vaultFiles(_ cli: CLIFixture) throws -> [Data] {
    try FileManager.default.contentsOfDirectory(atPath: cli.vault).filter { $0.hasPrefix("vault.sqlite") }.map {
      try Data(contentsOf: URL(fileURLWithPath: cli.vault + "/" + $0))
    }
  }

  /// A partnership with one survivor, and the admin made a member so they may erase it.
  static func survivorToErase(_ name: String) throws -> (PartnershipFixture, String) {
    let fixture = try PartnershipFixture()
    let reference = try fixture.addSurvivor(name)
    try fixture.cli.asAdmin(["team", "add-member", "trauma-service", "ada"])
    try fixture.cli.asUser("wendy", ["status"])  // delivers the team key to ada
    return (fixture, reference)
  }

  @Test("a reader holding a snapshot during an erasure: reported committed, not complete; completed later by status")
  func readerDuringErasure() throws {
    let (fixture, reference) = try Self.survivorToErase("Testperson Erasure Canary")
    let cli = fixture.cli
    let database = cli.vault + "/vault.sqlite"
    let ciphertexts = try DatabaseQueue(path: database).read { db in
      try Row.fetchOne(db, sql: "SELECT wrapped_record_key, name, reference FROM survivors")!.databaseValues.compactMap {
        Data.fromDatabaseValue($0)
      }
    }
    #expect(ciphertexts.count == 3)

    let reader = try DatabaseQueue(path: database)
    try reader.read { db in
      _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM survivors")  // holds this snapshot open
      let erased = try cli.asAdmin(["survivor", "erase", reference, "--reason", "the survivor asked"])
      #expect(erased.status == 0, "\(erased.stderr)")
      #expect(erased.stdout.contains("is committed") && erased.stdout.contains("NOT yet complete"), "\(erased.stdout)")
      #expect(!erased.stdout.contains("nothing of it remains"))
      let status = try cli.asAdmin(["status"])
      #expect(status.stdout.contains("1 committed but not yet complete"), "\(status.stdout)")
    }
    try reader.close()

    let status = try cli.asAdmin(["status", "--json"])
    let counts = (try cli.json(status) as? [String: Any])?["counts"] as? [String: Int]
    #expect(counts?["pendingErasures"] == 0, "\(status.stdout)")
    for file in try Self.vaultFiles(cli) {
      for ciphertext in ciphertexts { #expect(file.range(of: ciphertext) == nil, "an erased ciphertext is still on disk") }
    }
    let log = try cli.asAdmin(["audit", "log", "--json"])
    #expect(log.stdout.contains("erasure(s) complete"))
  }

  @Test("with no other reader, an erasure is complete at once")
  func erasureCompleteAtOnce() throws {
    let (fixture, reference) = try Self.survivorToErase("Testperson Erased Alone")
    let erased = try fixture.cli.asAdmin(["survivor", "erase", reference, "--reason", "asked"])
    #expect(erased.status == 0)
    #expect(erased.stdout.contains("nothing of it remains in the vault's files"), "\(erased.stdout)")
  }
}
