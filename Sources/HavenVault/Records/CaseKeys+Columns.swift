import Foundation
import HavenStore

extension CaseKeys {
  /// Seals one column of a row, ready for an SQL argument list; an absent value stays NULL.
  func column(_ value: String?, table: String, id: Int64, field: String, _ protection: FieldProtection) -> Data? {
    sealOptional(value, at: FieldLocation(table: table, recordID: id, field: field, protection: protection)).map { Data($0) }
  }

  /// Opens one column of a fetched row; NULL gives nil.
  func column(
    _ row: StoreRow, table: String, id: Int64, field: String, _ protection: FieldProtection
  ) throws(VaultError) -> String? {
    guard let data = row[field] as Data? else { return nil }
    return try open([UInt8](data), at: FieldLocation(table: table, recordID: id, field: field, protection: protection))
  }

  /// Like `column(_:table:id:field:_:)` for a column that must be present.
  func requiredColumn(
    _ row: StoreRow, table: String, id: Int64, field: String, _ protection: FieldProtection
  ) throws(VaultError) -> String {
    guard let value = try column(row, table: table, id: id, field: field, protection) else {
      throw .databaseDamaged("\(table) \(id) has no \(field)")
    }
    return value
  }
}
