import Benchmark
import Foundation
import GRDB
import HavenVault

/// Workload 4: `AuditVerifier.verify` (every leaf hash recomputed, the Merkle tree rebuilt, every
/// signed checkpoint checked) against the floor: a scan of the same rows that reads every column
/// and hashes nothing. On the populated vaults (about 13 entries per survivor) and on the
/// survivors-only vault of the largest lookup size (about one entry per survivor).
enum AuditBenchmarks {
  static func register() {
    let vaults: [(String, () throws -> String)] =
      BenchmarkSettings.sizes.map { n in (BenchmarkSettings.label(n), { try PreparedVaults.populated(survivors: n) }) }
      + BenchmarkSettings.lookupSizes.suffix(1).map { n in
        ("survivors-only \(BenchmarkSettings.label(n))", { try PreparedVaults.survivorsOnly(n) })
      }
    for (label, prepare) in vaults {
      let path = SetupState<String>()
      let configuration = BenchmarkSettings.configuration(warmup: 1, seconds: 60, iterations: 5)
      Benchmark("4 audit verify \(label)", configuration: configuration) { benchmark in
        let result = try AuditVerifier(vaultPath: try path.get()).verify()
        guard result.isIntact else { throw BenchmarkSetupError("the prepared vault's log does not verify") }
        blackHole(result.entries)
      } setup: {
        path.value = try prepare()
      }
      Benchmark("4 audit scan \(label)", configuration: configuration) { benchmark in
        blackHole(try scan(try path.get()))
      } setup: {
        path.value = try prepare()
      }
    }
  }

  /// Reads every column of every entry, in order, as the verifier does, and hashes nothing.
  static func scan(_ vaultPath: String) throws -> Int {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: vaultPath + "/vault.sqlite", configuration: configuration)
    return try queue.read { db in
      var bytes = 0
      let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entries ORDER BY seq")
      while let row = try rows.next() {
        for value in row.databaseValues {
          switch value.storage {
          case .blob(let data): bytes += data.count
          case .string(let text): bytes += text.utf8.count
          case .int64, .double: bytes += 8
          case .null: break
          }
        }
      }
      return bytes
    }
  }

  /// Entries in a prepared vault's log (for the table).
  static func entries(_ vaultPath: String) throws -> Int {
    try DatabaseQueue(path: vaultPath + "/vault.sqlite").read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_entries") ?? 0
    }
  }
}
