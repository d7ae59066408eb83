import Benchmark
import Foundation
import HavenExport
import HavenVault

/// Workload 5: the commissioner's report for 2024/25 (`ReportExport.make`: every consenting
/// survivor read with the statistics key alone, counted, disclosure-controlled and rendered as
/// HTML, CSV and JSON) over each populated vault, with the process's peak resident memory. The
/// warm-up report leaves every statistics key wrapped (format 11), so the timed ones are what
/// every report after the first costs; "5 agreed report" times the first, every key agreed by
/// X25519 and wrapped again (`rewrapKeys`).
enum ReportBenchmarks {
  static func register() {
    for survivors in BenchmarkSettings.sizes {
      let first = WorkingSession()
      Benchmark(
        "5 agreed report \(BenchmarkSettings.label(survivors))",
        configuration: BenchmarkSettings.configuration(warmup: 0, seconds: 120, iterations: 3)
      ) { benchmark in
        let made = try ReportExport.make(
          session: try first.get(), period: try ReportPeriod.financialYear("2024/25"), filter: ReportFilter(),
          rules: DisclosureRules(), rewrapKeys: true)
        blackHole(made.request)
      } setup: {
        try first.open(copyOf: try PreparedVaults.populated(survivors: survivors), as: "rita")
      } teardown: {
        first.close()
      }
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
