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
      let session = WorkingSession()
      Benchmark(
        "5 report \(BenchmarkSettings.label(survivors))",
        configuration: BenchmarkSettings.configuration(warmup: 1, seconds: 120, iterations: 5)
      ) { benchmark in
        let made = try ReportExport.make(
          session: try session.get(), period: try ReportPeriod.financialYear("2024/25"), filter: ReportFilter(),
          rules: DisclosureRules())
        blackHole(made.request)
      } setup: {
        try session.open(copyOf: try PreparedVaults.populated(survivors: survivors), as: "rita")
      } teardown: {
        session.close()
      }
    }
  }
}
