/// The values bound to a statement's `?` placeholders, in order. Always bound, never spliced into
/// SQL text: neither store's code escapes a value.
public struct StoreArguments: ExpressibleByArrayLiteral, Sendable {
  public private(set) var values: [StoreValue]

  public init(arrayLiteral elements: (any StoreValueConvertible)?...) {
    values = elements.map { $0?.storeValue ?? .null }
  }

  public init(_ elements: [(any StoreValueConvertible)?]) {
    values = elements.map { $0?.storeValue ?? .null }
  }

  public init(values: [StoreValue]) { self.values = values }

  public static func + (lhs: StoreArguments, rhs: StoreArguments) -> StoreArguments {
    StoreArguments(values: lhs.values + rhs.values)
  }

  public mutating func append(contentsOf other: StoreArguments) { values += other.values }
}
