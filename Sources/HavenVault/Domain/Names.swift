/// User and team names: short, lowercase, safe as a file name and unambiguous in logs. A name
/// is not case content; it appears in the audit log and in messages.
enum Names {
  static func validate(_ name: String, kind: String) throws(VaultError) {
    let bytes = Array(name.utf8)
    guard (1...64).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
      bytes.allSatisfy({ byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
      })
    else { throw .invalidName(kind: kind, name: name) }
  }
}
