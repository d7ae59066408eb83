/// One component of associated data or of a signed/sealed structure.
public enum ContextPart: Sendable, Equatable {
  case text(String)
  case bytes([UInt8])
  case integer(Int64)

  fileprivate var encoded: [UInt8] {
    switch self {
    case .text(let text): Array(text.utf8)
    case .bytes(let bytes): bytes
    case .integer(let value): withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { Array($0) }
    }
  }
}

/// The unambiguous encoding Haven uses for associated data and for everything it signs or seals:
/// each part as a 4-byte big-endian length followed by its bytes. ("ab","c") and ("a","bc") differ,
/// and the first part is always a domain label naming the structure and its version.
public enum AssociatedData {
  public static func encode(domain: String, _ parts: [ContextPart]) -> [UInt8] {
    var output: [UInt8] = []
    for part in [ContextPart.text(domain)] + parts {
      let bytes = part.encoded
      precondition(bytes.count <= Int(UInt32.max))
      output += withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { Array($0) }
      output += bytes
    }
    return output
  }
}
