import Benchmark
import Foundation
import HavenCrypto
import HavenVault

/// Workload 7: opening a vault and unlocking a user at each Argon2id level (the key file's
/// passphrase stretch, then the user's keys, team keys and any key duties). Slow on purpose.
enum UnlockBenchmarks {
  static func register() {
    for level in KDFLevel.allCases {
      let path = NSTemporaryDirectory() + "haven-bench-unlock-\(level.rawValue)-\(getpid())"
      Benchmark(
        "7 unlock \(level.rawValue)",
        configuration: BenchmarkSettings.configuration(warmup: 1, seconds: 30, iterations: 7)
      ) { benchmark in
        blackHole(try BenchmarkVault.unlock(path, "wendy"))
      } setup: {
        try BenchmarkVault.create(at: path, kdf: level)
      } teardown: {
        PreparedVaults.remove(path)
      }
    }
  }
}
