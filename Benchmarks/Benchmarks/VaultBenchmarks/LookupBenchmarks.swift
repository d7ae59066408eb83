import Benchmark
import Foundation
import HavenVault

/// Workload 3: finding a survivor by reference through the blind index. `per 1000`: a thousand
/// random references in one `findSurvivors(byEach:)` call (index value, index probe, row fetch,
/// record-key unwrap, decryption of the summary fields, an audit entry each), so the figure per
/// lookup is the in-process cost without one durable commit each. `single`: one whole
/// `findSurvivors(by:)` call, its own transaction, signed checkpoint and fsync included.
enum LookupBenchmarks {
  static let batch = 1000

  static func register() {
    for survivors in BenchmarkSettings.lookupSizes {
      let label = BenchmarkSettings.label(survivors)
      let session = WorkingSession()
      let references = SetupState<[SurvivorReference]>()
      let setup: Benchmark.BenchmarkSetupHook = {
        try session.open(copyOf: try PreparedVaults.survivorsOnly(survivors), as: "wendy")
        references.value = try PreparedVaults.references(of: try PreparedVaults.survivorsOnly(survivors))
      }
      let teardown: Benchmark.BenchmarkTeardownHook = { session.close() }
      var random = SystemRandomNumberGenerator()
      Benchmark(
        "3 lookup per \(batch) \(label)",
        configuration: BenchmarkSettings.configuration(warmup: 1, seconds: 20, iterations: 20)
      ) { benchmark in
        let all = try references.get()
        let wanted = (0..<batch).map { _ in SurvivorSearch.reference(all.randomElement(using: &random)!) }
        benchmark.startMeasurement()
        let found = try session.get().findSurvivors(byEach: wanted)
        benchmark.stopMeasurement()
        guard found.allSatisfy({ $0.count == 1 }) else { throw BenchmarkSetupError("a lookup missed") }
      } setup: {
        try await setup()
      } teardown: {
        try await teardown()
      }
      Benchmark(
        "3 lookup single \(label)",
        configuration: BenchmarkSettings.configuration(warmup: 3, seconds: 10, iterations: 200)
      ) { benchmark in
        let wanted = SurvivorSearch.reference(try references.get().randomElement(using: &random)!)
        benchmark.startMeasurement()
        let found = try session.get().findSurvivors(by: wanted)
        benchmark.stopMeasurement()
        guard found.count == 1 else { throw BenchmarkSetupError("a lookup missed") }
      } setup: {
        try await setup()
      } teardown: {
        try await teardown()
      }
    }
  }
}
