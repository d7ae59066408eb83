// swift-tools-version:6.1
// Haven: a secure, offline record vault for survivor-support services.
// Dependency direction (never the other way): CSodium <- HavenCrypto <- HavenVault (over HavenStore) <- HavenImport, HavenExport <- HavenCLI.
import PackageDescription

let package = Package(
  name: "Haven",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "haven", targets: ["HavenCLI"]),
    .executable(name: "haven-synth", targets: ["HavenSynth"]),
    .library(name: "HavenVault", targets: ["HavenVault"]),
    .library(name: "HavenCrypto", targets: ["HavenCrypto"]),
    .library(name: "HavenImport", targets: ["HavenImport"]),
    .library(name: "HavenExport", targets: ["HavenExport"]),
    // The C module, for the benchmark floor's raw libsodium calls (Benchmarks/).
    .library(name: "CSodium", targets: ["CSodium"]),
    .library(name: "HavenFuzz", type: .dynamic, targets: ["HavenFuzz"]),
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
  ],
  targets: [
    .systemLibrary(
      name: "CSodium",
      pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"])]
    ),
    // libpq, PostgreSQL's own client library (Debian's libpq-dev), for the server store.
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]
    ),
    .target(name: "HavenCrypto", dependencies: ["CSodium"]),
    // prctl(2) for the CLI's process hardening (variadic in C, so not callable from Swift).
    .target(name: "CProcessControl"),
    // The storage seam: SQL in, rows out, from SQLite (GRDB) or PostgreSQL (libpq). No crypto,
    // no vault schema.
    .target(
      name: "HavenStore",
      dependencies: [
        "CLibPQ", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]),
    .target(name: "HavenVault", dependencies: ["HavenCrypto", "HavenStore"]),
    .target(
      name: "HavenImport",
      dependencies: ["HavenVault", .product(name: "CSV", package: "CSV.swift")]
    ),
    .target(
      name: "HavenExport",
      dependencies: ["HavenVault", "HavenCrypto", .product(name: "CSV", package: "CSV.swift")]
    ),
    .executableTarget(
      name: "HavenCLI",
      dependencies: [
        "HavenVault", "HavenCrypto", "HavenImport", "HavenExport", "CProcessControl",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // libFuzzer entry points (scripts/fuzz.sh); an ordinary library in normal builds.
    .target(name: "HavenFuzz", dependencies: ["HavenImport", "HavenExport", "HavenVault", "HavenCrypto"]),
    .executableTarget(
      name: "HavenSynth",
      dependencies: [
        "HavenVault", .product(name: "CSV", package: "CSV.swift"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Starts the tests' own PostgreSQL cluster (scripts/pg-cluster.sh); used by the test targets only.
    .target(name: "HavenTestSupport", path: "Tests/HavenTestSupport"),
    .testTarget(name: "HavenCryptoTests", dependencies: ["HavenCrypto"]),
    .testTarget(
      name: "HavenExportTests",
      dependencies: [
        "HavenExport", "HavenVault", "HavenCrypto", .product(name: "CSV", package: "CSV.swift"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(name: "HavenImportTests", dependencies: ["HavenImport", "HavenVault", "HavenCrypto"]),
    .testTarget(
      name: "HavenVaultTests",
      dependencies: [
        "HavenVault", "HavenCrypto", "HavenStore", "HavenTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(
      name: "HavenCLITests",
      // The commands run as a process. HavenCrypto to play an attacker who recomputes digests;
      // HavenVault only to build a format-5 vault for the upgrade tests (Format5Vault.swift).
      dependencies: [
        "HavenCrypto", "HavenVault", "HavenStore", "HavenTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
