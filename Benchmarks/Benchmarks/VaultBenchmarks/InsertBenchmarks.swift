import Benchmark
import Foundation
import HavenVault

/// Workload 1: N survivors with their referrals, sessions, outcomes and consent decisions
/// imported through the vault API (`importRecords`, one transaction per file, every record
/// audited), against the floor writing the same rows.
enum InsertBenchmarks {
  static func register() {
    for survivors in BenchmarkSettings.sizes {
      let label = BenchmarkSettings.label(survivors)
      let batches = SetupState<[ImportBatch]>()
      Benchmark("1 insert vault \(label)", configuration: configuration(survivors)) { benchmark in
        let path = NSTemporaryDirectory() + "haven-bench-insert-\(UUID().uuidString)"
        try BenchmarkVault.create(at: path)
        let worker = try BenchmarkVault.unlock(path, "wendy")
        benchmark.startMeasurement()
        var references: [SurvivorReference] = []
        for batch in try batches.get() { references += try worker.importRecords(batch).references }
        benchmark.stopMeasurement()
        try PreparedVaults.adopt(path, references: references, asPopulated: survivors)
        PreparedVaults.remove(path)
      } setup: {
        batches.value = try SyntheticFiles.batches(survivors: survivors)
      }

      let stored = SetupState<StoredRows>()
      Benchmark("1 insert floor \(label)", configuration: configuration(survivors)) { benchmark in
        let path = NSTemporaryDirectory() + "haven-bench-floor-\(UUID().uuidString)"
        defer { PreparedVaults.remove(path) }
        let queue = try EncryptionFloor.emptyCopy(of: try stored.get(), at: path)
        benchmark.startMeasurement()
        try EncryptionFloor.insert(try stored.get(), into: queue)
        benchmark.stopMeasurement()
      } setup: {
        stored.value = try StoredRows.load(fromVault: try PreparedVaults.populated(survivors: survivors))
      }
    }
  }

  static func configuration(_ survivors: Int) -> Benchmark.Configuration {
    BenchmarkSettings.configuration(warmup: 0, seconds: 600, iterations: survivors >= 100_000 ? 1 : 3)
  }
}
