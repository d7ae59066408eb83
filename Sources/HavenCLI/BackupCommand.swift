import ArgumentParser
import Foundation
import HavenCrypto
import HavenExport
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// Where the backup keyring is: `--keyring DIR` or `HAVEN_BACKUP_KEYRING`.
struct KeyringOption: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The backup keyring directory, kept apart from the vault and its backups (default: $HAVEN_BACKUP_KEYRING).",
      valueName: "dir"))
  var keyring: String?

  func resolved() throws -> BackupKeyring {
    if let keyring { return BackupKeyring(path: keyring) }
    if let path = ProcessInfo.processInfo.environment["HAVEN_BACKUP_KEYRING"], !path.isEmpty { return BackupKeyring(path: path) }
    throw CommandLineFailure.missing("backup keyring", hint: "pass --keyring DIR or set HAVEN_BACKUP_KEYRING")
  }
}

/// What opening a backup needs: the keyring and the recovery key, and optionally a witness.
struct BackupOpening: ParsableArguments {
  @OptionGroup var keyring: KeyringOption
  @Option(name: .long, help: ArgumentHelp("The file holding the recovery key text.", valueName: "file"))
  var recoveryKeyFile: String
  @Option(name: .long, help: ArgumentHelp("A checkpoint kept outside the vault ('haven audit checkpoint').", valueName: "file"))
  var witness: String?

  /// Restores `file` into `directory`, or with none only verifies it (in a temporary directory).
  func check(_ file: String, into directory: String?) throws -> BackupCheck {
    let backup = try backupFile(file)
    let keyring = try keyring.resolved()
    let witness = try witnessText()
    return try InputFile.withDescriptor(recoveryKeyFile, purpose: "recovery key file") { descriptor in
      let recoveryKey = try RecoveryKey.read(fromFileDescriptor: descriptor)
      guard let directory else {
        return try BackupRestore.verify(file: backup, keyring: keyring, recoveryKey: recoveryKey, witness: witness)
      }
      return try BackupRestore.restore(file: backup, to: directory, keyring: keyring, recoveryKey: recoveryKey, witness: witness)
    }
  }

  func backupFile(_ path: String) throws -> String {
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw CommandLineFailure(message: "cannot read backup \(path)", hint: nil, exitCode: HavenExitCode.notFound)
    }
    return path
  }

  func witnessText() throws -> String? {
    try witness.map { path in
      guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandLineFailure(message: "cannot read witness \(path)", hint: nil, exitCode: HavenExitCode.notFound)
      }
      return String(decoding: data, as: UTF8.self)
    }
  }
}

