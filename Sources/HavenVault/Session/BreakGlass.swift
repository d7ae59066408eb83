import Foundation
import HavenStore

/// Break-glass: an audited way for a user of a configured role to read a survivor outside their
/// own teams, in an emergency, with a stated reason. It cannot rest on a key the reader lacks,
/// so users of a break-glass role are given every team's key (by members' key duties), and the
/// protection for those users is the flagged audit trail, not cryptography (SECURITY.md).
enum BreakGlassPolicy {
  static let settingName = "break_glass_roles"

  static func roles(_ db: StoreDatabase) throws -> Set<Role> {
    let value = try String.fetchOne(db, sql: "SELECT value FROM vault_settings WHERE name = ?", arguments: [settingName]) ?? ""
    return Set(value.split(separator: ",").compactMap { Role(rawValue: String($0)) })
  }

  /// Active users who must hold every team's key because their role may break glass.
  static func holderIDs(_ db: StoreDatabase) throws -> [Int64] {
    let roles = try roles(db)
    guard !roles.isEmpty else { return [] }
    return try UserRecord.allActive(db).filter { roles.contains($0.role) && $0.role.mayJoinTeams }.map(\.id)
  }
}

extension VaultSession {
  /// Sets which roles may break glass (admin only). Only admins and workers can hold team keys,
  /// so only those roles are accepted. Audited; keys reach the new holders at members' next unlock.
  public func setBreakGlassRoles(_ roles: [Role]) throws(VaultError) {
    try authorize(.manageUsers, action: .settingsChange, target: "setting:\(BreakGlassPolicy.settingName)")
    for role in roles where !role.mayJoinTeams {
      throw VaultError.invalidArgument("\(role.rawValue) cannot break glass: only workers and admins can hold team keys")
    }
    let value = Set(roles.map(\.rawValue)).sorted().joined(separator: ",")
    try transaction { db in
      try db.execute(
        sql: "INSERT INTO vault_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        arguments: [BreakGlassPolicy.settingName, value])
      try appendDirectory(db, .breakGlassRoles(roles))
      try record(
        db, action: .settingsChange, target: "setting:\(BreakGlassPolicy.settingName)", detail: value.isEmpty ? "none" : value)
    }
    try performKeyDuties()
  }

  public func breakGlassRoles() throws(VaultError) -> [Role] {
    try transaction { db in
      try record(db, action: .settingsRead, target: "setting:\(BreakGlassPolicy.settingName)")
      return try BreakGlassPolicy.roles(db).sorted { $0.rawValue < $1.rawValue }
    }
  }

  /// The teams whose survivors this session may reach: the user's own, and in a break-glass
  /// session every team whose key they hold.
  func accessibleTeams(_ db: StoreDatabase) throws -> [TeamRecord] {
    let own = try memberTeams(db)
    guard breakGlassReason != nil else { return own }
    let others = try TeamRecord.all(db).filter { team in
      guard !own.contains(team) else { return false }
      return try KeyGrantStore.exists(
        db, kind: .team, teamID: team.id, version: max(team.currentKeyVersion, 1), recipient: user.id)
    }
    return own + others
  }

  /// Checks that this session may break glass at all, before any lookup.
  func checkBreakGlass(action: AuditAction) throws(VaultError) {
    guard let reason = breakGlassReason else { return }
    guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .invalidArgument("--break-glass needs a reason")
    }
    let allowed = try transaction { db in try BreakGlassPolicy.roles(db).contains(user.role) }
    guard allowed else {
      try recordDenied(action, target: "break-glass", detail: "role \(user.role.rawValue) may not break glass")
      throw .permissionDenied(action: "break glass", reason: "the \(user.role.rawValue) role is not configured to break glass")
    }
    guard AuditReading.readActions.contains(action.rawValue) else {
      throw .permissionDenied(action: "break glass", reason: "break-glass access is for reading only")
    }
  }
}
