import Benchmark
import Foundation
import HavenExport
import HavenVault

/// Workload 5: the commissioner's report for 2024/25 (`ReportExport.make`: every consenting
/// survivor read with the statistics key alone, counted, disclosure-controlled and rendered as
/// HTML, CSV and JSON) over each populated vault, with the process's peak resident memory.
enum ReportBenchmarks {
  static func register() {
    for survivors in BenchmarkSettings.sizes {
      let session = SetupState<VaultSession>()
      let copy = SetupState<String>()
      Benchmark(
        "5 report \(BenchmarkSettings.label(survivors))",
        configuration: .init(
          metrics: BenchmarkSettings.metrics, timeUnits: BenchmarkSettings.timeUnits, warmupIterations: 1,
          maxDuration: .seconds(120), maxIterations: 5)
      ) { benchmark in
        let made = try ReportExport.make(
          session: try session.get(), period: try ReportPeriod.financialYear("2024/25"), filter: ReportFilter(),
          rules: DisclosureRules())
        blackHole(made.request)
      } setup: {
        copy.value = try PreparedVaults.workingCopy(of: try PreparedVaults.populated(survivors: survivors))
        session.value = try BenchmarkVault.unlock(try copy.get(), "rita")
      } teardown: {
        session.value = nil
        if let path = copy.value { PreparedVaults.remove(path) }
      }
    }
  }
}
