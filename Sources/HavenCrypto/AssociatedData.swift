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
