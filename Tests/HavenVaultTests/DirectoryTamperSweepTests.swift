import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// Flips random bytes in the signed directory's entries and in every grant's signature, one at a
/// time on a fresh copy of a worked vault: every change must be refused at the next unlock (or,
/// for a grant, when the key is used), never acted on. 3 flips per row and column in `make test`,
/// 20 with `HAVEN_SOAK=1`.
@Suite("Tamper: the signed directory and grant signatures")
struct DirectoryTamperSweepTests {
  static var flips: Int { ProcessInfo.processInfo.environment["HAVEN_SOAK"] == "1" ? 20 : 3 }

  @Test("every flipped byte of a directory entry or a grant signature is refused")
  func sweep() throws {
    let fixture = try DirectoryAttackTests.vault()
    let wendy = try fixture.unlock("wendy")
    var details = SurvivorDetails(name: "Testperson Sweep")
    details.dateOfBirth = try CalendarDate(parsing: "2008-01-02")
    _ = try wendy.addSurvivor(team: "north", details: details)
    let original = fixture.root.appendingPathComponent("original.sqlite").path
    try fixture.rawDatabase().writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [original]) }
    let targets = try fixture.rawDatabase().read { db in
      try Int64.fetchAll(db, sql: "SELECT seq FROM directory_entries").flatMap { seq in
        [("directory_entries", "seq", seq, "body"), ("directory_entries", "seq", seq, "signature")]
      }
        + Int64.fetchAll(
          db, sql: "SELECT id FROM key_grants WHERE recipient_user_id = (SELECT id FROM users WHERE name = 'wendy')"
        )
        .map { ("key_grants", "id", $0, "granter_signature") }
    }
    #expect(targets.count > 20)
    var random = SystemRandomNumberGenerator()
    var trials = 0
    for (table, key, id, column) in targets {
      for _ in 0..<Self.flips {
        try FileManager.default.removeItem(atPath: fixture.path + "/vault.sqlite")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.path + "/vault.sqlite" + suffix) }
        try FileManager.default.copyItem(atPath: original, toPath: fixture.path + "/vault.sqlite")
        try fixture.rawDatabase().write { db in
          var bytes = [UInt8](try Data.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE \(key) = ?", arguments: [id])!)
          let index = Int.random(in: 0..<bytes.count, using: &random)
          bytes[index] ^= UInt8.random(in: 1...255, using: &random)
          try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(key) = ?", arguments: [Data(bytes), id])
        }
        trials += 1
        do {
          let session = try fixture.unlock("wendy")
          // A grant's signature is checked when the key is used.
          _ = try session.findSurvivors(by: .name("Testperson Sweep"))
          _ = try session.addSurvivor(team: "north", details: details)
          Issue.record("a flipped byte in \(table).\(column) (\(key) \(id)) was accepted")
        } catch let error as VaultError {
          #expect(error.category == .dataError, "\(table).\(column): \(error)")
        }
      }
    }
    #expect(trials == targets.count * Self.flips)
  }
}
