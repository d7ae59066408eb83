import ArgumentParser
import Foundation

/// Options every command accepts. Each falls back to an environment variable so scripts and
/// tests need not repeat them; a passphrase is never an argument (argv is visible to every user
/// of the machine through `ps`).
struct GlobalOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The vault directory (default: $HAVEN_VAULT).", valueName: "dir"))
  var vault: String?

  @Option(name: .long, help: ArgumentHelp("Who is acting (default: $HAVEN_USER).", valueName: "name"))
  var user: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Read your passphrase from this file (first line). Otherwise $HAVEN_PASSPHRASE, otherwise a no-echo prompt.",
      valueName: "file"))
  var passphraseFile: String?

  @Flag(name: .long, help: "Print one JSON document on standard output.")
  var json = false

  @Option(
    name: .customLong("access-reason"),
    help: ArgumentHelp(
      "Why you are accessing records now; recorded, encrypted for auditors, with every entry.", valueName: "text"))
  var accessReason: String?

  init() {}

  /// For commands that take only some of the global options.
  init(vault: String? = nil, json: Bool = false) {
    self.vault = vault
    self.json = json
  }

  func vaultPath() throws -> String {
    if let vault { return vault }
    if let path = ProcessInfo.processInfo.environment["HAVEN_VAULT"], !path.isEmpty { return path }
    throw CommandLineFailure.missing("vault", hint: "pass --vault DIR or set HAVEN_VAULT")
  }

  func userName() throws -> String {
    if let user { return user }
    if let name = ProcessInfo.processInfo.environment["HAVEN_USER"], !name.isEmpty { return name }
    throw CommandLineFailure.missing("user", hint: "pass --user NAME or set HAVEN_USER")
  }
}

/// Where a new passphrase comes from (a new user's, or your next one).
struct NewPassphraseOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Read the new passphrase from this file. Otherwise $HAVEN_NEW_PASSPHRASE, otherwise a prompt (asked twice).",
      valueName: "file"))
  var newPassphraseFile: String?
}

/// `--break-glass REASON`, offered on the commands that read a case file (break-glass is for
/// reading only).
struct BreakGlassOption: ParsableArguments {
  @Option(
    name: .customLong("break-glass"),
    help: ArgumentHelp(
      "Read a survivor outside your teams in an emergency, giving the reason (only roles configured for it; flagged for auditors).",
      valueName: "reason"))
  var reason: String?
}
