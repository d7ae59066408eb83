import HavenStore

/// A district a survivor may live in: a local authority, by name and optionally its ONS code.
/// District is a statistical field, which the `reporting` role reads for every team, so it takes
/// values only from this list (`haven district add`): free text there could carry an address or
/// a name to people who must never see one (docs/records.md, "Closed lists").
public struct DistrictRecord: Sendable, Equatable {
  public let name: String
  public let code: String?
}

extension VaultSession {
  public func addDistrict(_ name: String, code: String? = nil) throws(VaultError) {
    try authorize(.manageTeams, action: .districtAdd, target: "district")
    let name = name.trimmingCharacters(in: .whitespaces)
    let code = code?.trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty, name.count <= 64, code.map({ !$0.isEmpty && $0.count <= 16 }) ?? true else {
      throw .invalidArgument("a district needs a name of 1-64 characters (and a code of 1-16, if given)")
    }
    try FieldText.check(name, field: "district", .singleLine)
    try FieldText.check(code, field: "district code", .singleLine)
    try transaction { db in
      let taken =
        try Bool.fetchOne(
          db, sql: "SELECT EXISTS (SELECT 1 FROM districts WHERE name = ?1 OR code = ?1 OR name = ?2 OR code = ?2)",
          arguments: [name, code]) ?? false
      guard !taken else { throw VaultError.alreadyExists(kind: "district or district code", name: code ?? name) }
      try db.execute(
        sql: "INSERT INTO districts (name, code, created_at) VALUES (?, ?, ?)", arguments: [name, code, Timestamp.now()])
      try record(db, action: .districtAdd, target: "district", detail: code.map { "\(name) (\($0))" } ?? name)
    }
  }

  public func listDistricts() throws(VaultError) -> [DistrictRecord] {
    try transaction { db in
      try record(db, action: .districtList)
      return try StoreRow.fetchAll(db, sql: "SELECT name, code FROM districts ORDER BY name").map {
        DistrictRecord(name: $0["name"], code: $0["code"])
      }
    }
  }

  /// The configured district a typed value names (by name or ONS code, any case), as its name;
  /// refuses anything else without repeating what was typed (it could be anything).
  func canonicalDistrict(_ db: StoreDatabase, _ value: String?) throws -> String? {
    guard let value else { return nil }
    let typed = value.trimmingCharacters(in: .whitespaces)
    if let name = try String.fetchOne(
      db.cachedStatement(sql: "SELECT name FROM districts WHERE name = ?1 OR code = ?1"), arguments: [typed])
    {
      return name
    }
    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM districts") ?? 0
    throw VaultError.invalidField(
      field: "district",
      reason: count == 0
        ? "no districts are configured; an admin adds them with 'haven district add NAME --code ONS-CODE'"
        : "the value is not one of the \(count) configured districts ('haven district list' shows them)")
  }

  /// `details` with its district replaced by the configured name it refers to.
  func withCanonicalDistrict(_ db: StoreDatabase, _ details: SurvivorDetails) throws -> SurvivorDetails {
    var details = details
    details.district = try canonicalDistrict(db, details.district)
    return details
  }
}
