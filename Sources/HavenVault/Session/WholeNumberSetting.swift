import HavenStore

/// A vault setting that is a whole number within bounds (a retention period, the shell's idle
/// lock), kept as text in `vault_settings`: read with its default when unset, changed by an
/// admin, every change audited.
struct WholeNumberSetting: Sendable {
  let name: String
  let defaultValue: Int
  let allowed: ClosedRange<Int>
  /// How a refusal names it and its unit: "retention", "years".
  let what: String
  let unit: String

  func value(_ db: StoreDatabase) throws -> Int {
    try String.fetchOne(db, sql: "SELECT value FROM vault_settings WHERE name = ?", arguments: [name]).flatMap(Int.init)
      ?? defaultValue
  }
}

extension VaultSession {
  /// Sets a whole-number setting (admin), refusing a value outside its bounds.
  func change(_ setting: WholeNumberSetting, to value: Int) throws(VaultError) {
    try authorize(.manageUsers, action: .settingsChange, target: "setting:\(setting.name)")
    guard setting.allowed.contains(value) else {
      throw .invalidArgument(
        "\(setting.what) must be between \(setting.allowed.lowerBound) and \(setting.allowed.upperBound) \(setting.unit)")
    }
    try transaction { db in
      try db.execute(
        sql: "INSERT INTO vault_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        arguments: [setting.name, String(value)])
      try record(db, action: .settingsChange, target: "setting:\(setting.name)", detail: String(value))
    }
  }
}
