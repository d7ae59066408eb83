import Foundation
import HavenImport
import HavenVault

/// The synthetic partnership's import files (the demo's data: `haven-synth`, financial year
/// 2024/25), written once per size into the cache and parsed by the real import parser.
enum SyntheticFiles {
  static func directory(survivors: Int) throws -> String {
    let directory = "\(BenchmarkSettings.cache)/data-\(survivors)"
    let done = "\(directory)/.complete"
    if FileManager.default.fileExists(atPath: done) { return directory }
    try? FileManager.default.removeItem(atPath: directory)
    try run(BenchmarkSettings.synth, ["--out", directory, "--survivors", String(survivors)])
    try Data().write(to: URL(fileURLWithPath: done))
    return directory
  }

  static func batch(_ kind: ImportKind, survivors: Int) throws -> ImportBatch {
    let path = "\(try directory(survivors: survivors))/\(kind.rawValue).csv"
    return try ImportFileParser.parse(path: path, kind: kind)
  }

  /// Every kind, in the order an import must follow (survivors first: the others name them).
  static func batches(survivors: Int) throws -> [ImportBatch] {
    try ImportKind.allCases.map { try batch($0, survivors: survivors) }
  }
}

/// Runs a program to completion, with its output discarded; a non-zero exit is an error.
@discardableResult
func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Int32 {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: program)
  process.arguments = arguments
  if let environment { process.environment = environment }
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw BenchmarkSetupError("\(program) \(arguments.first ?? "") exited \(process.terminationStatus)")
  }
  return process.terminationStatus
}
