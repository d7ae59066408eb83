import ArgumentParser
import Foundation
import HavenCrypto
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Verify the tamper-evident audit log, keep witnesses, prove entries, and read the log (auditors).",
    subcommands: [Verify.self, Root.self, Checkpoint.self, Prove.self, Log.self, Report.self])

  /// Options for the read-only commands, which need no user or passphrase.
  struct VaultOnly: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vault directory (default: $HAVEN_VAULT).", valueName: "dir"))
    var vault: String?
    @Flag(name: .long, help: "Print one JSON document on standard output.") var json = false

    func path() throws -> String {
      try GlobalOptions(vault: vault).vaultPath()
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Recompute the Merkle tree and every signature; name the first problem. Exit 0 intact, 65 not.",
      discussion:
        "Read-only: needs no passphrase and never writes. With --witness, also proves (RFC 6962 consistency) that today's log extends a checkpoint kept outside the vault."
    )
    @OptionGroup var options: VaultOnly
    @Option(name: .long, help: ArgumentHelp("A checkpoint saved earlier with 'haven audit checkpoint'.", valueName: "file"))
    var witness: String?
    @Option(
      name: .long,
      help: ArgumentHelp(
        "The vault's root fingerprint as recorded at 'haven init' (haven-root-...); the log must start from it.",
        valueName: "fingerprint"))
    var root: String?

    func run() throws {
      let witnessText = try witness.map { path -> String in
        guard let data = FileManager.default.contents(atPath: path) else {
          throw CommandLineFailure(message: "cannot read witness \(path)", hint: nil, exitCode: HavenExitCode.notFound)
        }
        guard let text = String(data: data, encoding: .utf8) else {
          throw CommandLineFailure(
            message: "the witness \(path) is not a checkpoint note (not UTF-8 text)", hint: nil, exitCode: HavenExitCode.dataError
          )
        }
        return text
      }
      let result = try AuditVerifier(vaultPath: options.path()).verify(witness: witnessText, root: root)
      if options.json {
        Console.json(VerificationView(result))
      } else {
        Console.out(result.summary)
      }
      if !result.isIntact { throw ExitCode(HavenExitCode.dataError) }
    }
  }

  struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the vault's root fingerprint and founding public keys, to record outside the vault (Keys/).",
      discussion: "Read-only: needs no passphrase. Compare it with the root recorded at 'haven init'.")
    @OptionGroup var options: VaultOnly

    func run() throws {
      guard let root = try Vault.open(at: options.path()).root() else {
        throw CommandLineFailure(
          message: "this vault has no signed directory yet (upgraded from format 5)",
          hint: "an admin's next unlock anchors it; then run this again", exitCode: HavenExitCode.notFound)
      }
      if options.json {
        Console.json(RootView(root))
      } else {
        Console.out(String(root.text.dropLast()))
      }
    }
  }

  struct Checkpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the latest signed checkpoint to a file, to keep outside the vault as a witness.")
    @OptionGroup var options: VaultOnly
    @Option(name: .long, help: ArgumentHelp("Where to write it (must not exist).", valueName: "file")) var out: String

    func run() throws {
      let note = try AuditVerifier(vaultPath: options.path()).latestCheckpoint()
      // A new file only: an existing witness is evidence and is never overwritten.
      let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw CommandLineFailure(
          message: "cannot create \(out): \(String(cString: strerror(errno)))", hint: "choose a new file name",
          exitCode: HavenExitCode.cannotCreate)
      }
      let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
      handle.write(Data(note.utf8))
      Presenter.done(
        GlobalOptions(json: options.json), action: "audit.checkpoint", "Wrote the checkpoint of the signed log to \(out).")
    }
  }

  struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print an inclusion proof of one entry against the latest checkpoint, revealing no other entry.")
    @OptionGroup var options: VaultOnly
    @Argument(help: "The entry's sequence number.") var entry: Int64

    func run() throws {
      let proof = try AuditVerifier(vaultPath: options.path()).inclusionProof(seq: entry)
      let view = ProofView(proof)
      if options.json { return Console.json(view) }
      Console.out(
        """
        entry:      \(proof.seq) (leaf index \(proof.leafIndex))
        tree size:  \(proof.treeSize)
        leaf data:  \(view.leafData)
        leaf hash:  \(view.leafHash)
        audit path: \(view.path.isEmpty ? "(empty)" : view.path.joined(separator: "\n            "))
        checkpoint:
        \(proof.checkpoint)
        """)
    }
  }
}

