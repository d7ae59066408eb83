import HavenStore

/// A receiving service: the trauma service or a commissioned specialist service. The list is
/// configuration an admin keeps (`haven service add`), not code; service names are not case content.
public struct ServiceRecord: Sendable, Equatable {
  public let name: String
  public let description: String?
  /// How reports name it ("Trauma Resilience Service"); the short name when not set.
  public let displayName: String?
  /// The waiting-time targets the caseload measures its referrals against.
  public let targets: ServiceTargets
}

extension VaultSession {
  public func addService(_ name: String, description: String? = nil, displayName: String? = nil) throws(VaultError) {
    try authorize(.manageTeams, action: .serviceAdd, target: "service:\(name)")
    try Names.validate(name, kind: "service")
    try FieldText.check(displayName, field: "display name", .singleLine)
    try transaction { db in
      let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM services WHERE name = ?)", arguments: [name]) ?? false
      guard !exists else { throw VaultError.alreadyExists(kind: "service", name: name) }
      try db.execute(
        sql: "INSERT INTO services (name, description, created_at, display_name) VALUES (?, ?, ?, ?)",
        arguments: [name, description, Timestamp.now(), displayName])
      try record(db, action: .serviceAdd, target: "service:\(name)")
    }
  }

  public func listServices() throws(VaultError) -> [ServiceRecord] {
    try transaction { db in
      try record(db, action: .serviceList)
      let targets = try serviceTargets(db)
      return try StoreRow.fetchAll(db, sql: "SELECT name, description, display_name FROM services ORDER BY name").map {
        ServiceRecord(
          name: $0["name"], description: $0["description"], displayName: $0["display_name"],
          targets: targets[$0["name"]] ?? .standard)
      }
    }
  }

  /// Sets the name reports print for a service (admin; audited).
  public func labelService(_ name: String, displayName: String) throws(VaultError) {
    try authorize(.manageTeams, action: .serviceLabel, target: "service:\(name)")
    try FieldText.check(displayName, field: "display name", .singleLine)
    try transaction { db in
      try requireService(db, name)
      try db.execute(sql: "UPDATE services SET display_name = ? WHERE name = ?", arguments: [displayName, name])
      try record(db, action: .serviceLabel, target: "service:\(name)")
    }
  }

  func requireService(_ db: StoreDatabase, _ name: String) throws {
    let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM services WHERE name = ?)", arguments: [name]) ?? false
    guard exists else {
      let known = try String.fetchAll(db, sql: "SELECT name FROM services ORDER BY name")
      throw VaultError.invalidArgument(
        "no service named '\(name)' (known: \(known.isEmpty ? "none; an admin adds them with 'haven service add'" : known.joined(separator: ", ")))"
      )
    }
  }
}

extension VaultSession {
  /// Sets a service's waiting-time targets, which the caseload measures referrals against
  /// (admin; audited). A target left nil keeps its current value.
  public func setServiceTargets(_ name: String, triageDays: Int?, allocationDays: Int?) throws(VaultError) {
    try authorize(.manageTeams, action: .serviceTargets, target: "service:\(name)")
    for (days, what) in [(triageDays, "triage"), (allocationDays, "allocation")] {
      if let days, !(1...365).contains(days) { throw .invalidArgument("the \(what) target must be 1 to 365 days") }
    }
    guard triageDays != nil || allocationDays != nil else {
      throw .invalidArgument("give --triage-days, --allocation-days or both")
    }
    try transaction { db in
      try requireService(db, name)
      try db.execute(
        sql: """
          UPDATE services SET triage_target_days = coalesce(?, triage_target_days),
            allocation_target_days = coalesce(?, allocation_target_days) WHERE name = ?
          """, arguments: [triageDays, allocationDays, name])
      let targets = try serviceTargets(db)[name] ?? .standard
      try record(
        db, action: .serviceTargets, target: "service:\(name)",
        detail: "triage \(targets.triageDays) days, allocation \(targets.allocationDays) days")
    }
  }
}
