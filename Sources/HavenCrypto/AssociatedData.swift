/// One component of associated data or of a signed/sealed structure.
public enum ContextPart: Sendable, Equatable {
  case text(String)
  case bytes([UInt8])
  case integer(Int64)

}

/// The unambiguous encoding Haven uses for associated data and for everything it signs or seals:
/// each part as a 4-byte big-endian length followed by its bytes. ("ab","c") and ("a","bc") differ,
/// and the first part is always a domain label naming the structure and its version.
public enum AssociatedData {
  public static func encode(domain: String, _ parts: [ContextPart]) -> [UInt8] {
    // Written straight into one buffer: this runs for every field sealed or opened and every
    // audit leaf, so it avoids an intermediate array per part.
    var output: [UInt8] = []
    output.reserveCapacity(4 + domain.utf8.count + parts.count * 12 + 64)
    append(.text(domain), to: &output)
    for part in parts { append(part, to: &output) }
    return output
  }

  /// Splits an encoding back into its parts' bytes (the domain first), or nil if the lengths do
  /// not account for every byte. Integers come back as their 8 bytes (`integer(_:)` reads them).
  public static func decode(_ encoded: [UInt8]) -> [[UInt8]]? {
    var parts: [[UInt8]] = []
    var index = 0
    while index < encoded.count {
      guard encoded.count - index >= 4 else { return nil }
      let length =
        Int(encoded[index]) << 24 | Int(encoded[index + 1]) << 16 | Int(encoded[index + 2]) << 8 | Int(encoded[index + 3])
      index += 4
      guard encoded.count - index >= length else { return nil }
      parts.append(Array(encoded[index..<index + length]))
      index += length
    }
    return parts
  }

  /// Reads a part written as `.integer`: exactly 8 bytes, big-endian, two's complement.
  public static func integer(_ part: [UInt8]) -> Int64? {
    guard part.count == 8 else { return nil }
    return Int64(bitPattern: part.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
  }

  /// Reads an encoding part by part in place, without an array per part (`decode` makes one
  /// each): for structures read by the hundred thousand, such as caseload entries.
  public struct Reader {
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    /// Reads `bytes`, or only `range` of them (one part of a larger encoding, read in place).
    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
      self.bytes = bytes
      index = range?.lowerBound ?? 0
      end = range?.upperBound ?? bytes.count
    }

    public var isAtEnd: Bool { index == end }

    /// The next part's byte range within the encoding, or nil if its length runs past the end.
    public mutating func next() -> Range<Int>? {
      guard end - index >= 4 else { return nil }
      let length =
        Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      guard end - index - 4 >= length else { return nil }
      defer { index += 4 + length }
      return index + 4..<index + 4 + length
    }

    public mutating func text() -> String? {
      guard let range = next() else { return nil }
      return String(validating: bytes[range], as: UTF8.self)
    }

    public mutating func integer() -> Int64? {
      guard let range = next(), range.count == 8 else { return nil }
      return Int64(bitPattern: bytes[range].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// The next part as an optional integer: `.some(nil)` when empty; nil when neither empty nor 8 bytes.
    public mutating func optionalInteger() -> Int64?? {
      guard let range = next() else { return nil }
      if range.isEmpty { return .some(nil) }
      guard range.count == 8 else { return nil }
      return .some(Int64(bitPattern: bytes[range].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
    }

    /// Whether the next part is exactly `expected`'s UTF-8 (consumed either way).
    public mutating func matches(_ expected: String) -> Bool {
      guard let range = next() else { return false }
      return bytes[range].elementsEqual(expected.utf8)
    }

    /// The next part's bytes, for a caller that compares them against known values.
    public mutating func bytesOfNext() -> ArraySlice<UInt8>? {
      next().map { bytes[$0] }
    }
  }

  private static func append(_ part: ContextPart, to output: inout [UInt8]) {
    func length(_ count: Int) {
      precondition(count <= Int(UInt32.max))
      let value = UInt32(count)
      output.append(UInt8(value >> 24))
      output.append(UInt8((value >> 16) & 0xff))
      output.append(UInt8((value >> 8) & 0xff))
      output.append(UInt8(value & 0xff))
    }
    switch part {
    case .text(let text):
      length(text.utf8.count)
      output.append(contentsOf: text.utf8)
    case .bytes(let bytes):
      length(bytes.count)
      output.append(contentsOf: bytes)
    case .integer(let value):
      length(8)
      let bits = UInt64(bitPattern: value)
      for shift in stride(from: 56, through: 0, by: -8) { output.append(UInt8((bits >> UInt64(shift)) & 0xff)) }
    }
  }
}
