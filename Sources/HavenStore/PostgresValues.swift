import Foundation

/// PostgreSQL's binary wire format for the types the vault reads (the result format Haven asks
/// for: bytea arrives as its bytes, with no hex to decode).
enum PostgresValues {
  static let bool: UInt32 = 16
  static let bytea: UInt32 = 17
  static let int8: UInt32 = 20
  static let int2: UInt32 = 21
  static let int4: UInt32 = 23
  static let text: UInt32 = 25
  static let oid: UInt32 = 26
  static let float4: UInt32 = 700
  static let float8: UInt32 = 701
  static let unknown: UInt32 = 705
  static let bpchar: UInt32 = 1042
  static let varchar: UInt32 = 1043
  static let name: UInt32 = 19
  static let numeric: UInt32 = 1700

  static func decode(_ bytes: UnsafeRawBufferPointer, type: UInt32, column: String) throws(StoreError) -> StoreValue {
    func integer<T: FixedWidthInteger>(_: T.Type) -> Int64 {
      var value: T = 0
      withUnsafeMutableBytes(of: &value) {
        $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<MemoryLayout<T>.size]))
      }
      return Int64(T(bigEndian: value))
    }
    switch type {
    case bool: return .integer(bytes.first == 0 ? 0 : 1)
    case int2: return .integer(integer(Int16.self))
    case int4: return .integer(integer(Int32.self))
    case int8: return .integer(integer(Int64.self))
    case oid: return .integer(integer(UInt32.self))
    case float4:
      return .real(Double(Float(bitPattern: UInt32(truncatingIfNeeded: integer(UInt32.self)))))
    case float8: return .real(Double(bitPattern: UInt64(bitPattern: integer(Int64.self))))
    case text, varchar, bpchar, name, unknown: return .text(String(decoding: bytes, as: UTF8.self))
    case bytea: return .blob(Data(bytes))
    case numeric: return try decodeNumeric(bytes, column: column)
    default:
      throw .refused("column \(column) has PostgreSQL type \(type), which Haven does not read: cast it in the query")
    }
  }

  /// `numeric` (what `sum` of a bigint gives): base-10,000 digits with a weight, as an integer
  /// when it has no fraction, otherwise as a double.
  static func decodeNumeric(_ bytes: UnsafeRawBufferPointer, column: String) throws(StoreError) -> StoreValue {
    guard bytes.count >= 8 else { throw .refused("column \(column): a numeric value too short") }
    func word(_ index: Int) -> Int { Int(UInt16(bytes[index * 2]) << 8 | UInt16(bytes[index * 2 + 1])) }
    let count = word(0)
    let weight = Int(Int16(bitPattern: UInt16(word(1))))
    let sign = word(2)
    let scale = word(3)
    guard bytes.count >= 8 + count * 2 else { throw .refused("column \(column): a numeric value too short") }
    if sign == 0xC000 { return .null }
    var value = 0.0
    for index in 0..<count {
      value += Double(word(4 + index)) * pow(10_000, Double(weight - index))
    }
    if sign == 0x4000 { value = -value }
    if scale == 0, let exact = Int64(exactly: value) { return .integer(exact) }
    return .real(value)
  }
}
