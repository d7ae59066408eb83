import Foundation
import HavenImport
import HavenVault

/// Vaults that several benchmarks read, built once into the cache (each benchmark runs in its own
/// process) and never written by a benchmark: one that writes works on a copy (`workingCopy`).
enum PreparedVaults {
  /// N synthetic survivors with their referrals, sessions, outcomes and consent decisions.
  static func populated(survivors: Int) throws -> String {
    try prepared("populated-\(survivors)") { path in
      try BenchmarkVault.create(at: path)
      return try BenchmarkVault.importAll(try SyntheticFiles.batches(survivors: survivors), into: path)
    }
  }

  /// N survivors and nothing else (the blind-index lookup, and an audit log of about N entries),
  /// imported 100,000 to a transaction.
  static func survivorsOnly(_ survivors: Int) throws -> String {
    try prepared("survivors-\(survivors)") { path in
      try BenchmarkVault.create(at: path)
      guard case .survivors(let rows) = try SyntheticFiles.batch(.survivors, survivors: survivors) else {
        throw BenchmarkSetupError("the survivors file did not parse as survivors")
      }
      var references: [SurvivorReference] = []
      for start in stride(from: 0, to: rows.count, by: 100_000) {
        let chunk = Array(rows[start..<min(start + 100_000, rows.count)])
        references += try BenchmarkVault.importAll([.survivors(chunk)], into: path)
      }
      return references
    }
  }

  /// Adopts a vault a benchmark has just built, if the cache has none of that name yet (the
  /// insert benchmark's first iteration is exactly the populated vault).
  static func adopt(_ path: String, references: [SurvivorReference], asPopulated survivors: Int) throws {
    let final = "\(BenchmarkSettings.cache)/populated-\(survivors)"
    guard !FileManager.default.fileExists(atPath: final) else { return }
    try saveReferences(references, beside: path)
    try FileManager.default.moveItem(atPath: path + ".recovery", toPath: final + ".recovery")
    try FileManager.default.moveItem(atPath: path + ".references", toPath: final + ".references")
    try FileManager.default.moveItem(atPath: path, toPath: final)
  }

  /// The references of a prepared vault's survivors, in creation order.
  static func references(of path: String) throws -> [SurvivorReference] {
    try String(contentsOfFile: path + ".references", encoding: .utf8).split(separator: "\n").map {
      try SurvivorReference(parsing: String($0))
    }
  }

  /// A private copy of a prepared vault, for a benchmark that writes (every audited read does).
  static func workingCopy(of path: String) throws -> String {
    let copy = NSTemporaryDirectory() + "haven-bench-\(UUID().uuidString)"
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    try FileManager.default.copyItem(atPath: path + ".references", toPath: copy + ".references")
    return copy
  }

  static func remove(_ path: String) {
    for suffix in ["", ".recovery", ".references", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
  }

  private static func prepared(_ name: String, build: (String) throws -> [SurvivorReference]) throws -> String {
    let final = "\(BenchmarkSettings.cache)/\(name)"
    if FileManager.default.fileExists(atPath: final) { return final }
    let partial = final + ".partial"
    remove(partial)
    try FileManager.default.createDirectory(atPath: BenchmarkSettings.cache, withIntermediateDirectories: true)
    let references = try build(partial)
    try saveReferences(references, beside: partial)
    for suffix in [".recovery", ".references"] {
      try FileManager.default.moveItem(atPath: partial + suffix, toPath: final + suffix)
    }
    try FileManager.default.moveItem(atPath: partial, toPath: final)
    return final
  }

  private static func saveReferences(_ references: [SurvivorReference], beside path: String) throws {
    try references.map(\.description).joined(separator: "\n").write(
      toFile: path + ".references", atomically: true, encoding: .utf8)
  }
}
