import HavenVault

/// Opens the vault named by the global options and unlocks it as the named user.
enum SessionOpener {
  static func open(_ options: GlobalOptions, breakGlass: BreakGlassOption? = nil) throws -> VaultSession {
    let vault = try Vault.open(at: options.vaultPath())
    let userName = try options.userName()
    let passphrase = try PassphraseSource.current(fromFile: options.passphraseFile)
    let session = try vault.unlock(user: userName, passphrase: passphrase, pins: RootPins.standard())
    session.accessReason = options.accessReason
    session.breakGlassReason = breakGlass?.reason
    return session
  }
}
