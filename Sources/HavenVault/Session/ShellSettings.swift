import Foundation
import GRDB

/// How long `haven shell` may sit idle before it locks itself and wipes its keys, in minutes.
/// Default 10: long enough for a phone call, short enough that an unattended desk does not stay
/// open for the afternoon (the NCSC's end-user device guidance locks screens after minutes).
enum ShellIdlePolicy {
  static let settingName = "shell_idle_minutes"
  static let defaultMinutes = 10

  static func minutes(_ db: Database) throws -> Int {
    try String.fetchOne(db, sql: "SELECT value FROM vault_settings WHERE name = ?", arguments: [settingName]).flatMap(Int.init)
      ?? defaultMinutes
  }
}

extension VaultSession {
  /// The shell's idle lock, in minutes (any user: a shell reads it when it starts).
  public func shellIdleMinutes() throws(VaultError) -> Int {
    try transaction { db in
      try record(db, action: .settingsRead, target: "setting:\(ShellIdlePolicy.settingName)")
      return try ShellIdlePolicy.minutes(db)
    }
  }

  /// Sets the shell's idle lock (admin), 1 to 480 minutes.
  public func setShellIdleMinutes(_ minutes: Int) throws(VaultError) {
    try authorize(.manageUsers, action: .settingsChange, target: "setting:\(ShellIdlePolicy.settingName)")
    guard (1...480).contains(minutes) else { throw .invalidArgument("the idle lock must be between 1 and 480 minutes") }
    try transaction { db in
      try db.execute(
        sql: "INSERT INTO vault_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        arguments: [ShellIdlePolicy.settingName, String(minutes)])
      try record(db, action: .settingsChange, target: "setting:\(ShellIdlePolicy.settingName)", detail: String(minutes))
    }
  }
}
