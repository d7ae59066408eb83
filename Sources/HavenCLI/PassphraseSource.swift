import Foundation
import HavenCrypto
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// Finds a passphrase in the documented order: a file named on the command line, then an
/// environment variable (documented as less safe: other processes of the same user may read it),
/// then a no-echo prompt on the terminal. The bytes go straight into guarded memory.
enum PassphraseSource {
  static func current(fromFile path: String?, confirm: Bool = false, prompt: String = "Passphrase: ") throws -> Passphrase {
    try obtain(file: path, environment: "HAVEN_PASSPHRASE", prompt: prompt, confirm: confirm)
  }

  static func new(fromFile path: String?, confirm: Bool = true, prompt: String = "New passphrase: ") throws -> Passphrase {
    try obtain(file: path, environment: "HAVEN_NEW_PASSPHRASE", prompt: prompt, confirm: confirm)
  }

  private static func obtain(file: String?, environment: String, prompt: String, confirm: Bool) throws -> Passphrase {
    do {
      if let file {
        return try InputFile.withDescriptor(file, purpose: "passphrase file") { try Passphrase.read(fromFileDescriptor: $0) }
      }
      if let fromEnvironment = try Passphrase.fromEnvironment(environment) { return fromEnvironment }
      return try TerminalPrompt.readPassphrase(prompt: prompt, confirm: confirm)
    } catch let error as CryptoError {
      if case .unusablePassphrase(let reason) = error { throw VaultError.unusablePassphrase(reason) }
      throw error
    }
  }
}
