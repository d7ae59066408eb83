import Benchmark
import Foundation
import GRDB
import HavenVault

/// Workload 2: every case file read whole and decrypted through the vault API
/// (`readCaseFiles`: one transaction, each file audited), against the floor reading and
/// decrypting the same rows.
enum ReadBenchmarks {
  static func register() {
    for survivors in BenchmarkSettings.sizes {
      let label = BenchmarkSettings.label(survivors)
      let session = WorkingSession()
      Benchmark("2 read vault \(label)", configuration: InsertBenchmarks.configuration(survivors)) { benchmark in
        var fields = 0
        let read = try session.get().readCaseFiles { file in
          fields += file.referrals.count + file.sessions.count + file.outcomes.count
          blackHole(file)
        }
        guard read == survivors else { throw BenchmarkSetupError("read \(read) case files of \(survivors)") }
        blackHole(fields)
      } setup: {
        try session.open(copyOf: try PreparedVaults.populated(survivors: survivors), as: "wendy")
      } teardown: {
        session.close()
      }

      let floor = SetupState<DatabaseQueue>()
      let floorPath = NSTemporaryDirectory() + "haven-bench-read-floor-\(survivors)"
      Benchmark("2 read floor \(label)", configuration: InsertBenchmarks.configuration(survivors)) { benchmark in
        blackHole(try EncryptionFloor.read(try floor.get()))
      } setup: {
        PreparedVaults.remove(floorPath)
        let stored = try StoredRows.load(fromVault: try PreparedVaults.populated(survivors: survivors))
        let queue = try EncryptionFloor.emptyCopy(of: stored, at: floorPath)
        try EncryptionFloor.insert(stored, into: queue)
        floor.value = queue
      } teardown: {
        floor.value = nil
        PreparedVaults.remove(floorPath)
      }
    }
  }
}