struct BackupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Take, verify, list and expire sealed backups (docs/backup.md).",
    subcommands: [Create.self, Verify.self, List.self, Expire.self], defaultSubcommand: Create.self)

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A consistent online copy of the whole vault, sealed under a new generation key and signed (admin).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var keyring: KeyringOption
    @Option(name: .long, help: ArgumentHelp("The backup file to write (never overwritten).", valueName: "file")) var out: String

    func run() throws {
      let keyring = try keyring.resolved()
      let session = try SessionOpener.open(global)
      let work = (out as NSString).deletingLastPathComponent
      let snapshot = try session.snapshotForBackup(keyring: keyring, workDirectory: work.isEmpty ? "." : work)
      let generation = snapshot.generation
      do {
        let partial = out + ".partial"
        var digest = ""
        var size: Int64 = 0
        try OutputFile.withNewDescriptor(partial) { descriptor in
          digest = try BackupFile.write(snapshot, session: session, to: descriptor, path: partial)
          size = Int64(lseek(descriptor, 0, SEEK_CUR))
        }
        do {
          guard !FileManager.default.fileExists(atPath: out) else {
            throw VaultError.cannotCreate(path: out, reason: "it already exists")
          }
          try session.recordBackup(generation, fileSHA256: digest)
          guard rename(partial, out) == 0 else {
            throw VaultError.cannotCreate(path: out, reason: String(cString: strerror(errno)))
          }
        } catch {
          unlink(partial)
          throw error
        }
        if global.json {
          return Console.json(["file": out, "generation": generation.description, "sha256": digest, "bytes": String(size)])
        }
        Console.out("Backup written: \(out) (\(size) bytes, sha256 \(digest))")
        Console.out("Generation \(generation); its key is in \(keyring.path)/\(generation).key, sealed to the recovery key.")
      } catch {
        keyring.destroy(generation)
        throw error
      }
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a backup's seal, signature, SQLite integrity and audit log without restoring it (no vault needed).")
    @Argument(help: "The backup file.") var file: String
    @OptionGroup var opening: BackupOpening

    func run() throws {
      Console.out(try opening.check(file, into: nil).summary)
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every backup generation and whether its key still exists (admin).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var keyring: KeyringOption

    func run() throws {
      let generations = try SessionOpener.open(global).backupGenerations(keyring: try? keyring.resolved())
      if global.json {
        return Console.json(
          generations.map {
            [
              "generation": $0.id.description, "createdAt": $0.createdAt, "createdBy": $0.createdBy, "sha256": $0.fileSHA256,
              "expiredAt": $0.destroyedAt ?? "",
            ]
          })
      }
      for generation in generations {
        Console.out(
          "\(generation.id)  \(generation.createdAt)  \(generation.createdBy)  \(generation.destroyedAt.map { "expired \($0)" } ?? "live")"
        )
      }
    }
  }

  struct Expire: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Destroy the keys of generations older than a duration: their backups become unreadable everywhere (admin).",
      discussion: "Durations: 36h, 30d, 12w, 1y. This is what completes an erasure in backups taken before it.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var keyring: KeyringOption
    @Option(name: .long, help: ArgumentHelp("Expire generations made longer ago than this.", valueName: "duration"))
    var olderThan: String

    func run() throws {
      let cutoff = Date().addingTimeInterval(-(try Self.seconds(olderThan)))
      let expired = try SessionOpener.open(global).expireBackups(before: cutoff, keyring: keyring.resolved())
      Presenter.done(
        global, action: "backup.expire",
        expired.isEmpty
          ? "No generation is older than \(olderThan)."
          : "Expired \(expired.count) generation(s): " + expired.map { "\($0.id) (made \($0.createdAt))" }.joined(separator: ", ")
      )
    }

    static func seconds(_ text: String) throws -> TimeInterval {
      let units: [Character: TimeInterval] = ["h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400]
      guard let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 else {
        throw ValidationError("--older-than must be a number and a unit: 36h, 30d, 12w or 1y")
      }
      return count * unit
    }
  }
}

struct RestoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Restore a backup into a new directory (never over an existing one), verify it, and compare it with a witness.")
  @Argument(help: "The backup file.") var file: String
  @Option(name: .long, help: ArgumentHelp("The new vault directory.", valueName: "dir")) var to: String
  @OptionGroup var opening: BackupOpening
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Restore onto this PostgreSQL server (an empty database) instead of a SQLite file in --to.", valueName: "uri"))
  var store: String?
  @Option(
    name: .long, help: ArgumentHelp("With --store: create the schema first as this owner role.", valueName: "uri"))
  var schemaOwner: String?
  @Flag(name: .long, help: "With --store: accept a connection that does not verify the server's certificate.")
  var insecurePlaintext = false

  func run() throws {
    let server = try store.map { uri throws(VaultError) in try ServerStoreSettings(uri: uri, allowUnverified: insecurePlaintext) }
    let owner = try schemaOwner.map { uri throws(VaultError) in
      try ServerStoreSettings(uri: uri, allowUnverified: insecurePlaintext)
    }
    let check = try opening.check(file, into: to)
    Console.out("Restored into \(to)")
    Console.out(check.summary)
    if let server {
      let moved = try Vault.open(at: to).relocate(to: server, schemaOwner: owner)
      Console.out("Moved onto the \(moved.to): \(moved.rows) rows; its audit log verifies (\(moved.auditEntries) entries).")
    }
  }
}
