import Foundation
import HavenStore

/// How long `haven shell` may sit idle before it locks itself and wipes its keys, in minutes.
/// Default 10: long enough for a phone call, short enough that an unattended desk does not stay
/// open for the afternoon (the NCSC's end-user device guidance locks screens after minutes).
enum ShellIdlePolicy {
  static let setting = WholeNumberSetting(
    name: "shell_idle_minutes", defaultValue: 10, allowed: 1...480, what: "the idle lock", unit: "minutes")
}

extension VaultSession {
  /// The shell's idle lock, in minutes (any user: a shell reads it when it starts).
  public func shellIdleMinutes() throws(VaultError) -> Int {
    try transaction { db in
      try record(db, action: .settingsRead, target: "setting:\(ShellIdlePolicy.setting.name)")
      return try ShellIdlePolicy.setting.value(db)
    }
  }

  /// Sets the shell's idle lock (admin), 1 to 480 minutes.
  public func setShellIdleMinutes(_ minutes: Int) throws(VaultError) { try change(ShellIdlePolicy.setting, to: minutes) }
}