extension AuditCommand {
  struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read the audit log (auditors and admins), filtered; reasons for access are shown decrypted.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("by"), help: "Only entries by this user.") var byUser: String?
    @Option(name: .long, help: "Only entries about this survivor (matched by pseudonym).") var survivor: String?
    @Option(name: .long, help: "Only this action (e.g. survivor.read), or a prefix ending in '.' (e.g. survivor.).") var action:
      String?
    @Option(name: .long, help: "From this date or time (YYYY-MM-DD or ISO 8601, UTC).") var since: String?
    @Option(name: .long, help: "Up to this date or time.") var until: String?
    @Flag(name: .customLong("break-glass"), help: "Only break-glass accesses.") var breakGlass = false
    @Flag(name: .long, help: "Only refused attempts and failed unlocks.") var refused = false

    func run() throws {
      var filter = AuditFilter()
      filter.user = byUser
      filter.survivor = try survivor.map(CaseInput.reference)
      filter.action = action
      filter.since = since
      filter.until = until
      filter.breakGlassOnly = breakGlass
      filter.refusedOnly = refused
      let lines = try SessionOpener.open(global).auditLog(filter)
      if global.json { return Console.json(lines.map(AuditLineView.init)) }
      guard !lines.isEmpty else { return Console.out("No entries.") }
      Console.out(
        Presenter.table(
          [["SEQ", "TIME", "USER", "ACTION", "OUTCOME", "TARGET", "DETAIL"]]
            + lines.map { line in
              [
                String(line.seq), line.time, line.user ?? "-", line.action + (line.breakGlass ? " [BREAK-GLASS]" : ""),
                line.outcome,
                line.target ?? "-", [line.detail, line.reason.map { "reason: \($0)" }].compactMap { $0 }.joined(separator: "; "),
              ]
            }))
    }
  }

  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Summarise access per user over a period and flag what is worth a look.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "From (YYYY-MM-DD, UTC).") var since: String
    @Option(name: .long, help: "Up to and including (YYYY-MM-DD, UTC).") var until: String

    func run() throws {
      _ = try CaseInput.date(since, field: "--since")
      _ = try CaseInput.date(until, field: "--until")
      let report = try SessionOpener.open(global).auditReport(since: since, until: until + "T23:59:59Z")
      if global.json { return Console.json(AuditReportView(report)) }
      var text = "Access from \(since) to \(until)\n\n"
      text += Presenter.table(
        [["USER", "READS", "WRITES", "REFUSED", "BREAK-GLASS", "OUT OF HOURS"]]
          + report.users.map {
            [$0.user, String($0.reads), String($0.writes), String($0.refused), String($0.breakGlass), String($0.outOfHours)]
          })
      text +=
        "\n\nWorth a look:\n"
        + (report.flags.isEmpty ? "  nothing flagged" : report.flags.map { "  - \($0)" }.joined(separator: "\n"))
      Console.out(text)
    }
  }
}

struct AuditLineView: Encodable {
  let seq: Int64
  let time: String
  let user: String?
  let action: String
  let target: String?
  let subject: String?
  let outcome: String
  let detail: String?
  let reason: String?
  let breakGlass: Bool
  init(_ line: AuditLogLine) {
    seq = line.seq
    time = line.time
    user = line.user
    action = line.action
    target = line.target
    subject = line.subject
    outcome = line.outcome
    detail = line.detail
    reason = line.reason
    breakGlass = line.breakGlass
  }
}

struct AuditReportView: Encodable {
  struct User: Encodable {
    let user: String
    let reads: Int
    let writes: Int
    let refused: Int
    let breakGlass: Int
    let outOfHours: Int
  }
  let since: String
  let until: String
  let users: [User]
  let flags: [String]
  init(_ report: AuditReport) {
    since = report.since
    until = report.until
    users = report.users.map {
      User(
        user: $0.user, reads: $0.reads, writes: $0.writes, refused: $0.refused, breakGlass: $0.breakGlass,
        outOfHours: $0.outOfHours)
    }
    flags = report.flags
  }
}

struct VerificationView: Encodable {
  let intact: Bool
  let summary: String
  let problem: String?
  let entries: Int
  let checkpoints: Int
  let signedSize: Int
  let unsignedTail: Int
  let witnessed: Bool
  init(_ result: AuditVerification) {
    intact = result.isIntact
    summary = result.summary
    problem = result.problem
    entries = result.entries
    checkpoints = result.checkpoints
    signedSize = result.signedSize
    unsignedTail = result.unsignedTail
    witnessed = result.witness != nil
  }
}

struct RootView: Encodable {
  let root: String
  let vaultID: String
  let origin: String
  let admin: String
  let adminSigningKey: String
  let recoveryKey: String
  let statisticsKey: String
  let anchored: Bool
  init(_ root: VaultRoot) {
    self.root = root.fingerprint
    vaultID = root.vaultID
    origin = root.origin
    admin = root.admin
    adminSigningKey = root.adminSigningKey
    recoveryKey = root.recoveryKey
    statisticsKey = root.statisticsKey
    anchored = root.anchored
  }
}

struct ProofView: Encodable {
  let entry: Int64
  let leafIndex: Int
  let treeSize: Int
  let leafData: String
  let leafHash: String
  let path: [String]
  let checkpoint: String
  init(_ proof: AuditInclusionProof) {
    entry = proof.seq
    leafIndex = proof.leafIndex
    treeSize = proof.treeSize
    leafData = Hex.encode(proof.leafData)
    leafHash = Hex.encode(proof.leafHash)
    path = proof.path.map { Hex.encode($0) }
    checkpoint = proof.checkpoint
  }
}
