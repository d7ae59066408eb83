import ArgumentParser
import HavenVault

/// `haven store`: where a vault's records live, and setting up a workstation for a server vault.
struct StoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "store", abstract: "Where the vault's records are kept; another workstation for a server vault.",
    subcommands: [StoreAttachCommand.self, StoreMigrateCommand.self, StoreCompleteErasuresCommand.self])
}

struct StoreAttachCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attach",
    abstract: "Make a new vault directory on this workstation for a vault kept on a PostgreSQL server.",
    discussion:
      "The directory holds only the connection settings (0600, no password) and keys/, into which each user of this workstation copies their own key file."
  )

  @Option(name: .long, help: ArgumentHelp("The new vault directory (default: $HAVEN_VAULT).", valueName: "dir"))
  var vault: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The server vault (postgres://ROLE@HOST:PORT/DB?sslrootcert=CA; the password from a 0600 password file).",
      valueName: "uri"))
  var store: String

  @Flag(name: .long, help: "Accept a connection that does not verify the server's certificate.")
  var insecurePlaintext = false

  func run() throws {
    let path = try GlobalOptions(vault: vault).vaultPath()
    let server = try ServerStoreSettings(uri: store, allowUnverified: insecurePlaintext)
    if !server.settings.isVerified {
      Console.warn("the connection to the server is not verified (sslmode=\(server.settings.sslMode))")
    }
    let attached = try Vault.attach(at: path, server: server)
    Console.out("Attached \(path) to vault '\(attached.metadata.name)' (\(attached.storeDescription)).")
    if let root = try attached.root() {
      Console.out("Root fingerprint: \(root.fingerprint) (compare it with the one recorded when the vault was made)")
    }
    Console.out("Copy each user's key file into \(path)/keys/ before they unlock.")
  }
}

struct StoreMigrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Move the vault to a PostgreSQL server, or back into its SQLite file (admins).",
    discussion:
      "The audit log is verified before and after; the directory points at the new store only once the copy verifies. Other workstations attach to a server vault with 'store attach'."
  )

  @OptionGroup var global: GlobalOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "postgres://ROLE@HOST:PORT/DB?sslrootcert=CA (an empty database), or 'sqlite' to bring a server vault back.",
      valueName: "store"))
  var to: String

  @Option(
    name: .long,
    help: ArgumentHelp("Create the server schema first as this owner role, granting the --to role.", valueName: "uri"))
  var schemaOwner: String?

  @Flag(name: .long, help: "Accept a connection that does not verify the server's certificate.")
  var insecurePlaintext = false

  func run() throws {
    let server = try to == "sqlite" ? nil : ServerStoreSettings(uri: to, allowUnverified: insecurePlaintext)
    let owner = try schemaOwner.map { uri throws(VaultError) in
      try ServerStoreSettings(uri: uri, allowUnverified: insecurePlaintext)
    }
    if let server, !server.settings.isVerified {
      Console.warn("the connection to the server is not verified (sslmode=\(server.settings.sslMode))")
    }
    let session = try SessionOpener.open(global)
    let result = try session.migrateStore(to: server, schemaOwner: owner)
    if global.json {
      Console.json(["from": result.from, "to": result.to, "rows": "\(result.rows)", "auditEntries": "\(result.auditEntries)"])
      return
    }
    Console.out(
      "Moved the vault from the \(result.from) to the \(result.to): \(result.rows) rows; the audit log verifies before and after (\(result.auditEntries) entries)."
    )
    if server == nil {
      Console.out("The server's database still holds a copy: ask its administrator to drop it.")
    } else {
      Console.out(
        "Other workstations: haven store attach --vault DIR --store URI, then copy each user's key file into DIR/keys/.")
    }
  }
}

struct StoreCompleteErasuresCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "complete-erasures",
    abstract: "Complete a server vault's committed erasures by rewriting its tables as the schema owner (admins).",
    discussion:
      "The server keeps a deleted row's old version until its table is rewritten, which only the tables' owner may do. Every table is locked while it is rewritten: run it when few people are working."
  )

  @OptionGroup var global: GlobalOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The role that created the vault's schema (postgres://OWNER@HOST:PORT/DB?sslrootcert=CA).", valueName: "uri"))
  var schemaOwner: String

  @Flag(name: .long, help: "Accept a connection that does not verify the server's certificate.")
  var insecurePlaintext = false

  func run() throws {
    let owner = try ServerStoreSettings(uri: schemaOwner, allowUnverified: insecurePlaintext)
    if !owner.settings.isVerified {
      Console.warn("the connection to the server is not verified (sslmode=\(owner.settings.sslMode))")
    }
    let result = try SessionOpener.open(global).completeServerErasures(schemaOwner: owner)
    if global.json {
      Console.json(["erasures": result.erasures, "tables": result.tables])
      return
    }
    guard result.erasures > 0 else {
      Console.out("No erasure is waiting to be completed.")
      return
    }
    Console.out(
      "Completed \(result.erasures) erasure(s): the server's \(result.tables) tables were rewritten, so they no longer "
        + "hold the erased rows. Its write-ahead log, WAL archive and backups made before now still do until its "
        + "administrator's retention expires them (docs/server-store.md, \"Erasure\").")
  }
}
