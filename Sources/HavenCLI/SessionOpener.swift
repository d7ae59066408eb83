import HavenVault

/// Opens the vault named by the global options and unlocks it as the named user.
enum SessionOpener {
  static func open(_ options: GlobalOptions, breakGlass: BreakGlassOption? = nil) throws -> VaultSession {
    try FieldText.check(options.accessReason, field: "access reason", .longText)
    try FieldText.check(breakGlass?.reason, field: "break-glass reason", .longText)
    let vault = try Vault.open(at: options.vaultPath())
    let userName = try options.userName()
    let passphrase = try PassphraseSource.current(fromFile: options.passphraseFile)
    let session = try vault.unlock(user: userName, passphrase: passphrase, pins: RootPins.standard())
    session.accessReason = options.accessReason
    session.breakGlassReason = breakGlass?.reason
    return session
  }
}
