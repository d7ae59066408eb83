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
    subcommands: [Verify.self, Checkpoint.self, Prove.self])

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
      let result = try AuditVerifier(vaultPath: options.path()).verify(witness: witnessText)
      if options.json {
        Console.json(VerificationView(result))
      } else {
        Console.out(result.summary)
      }
      if !result.isIntact { throw ExitCode(HavenExitCode.dataError) }
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
