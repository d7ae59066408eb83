import CSV
import Foundation
import HavenVault

/// Builds a CSV document in memory with CSV.swift's writer, which quotes as RFC 4180 requires.
struct CSVText {
  private let stream = OutputStream(toMemory: ())
  private let writer: CSVWriter

  init(header: [String]) throws(VaultError) {
    do {
      writer = try CSVWriter(stream: stream)
      try writer.write(row: header)
    } catch {
      throw .storageFailure("could not write CSV")
    }
  }

  func row(_ values: [String]) throws(VaultError) {
    do { try writer.write(row: values) } catch { throw .storageFailure("could not write CSV") }
  }

  func finish() -> String {
    writer.stream.close()
    let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
