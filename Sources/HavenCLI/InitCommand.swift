import ArgumentParser
import Foundation
import HavenCrypto
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// Allows `--kdf interactive|moderate|sensitive`.
extension KDFLevel: ExpressibleByArgument {}

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create a vault, its first admin, and its recovery key.",
    discussion:
      "The recovery key is shown once. Keep it offline (e.g. printed, in a safe, under two-person control): it can recover every team's records."
  )

  @OptionGroup var global: GlobalOptions

  @Option(name: .long, help: "The first admin's user name.")
  var admin: String

  @Option(name: .long, help: "Argon2id cost for key files: interactive, moderate (default) or sensitive.")
  var kdf: KDFLevel = .moderate

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The partnership's name, as reports and exports are titled (e.g. \"Rotherham Post-Abuse Support Partnership\").",
      valueName: "name"))
  var name: String

  @Option(
    name: .long,
    help: ArgumentHelp("Write the recovery key to this new file (mode 0600) instead of the screen.", valueName: "file"))
  var recoveryKeyOut: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Also write the vault's root fingerprint and public keys to this new file (for Keys/; public).", valueName: "file"))
  var rootOut: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Keep the records on this PostgreSQL server (postgres://USER@HOST:PORT/DB?sslrootcert=CA; the password comes from a 0600 password file, never the URI). Default: the embedded SQLite file.",
      valueName: "uri"))
  var store: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "With --store: create the schema first as this owner role (postgres://OWNER@...), granting the --store URI's role what a vault needs and no more (docs/server-store.md).",
      valueName: "uri"))
  var schemaOwner: String?

  @Flag(
    name: .long,
    help: "With --store: accept a connection that does not verify the server's certificate (sslmode other than verify-full).")
  var insecurePlaintext = false

  func validate() throws {
    if store == nil && (schemaOwner != nil || insecurePlaintext) {
      throw ValidationError("--schema-owner and --insecure-plaintext only go with --store")
    }
    if global.json && recoveryKeyOut == nil {
      throw ValidationError("--json needs --recovery-key-out FILE: the recovery key is never part of a JSON document")
    }
  }

  func run() throws {
    let path = try global.vaultPath()
    // The admin's own passphrase, typed twice at a prompt.
    let passphrase = try PassphraseSource.current(
      fromFile: global.passphraseFile, confirm: true, prompt: "Passphrase for \(admin): ")
    var outputDescriptor: Int32 = STDOUT_FILENO
    if let recoveryKeyOut {
      outputDescriptor = open(recoveryKeyOut, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard outputDescriptor >= 0 else {
        throw CommandLineFailure(
          message: "cannot create \(recoveryKeyOut): \(String(cString: strerror(errno)))", hint: "choose a new file name",
          exitCode: HavenExitCode.cannotCreate)
      }
    }
    defer { if outputDescriptor != STDOUT_FILENO { close(outputDescriptor) } }
    let created: CreatedVault
    do {
      let server = try store.map { uri throws(VaultError) in
        try ServerStoreSettings(uri: uri, allowUnverified: insecurePlaintext)
      }
      if let server, !server.settings.isVerified {
        Console.warn(
          "the connection to the server is not verified (sslmode=\(server.settings.sslMode)): anyone on the network path can read or change what haven sends"
        )
      }
      let owner = try schemaOwner.map { uri throws(VaultError) in
        try ServerStoreSettings(uri: uri, allowUnverified: insecurePlaintext)
      }
      created = try Vault.create(
        at: path, admin: admin, passphrase: passphrase, kdfLevel: kdf, name: name, server: server, schemaOwner: owner)
    } catch {
      if let recoveryKeyOut { unlink(recoveryKeyOut) }
      throw error
    }
    if recoveryKeyOut == nil {
      Console.out("Recovery key (shown once; keep it offline, it can recover every team's records):")
    }
    try created.recoveryKey.writeText(to: outputDescriptor)
    let metadata = created.vault.metadata
    if let root = try created.vault.root() {
      if let rootOut {
        do {
          try Data(root.text.utf8).write(to: URL(fileURLWithPath: rootOut), options: .withoutOverwriting)
        } catch {
          throw CommandLineFailure(
            message: "the vault was created, but \(rootOut) could not be written", hint: "run 'haven audit root' to print it",
            exitCode: HavenExitCode.cannotCreate)
        }
      }
      if !global.json {
        Console.out("Root fingerprint (record it outside the vault; 'haven audit verify --root' checks it): \(root.fingerprint)")
      }
      // This workstation pins the root it created.
      if let pins = RootPins.standard() { try created.vault.pin(in: pins) }
    }
    Presenter.done(
      global, action: "init",
      "Created vault '\(metadata.name)' at \(created.vault.directory.path) (format \(metadata.formatVersion), kdf \(metadata.kdfLevel.rawValue)) with admin '\(admin)'."
    )
  }
}
