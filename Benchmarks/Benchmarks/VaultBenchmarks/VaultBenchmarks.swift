import Benchmark

/// Haven's benchmark suite: the seven workloads of docs/performance.md, each figure beside the
/// floor or baseline it is judged against, measured in the same run. `make bench` runs it.
let benchmarks: @Sendable () -> Void = {
  InsertBenchmarks.register()
  ReadBenchmarks.register()
  LookupBenchmarks.register()
  AuditBenchmarks.register()
  ReportBenchmarks.register()
  CommandBenchmarks.register()
  UnlockBenchmarks.register()
}
