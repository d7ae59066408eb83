/// Zero-padded decimal text without `String(format:)`, which goes through Foundation's format
/// parser and showed up in profiles of imports and reports (every date of every record).
enum DecimalText {
  static func padded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
