import Benchmark
import Foundation

/// What `make bench` hands the suite through the environment: where the release binaries are,
/// where prepared vaults are kept between benchmark processes, and which sizes to run.
enum BenchmarkSettings {
  private static let environment = ProcessInfo.processInfo.environment

  /// Each benchmark runs in its own process, so vaults built for one are kept here for the rest.
  static let cache = environment["HAVEN_BENCH_CACHE"] ?? NSTemporaryDirectory() + "haven-bench-cache"
  /// The release `haven` binary, for the whole-process command benchmarks.
  static let haven = environment["HAVEN_BIN"] ?? "../.build/release/haven"
  /// The release `haven-synth` binary, which writes the synthetic partnership's import files.
  static let synth = environment["HAVEN_SYNTH"] ?? "../.build/release/haven-synth"
  /// Survivors in the populated vaults (insert, read, report, audit verify, commands at the largest).
  static let sizes = sizeList("HAVEN_BENCH_SIZES", default: [1_000, 10_000, 100_000])
  /// Survivors in the vaults the blind-index lookup is measured on.
  static let lookupSizes = sizeList("HAVEN_BENCH_LOOKUP_SIZES", default: [10_000, 100_000, 1_000_000])

  private static func sizeList(_ name: String, default value: [Int]) -> [Int] {
    guard let text = environment[name] else { return value }
    return text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
  }

  /// "N=100000": how sizes appear in benchmark names, which scripts/bench-table.py reads.
  static func label(_ survivors: Int) -> String { "N=\(survivors)" }
}

/// A failure of the suite's own preparation (a missing binary, a synthetic file that did not
/// appear); the vault's own errors pass through as `VaultError`.
struct BenchmarkSetupError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

extension BenchmarkSettings {
  /// Every benchmark records wall time and peak resident memory, in fixed units (microseconds,
  /// kilobytes), because scripts/bench-table.py reads the harness's raw samples.
  static let metrics: [BenchmarkMetric] = [.wallClock, .peakMemoryResident]
  static var timeUnits: BenchmarkTimeUnits { .microseconds }

  /// The harness's settings for one benchmark: at most `iterations` runs or `seconds` of them.
  static func configuration(warmup: Int, seconds: Int, iterations: Int) -> Benchmark.Configuration {
    .init(
      metrics: metrics, timeUnits: timeUnits, warmupIterations: warmup, maxDuration: .seconds(seconds),
      maxIterations: iterations)
  }
}
