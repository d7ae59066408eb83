// swift-tools-version:6.1
// Haven's benchmark suite (docs/performance.md), kept out of the main package so that
// `make test` and CI never build the harness. Run it with `make bench`.
import Foundation
import PackageDescription

// A path dependency is named after its directory, which is whatever the clone was called.
let haven = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "HavenBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    .executableTarget(
      name: "VaultBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "HavenVault", package: haven),
        .product(name: "HavenCrypto", package: haven),
        .product(name: "HavenImport", package: haven),
        .product(name: "HavenExport", package: haven),
        .product(name: "CSodium", package: haven),
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      path: "Benchmarks/VaultBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ],
  swiftLanguageModes: [.v6]
)
