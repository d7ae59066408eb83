import CSV
import Foundation
import HavenVault

/// A CSV file read whole: its header and rows, each row a dictionary by column name. Structural
/// problems (no header, unknown or missing columns, a row with the wrong number of fields, text
/// that is not UTF-8) are reported by row and column, never with the cell's content.
struct CSVTable {
  let rows: [(number: Int, cells: [String: String])]
  /// The file's SHA-256 (hex), by which a second import of the same file is recognised.
  let fingerprint: String

  /// An import file is at most 256 MiB, and one row of it at most 2 MiB (a note may be 1 MiB and
  /// every other field 1 KiB: docs/records.md): both are checked on the raw bytes, the file's
  /// size before it is read and each row's before any is parsed, so an oversized file or cell
  /// costs neither the memory nor the time of decoding it.
  static let fileByteLimit = 256 << 20
  static let rowByteLimit = 2 << 20

  init(path: String, kind: ImportKind) throws(ImportFailure) {
    if let size = CSVTable.fileSize(path), size > CSVTable.fileByteLimit {
      throw .rejected([
        ImportProblem(
          row: 0, column: "-",
          reason: "the file is \(size) bytes, over the limit of \(CSVTable.fileByteLimit) bytes for one import; split it")
      ])
    }
    var rowLengths = RowLengthCheck(limit: CSVTable.rowByteLimit)
    guard let data = CSVTable.readFile(path, watching: &rowLengths) else { throw .cannotRead(path) }
    if let row = rowLengths.oversizedRow {
      throw .rejected([
        ImportProblem(row: row, column: "-", reason: "the row is over the limit of \(CSVTable.rowByteLimit) bytes for one row")
      ])
    }
    // Checked here, whole, because the library reports the normal end of a stream on Linux as an
    // error and so cannot be asked whether decoding failed.
    fingerprint = ImportRun.fingerprint(of: [UInt8](data))
    guard !data.isEmpty else {
      throw .rejected([ImportProblem(row: 0, column: "-", reason: "the file is empty (not even a header row)")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .rejected([
        ImportProblem(
          row: 0, column: "-",
          reason: "the file is not UTF-8 text (a spreadsheet saved as plain 'CSV' is often Windows-1252): "
            + "save it as 'CSV UTF-8 (comma delimited)' and import that")
      ])
    }
    if let row = CSVTable.rowWithUnterminatedQuote(text) {
      throw .rejected([ImportProblem(row: row, column: "-", reason: "a quoted field is never closed (a missing \")")])
    }
    let reader: CSVReader
    do {
      reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
    } catch {
      throw .rejected([ImportProblem(row: 0, column: "-", reason: "the file has no readable header row (is it UTF-8 CSV?)")])
    }
    guard let header = reader.headerRow?.map({ $0.lowercased() }), !header.allSatisfy(\.isEmpty) else {
      throw .rejected([ImportProblem(row: 0, column: "-", reason: "the file has no header row")])
    }
    // A spreadsheet saved with semicolons or tabs between columns (common where the decimal
    // separator is a comma) reads as one column: say so, rather than list it as unknown.
    if header.count == 1, let separator = [";", "\t", "|"].first(where: { header[0].contains($0) }) {
      let name = separator == "\t" ? "tabs" : "'\(separator)'"
      throw .rejected([
        ImportProblem(
          row: 0, column: "-",
          reason: "the columns are separated by \(name), not commas: save the spreadsheet as 'CSV UTF-8 (comma delimited)'")
      ])
    }
    var problems: [ImportProblem] = []
    let known = Set(kind.requiredColumns + kind.optionalColumns)
    for column in header where !known.contains(column) {
      problems.append(ImportProblem(row: 0, column: column, reason: "unknown column for \(kind.rawValue) (see docs/import.md)"))
    }
    for column in kind.requiredColumns where !header.contains(column) {
      problems.append(ImportProblem(row: 0, column: column, reason: "required column is missing"))
    }
    if Set(header).count != header.count { problems.append(ImportProblem(row: 0, column: "-", reason: "a column appears twice")) }
    var rows: [(Int, [String: String])] = []
    var number = 0
    while let fields = reader.next() {
      number += 1
      if fields.count == 1 && fields[0].isEmpty { continue }  // a blank line
      guard fields.count == header.count else {
        problems.append(
          ImportProblem(row: number, column: "-", reason: "has \(fields.count) fields, the header has \(header.count)"))
        continue
      }
      var cells: [String: String] = [:]
      for (column, value) in zip(header, fields) where !value.isEmpty { cells[column] = value }
      rows.append((number, cells))
    }
    if rows.isEmpty && problems.isEmpty {
      problems.append(ImportProblem(row: 0, column: "-", reason: "the file has no data rows"))
    }
    guard problems.isEmpty else { throw .rejected(problems) }
    self.rows = rows
  }

  static func fileSize(_ path: String) -> Int? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return Int(status.st_size)
  }

  /// The library reads an unclosed quote to the end of the file as one long field; this finds
  /// the record (0 = header) where such a quote opens, by following RFC 4180 quote state.
  static func rowWithUnterminatedQuote(_ text: String) -> Int? {
    var inQuotes = false
    var record = 0
    var openedAt = 0
    for scalar in text.unicodeScalars {
      if scalar == "\"" {
        inQuotes.toggle()
        if inQuotes { openedAt = record }
      } else if scalar == "\n" && !inQuotes {
        record += 1
      }
    }
    return inQuotes ? openedAt : nil
  }

  /// Reads a whole file with POSIX calls. (Foundation's `FileManager.contents` leaks a buffer
  /// for an empty file on Linux, which the import fuzzer's leak checker caught.)
  /// Stops early, with what was read so far, once `rows` has seen a record over its limit: an
  /// oversized cell is never read to its end.
  static func readFile(_ path: String, watching rows: inout RowLengthCheck) -> Data? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { return nil }
      if got == 0 { return data }
      rows.scan(buffer[0..<got])
      if rows.oversizedRow != nil { return data }
      data.append(contentsOf: buffer[0..<got])
    }
  }

  static func readFile(_ path: String) -> Data? {
    var unlimited = RowLengthCheck(limit: Int.max)
    return readFile(path, watching: &unlimited)
  }
}

/// Why an import file was refused before the vault saw it.
public enum ImportFailure: Error, Sendable {
  case cannotRead(String)
  case rejected([ImportProblem])

}

/// Follows RFC 4180 quote state over raw bytes as they are read, and notes the first record
/// (0 = the header) longer than `limit` bytes.
struct RowLengthCheck {
  let limit: Int
  private(set) var oversizedRow: Int?
  private var inQuotes = false
  private var record = 0
  private var length = 0

  init(limit: Int) { self.limit = limit }

  mutating func scan(_ bytes: ArraySlice<UInt8>) {
    guard oversizedRow == nil else { return }
    for byte in bytes {
      if byte == UInt8(ascii: "\"") {
        inQuotes.toggle()
      } else if byte == UInt8(ascii: "\n") && !inQuotes {
        record += 1
        length = 0
        continue
      }
      length += 1
      if length > limit {
        oversizedRow = record
        return
      }
    }
  }
}
