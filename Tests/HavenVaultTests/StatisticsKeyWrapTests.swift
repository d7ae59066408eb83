import Foundation
import HavenCrypto
import HavenStore
import Testing

@testable import HavenVault

/// A report's first read stores each survivor's statistics key wrapped for the `reporting` role
/// (format 11), so later reports skip an X25519 agreement per survivor. The wraps are a shortcut,
/// never a weaker path: each is bound to its survivor and their current keys, an altered one is
/// refused as damage, and it goes with the survivor.
@Suite("Statistics key wraps: the report's shortcut to each survivor's statistics key")
struct StatisticsKeyWrapTests {
  static func consentingSurvivors(_ fixture: VaultFixture, count: Int) throws -> [SurvivorReference] {
    let wendy = try fixture.unlock("wendy")
    return try (1...count).map { index in
      let reference = try wendy.addSurvivor(
        team: "trauma-service",
        details: SurvivorDetails(name: "Testperson \(index)", district: "Rotherham", cohort: .victimSurvivor))
      _ = try wendy.recordConsent(
        reference, purpose: .statistics, decision: .granted, date: try CalendarDate(parsing: "2024-01-01"), method: .written)
      return reference
    }
  }

  static func wraps(_ fixture: VaultFixture) throws -> [Int64: Data] {
    try fixture.rawDatabase().read { db in
      Dictionary(
        uniqueKeysWithValues: try StoreRow.fetchAll(db, sql: "SELECT survivor_id, wrapped FROM statistics_key_wraps").map {
          ($0[0] as Int64, $0[1] as Data)
        })
    }
  }

  static func lastStatisticsDetail(_ fixture: VaultFixture) throws -> String {
    try #require(try fixture.auditEntries().last { $0["action"] == "statistics.read" }?["detail"] as String?)
  }

  @Test("the first read wraps every key; later reads open the wraps and count the same")
  func wrappedOnceThenUsed() throws {
    let fixture = try CaseRecordTests.partnership()
    _ = try Self.consentingSurvivors(fixture, count: 3)
    let rita = try fixture.unlock("rita")
    let first = try rita.survivorStatistics()
    #expect(first.survivors.count == 3)
    let made = try Self.wraps(fixture)
    #expect(made.keys.sorted() == [1, 2, 3])
    #expect(try Self.lastStatisticsDetail(fixture).hasSuffix("; 3 statistics keys wrapped for later reads"))

    let second = try rita.survivorStatistics()
    #expect(second.survivors == first.survivors)
    #expect(try Self.wraps(fixture) == made, "a stored wrap was made again")
    #expect(!(try Self.lastStatisticsDetail(fixture).contains("wrapped")))

    // The wraps are what the second read used: one altered byte is refused as damage, where an
    // agreement would not have noticed.
    try fixture.rawDatabase().write { db in
      var altered = [UInt8](made[2]!)
      altered[30] ^= 0x01
      try db.execute(sql: "UPDATE statistics_key_wraps SET wrapped = ? WHERE survivor_id = 2", arguments: [Data(altered)])
    }
    #expect(throws: VaultError.fieldAuthenticationFailed(table: "statistics_key_wraps", recordID: 2, field: "wrapped")) {
      _ = try rita.survivorStatistics()
    }
    #expect(
      VaultError.fieldAuthenticationFailed(table: "statistics_key_wraps", recordID: 2, field: "wrapped").hint?.contains(
        "--rewrap-keys") == true)
    // Rewrapping agrees every key again and replaces every wrap.
    var rewrapped: [Int64] = []
    _ = try rita.readStatisticalCases(consentFor: .statistics, rewrapKeys: true) { rewrapped.append($0.survivorID) }
    #expect(rewrapped == [1, 2, 3])
    let replaced = try Self.wraps(fixture)
    #expect(replaced.keys.sorted() == [1, 2, 3] && replaced[2] != made[2] && replaced[1] != made[1])
    #expect(try rita.survivorStatistics().survivors == first.survivors)
  }

  @Test("a wrap moved to another survivor fails; a change of keys drops it; erasure takes it")
  func boundToItsSurvivor() throws {
    let fixture = try CaseRecordTests.partnership()
    let references = try Self.consentingSurvivors(fixture, count: 2)
    let rita = try fixture.unlock("rita")
    _ = try rita.survivorStatistics()
    let made = try Self.wraps(fixture)
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "UPDATE statistics_key_wraps SET wrapped = ? WHERE survivor_id = 1", arguments: [made[2]!])
    }
    #expect(throws: VaultError.fieldAuthenticationFailed(table: "statistics_key_wraps", recordID: 1, field: "wrapped")) {
      _ = try rita.survivorStatistics()
    }
    try fixture.rawDatabase().write { db in
      try db.execute(sql: "UPDATE statistics_key_wraps SET wrapped = ? WHERE survivor_id = 1", arguments: [made[1]!])
      // Whatever writes a survivor's statistics key (a re-key) drops the wrap in the same statement.
      try db.execute(sql: "UPDATE survivors SET statistics_ephemeral_key = statistics_ephemeral_key WHERE id = 2")
    }
    #expect(try Self.wraps(fixture).keys.sorted() == [1])
    #expect(try rita.survivorStatistics().survivors.count == 2)
    #expect(try Self.wraps(fixture).keys.sorted() == [1, 2])

    try fixture.admin().addMember(team: "trauma-service", user: "ada")
    _ = try fixture.unlock("wendy")  // delivers the team key to ada
    #expect(try fixture.admin().eraseSurvivor(references[0], reason: "erasure request") == .complete)
    #expect(try Self.wraps(fixture).keys.sorted() == [2])
    #expect(try AuditVerifier(vaultPath: fixture.path).verify().isIntact)
  }

  @Test("a worker cannot make the wrap key: it comes from the statistics secret alone")
  func onlyStatisticsHolders() throws {
    let fixture = try CaseRecordTests.partnership()
    _ = try Self.consentingSurvivors(fixture, count: 1)
    // Workers write survivors and hold their statistics keys through the record key, yet none of
    // their reads leaves a wrap behind, and they may not run the statistical read at all.
    let wendy = try fixture.unlock("wendy")
    _ = try wendy.readCaseFiles { _ in }
    #expect(try Self.wraps(fixture).isEmpty)
    #expect(throws: VaultError.self) { _ = try wendy.survivorStatistics() }
    #expect(try Self.wraps(fixture).isEmpty)
  }
}
