import Foundation

/// One value as both stores hold it. The vault stores integers, text and bytes (never floats in
/// case data; reals only appear in computed figures), so five cases cover every column.
public enum StoreValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob(Data)
}

/// A Swift type the vault reads from or binds to a statement. Conversions follow SQLite's
/// lenient rules where the stores differ (a PostgreSQL boolean reads as 1 or 0, an exact real as
/// an integer, text as UTF-8 bytes), so one reader works against either store.
public protocol StoreValueConvertible: Sendable {
  var storeValue: StoreValue { get }
  static func fromStoreValue(_ value: StoreValue) -> Self?
}

extension Int64: StoreValueConvertible {
  public var storeValue: StoreValue { .integer(self) }
  public static func fromStoreValue(_ value: StoreValue) -> Int64? {
    switch value {
    case .integer(let integer): integer
    case .real(let real): Int64(exactly: real)
    default: nil
    }
  }
}

extension Int: StoreValueConvertible {
  public var storeValue: StoreValue { .integer(Int64(self)) }
  public static func fromStoreValue(_ value: StoreValue) -> Int? { Int64.fromStoreValue(value).flatMap { Int(exactly: $0) } }
}

extension Int32: StoreValueConvertible {
  public var storeValue: StoreValue { .integer(Int64(self)) }
  public static func fromStoreValue(_ value: StoreValue) -> Int32? {
    Int64.fromStoreValue(value).flatMap { Int32(exactly: $0) }
  }
}

extension Bool: StoreValueConvertible {
  /// Stored as 0 or 1 in an integer column in both stores, so a flag compares the same way.
  public var storeValue: StoreValue { .integer(self ? 1 : 0) }
  public static func fromStoreValue(_ value: StoreValue) -> Bool? { Int64.fromStoreValue(value).map { $0 != 0 } }
}

extension Double: StoreValueConvertible {
  public var storeValue: StoreValue { .real(self) }
  public static func fromStoreValue(_ value: StoreValue) -> Double? {
    switch value {
    case .real(let real): real
    case .integer(let integer): Double(integer)
    default: nil
    }
  }
}

extension String: StoreValueConvertible {
  public var storeValue: StoreValue { .text(self) }
  public static func fromStoreValue(_ value: StoreValue) -> String? {
    switch value {
    case .text(let text): text
    case .blob(let data): String(data: data, encoding: .utf8)
    default: nil
    }
  }
}

extension Data: StoreValueConvertible {
  public var storeValue: StoreValue { .blob(self) }
  public static func fromStoreValue(_ value: StoreValue) -> Data? {
    switch value {
    case .blob(let data): data
    case .text(let text): Data(text.utf8)
    default: nil
    }
  }
}
