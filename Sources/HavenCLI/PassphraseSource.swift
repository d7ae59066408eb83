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
        return try InputFile.withDescriptor(file, purpose: "passphrase file") { descriptor in
          try refuseIfShared(descriptor, path: file)
          return try Passphrase.read(fromFileDescriptor: descriptor)
        }
      }
      if let fromEnvironment = try EnvironmentPassphrases.take(environment) { return fromEnvironment }
      return try TerminalPrompt.readPassphrase(prompt: prompt, confirm: confirm)
    } catch let error as CryptoError {
      if case .unusablePassphrase(let reason) = error { throw VaultError.unusablePassphrase(reason) }
      throw error
    }
  }

  /// Like ssh with a private key: a passphrase file that group or others may read (or write) is
  /// refused, because anyone who can read it can unlock as you.
  private static func refuseIfShared(_ descriptor: Int32, path: String) throws {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return }
    let shared = status.st_mode & 0o077
    guard shared == 0 else {
      throw CommandLineFailure(
        message:
          "the passphrase file \(path) is accessible by group or others (mode \(String(status.st_mode & 0o777, radix: 8))): refusing to use it",
        hint: "chmod 600 \(path)", exitCode: HavenExitCode.permissionDenied)
    }
  }
}
