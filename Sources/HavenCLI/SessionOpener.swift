import HavenVault

/// Opens the vault named by the global options and unlocks it as the named user; inside
/// `haven shell`, hands every command the shell's one unlocked session instead.
enum SessionOpener {
  /// The unlocked session of a running `haven shell`, its vault and user. Nil outside a shell
  /// and while it is locked.
  nonisolated(unsafe) static var shell: (session: VaultSession, vaultPath: String, user: String)?

  static func open(_ options: GlobalOptions, breakGlass: BreakGlassOption? = nil) throws -> VaultSession {
    try FieldText.check(options.accessReason, field: "access reason", .longText)
    try FieldText.check(breakGlass?.reason, field: "break-glass reason", .longText)
    if let shell {
      if let vault = options.vault, vault != shell.vaultPath {
        throw CommandLineFailure(
          message: "this shell is unlocked for the vault \(shell.vaultPath), not \(vault)",
          hint: "leave the shell to use another vault",
          exitCode: HavenExitCode.usage)
      }
      if let user = options.user, user != shell.user {
        throw CommandLineFailure(
          message: "this shell is unlocked as \(shell.user), not \(user)", hint: "leave the shell to act as someone else",
          exitCode: HavenExitCode.usage)
      }
      shell.session.accessReason = options.accessReason
      shell.session.breakGlassReason = breakGlass?.reason
      return shell.session
    }
    let vault = try Vault.open(at: options.vaultPath())
    let userName = try options.userName()
    let passphrase = try PassphraseSource.current(fromFile: options.passphraseFile)
    let session = try vault.unlock(user: userName, passphrase: passphrase, pins: RootPins.standard())
    session.accessReason = options.accessReason
    session.breakGlassReason = breakGlass?.reason
    return session
  }
}
