/// Rows read one at a time, so a scan of a million audit entries holds one row at a time. Valid
/// only inside the read or write that made it.
public final class StoreCursor {
  private let nextRow: () throws -> StoreRow?

  public init(_ nextRow: @escaping () throws -> StoreRow?) { self.nextRow = nextRow }

  public func next() throws -> StoreRow? { try nextRow() }

  public func all() throws -> [StoreRow] {
    var rows: [StoreRow] = []
    while let row = try nextRow() { rows.append(row) }
    return rows
  }

  public func first() throws -> StoreRow? { try nextRow() }

  public func forEach(_ body: (StoreRow) throws -> Void) throws {
    while let row = try nextRow() { try body(row) }
  }

  public func map<T>(_ transform: @escaping (StoreRow) throws -> T) -> MappedStoreCursor<T> {
    MappedStoreCursor { try self.next().map(transform) }
  }
}

/// A cursor whose rows are turned into values as they are read.
public final class MappedStoreCursor<Element> {
  private let nextElement: () throws -> Element?
  init(_ nextElement: @escaping () throws -> Element?) { self.nextElement = nextElement }
  public func next() throws -> Element? { try nextElement() }
  public func all() throws -> [Element] {
    var elements: [Element] = []
    while let element = try nextElement() { elements.append(element) }
    return elements
  }
  public func forEach(_ body: (Element) throws -> Void) throws {
    while let element = try nextElement() { try body(element) }
  }
}
