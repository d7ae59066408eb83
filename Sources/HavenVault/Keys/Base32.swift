import HavenCrypto

/// RFC 4648 base32 (no padding) working in guarded memory, for the recovery key's text form:
/// unambiguous to read aloud and to type, case-insensitive, and with no secret left in a `String`.
enum Base32 {
  static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
  static let groupLength = 6

  /// Encodes as `prefix` followed by dash-separated groups and a newline.
  static func encodeGrouped(_ input: borrowing SecureBytes, prefix: String) throws(CryptoError) -> SecureBytes {
    let symbolCount = (input.count * 8 + 4) / 5
    let groups = (symbolCount + groupLength - 1) / groupLength
    let prefixBytes = Array(prefix.utf8)
    let output = try SecureBytes(count: prefixBytes.count + symbolCount + groups - 1 + 1)
    input.withUnsafeBytes { source in
      output.withUnsafeMutableBytes { out in
        out.copyBytes(from: prefixBytes)
        var position = prefixBytes.count
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        func emit(_ value: UInt32) {
          if symbols > 0 && symbols % groupLength == 0 {
            out[position] = UInt8(ascii: "-")
            position += 1
          }
          out[position] = alphabet[Int(value & 31)]
          position += 1
          symbols += 1
        }
        for byte in source {
          buffer = buffer << 8 | UInt32(byte)
          bits += 8
          while bits >= 5 {
            emit(buffer >> UInt32(bits - 5))
            bits -= 5
          }
        }
        if bits > 0 { emit(buffer << UInt32(5 - bits)) }
        out[position] = UInt8(ascii: "\n")
        buffer = 0
      }
    }
    return output
  }

  /// Decodes text produced by `encodeGrouped`, ignoring case, dashes and white space.
  static func decodeGrouped(_ text: borrowing SecureBytes, length: Int, prefix: String) throws(CryptoError) -> SecureBytes {
    let prefixBytes = Array(prefix.utf8)
    let scratch = try SecureBytes(count: length)
    var decodedCount = 0
    var failure: CryptoError?
    text.withUnsafeBytes { raw in
      var start = 0
      while start < length, raw[start] == UInt8(ascii: " ") || raw[start] == UInt8(ascii: "\n") { start += 1 }
      guard length - start >= prefixBytes.count,
        zip(raw[start..<start + prefixBytes.count], prefixBytes).allSatisfy({ upper($0) == $1 })
      else {
        failure = .malformedInput("missing the HAVEN-RECOVERY-1- prefix")
        return
      }
      scratch.withUnsafeMutableBytes { out in
        var buffer: UInt32 = 0
        var bits = 0
        for index in (start + prefixBytes.count)..<length {
          let symbol = upper(raw[index])
          if symbol == UInt8(ascii: "-") || symbol == UInt8(ascii: " ") || symbol == UInt8(ascii: "\n")
            || symbol == UInt8(ascii: "\r")
          {
            continue
          }
          guard let value = alphabet.firstIndex(of: symbol) else {
            failure = .malformedInput("character outside the base32 alphabet")
            return
          }
          buffer = buffer << 5 | UInt32(value)
          bits += 5
          if bits >= 8 {
            out[decodedCount] = UInt8((buffer >> UInt32(bits - 8)) & 0xff)
            decodedCount += 1
            bits -= 8
          }
        }
        buffer = 0
      }
    }
    if let failure { throw failure }
    return try scratch.slice(0..<decodedCount)
  }

  private static func upper(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
  }
}
