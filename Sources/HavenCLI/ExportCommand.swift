import ArgumentParser
import Foundation
import HavenExport
import HavenVault

extension RecordUnit: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Make sealed, signed exports (report, records, subject access, share) and open them (docs/export.md).",
    subcommands: [Report.self, InternalReport.self, Records.self, SubjectAccess.self, Share.self, Open.self, Signers.self])

  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The commissioner's report for a financial year: disclosure-controlled HTML, CSV and JSON (reporting role).",
      discussion:
        "A released report covers one whole financial year (--year 2024/25) of every service and pathway, each broken down "
        + "inside it: any other period or filter is refused (exit 77, audited), because overlapping releases could be "
        + "compared to find people. A year is released once: the same figures may be sent again, changed figures only "
        + "with --revise. For other periods, 'haven export internal-report' (docs/export.md)."
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var delivery: ExportDelivery
    @OptionGroup var disclosure: ThresholdOption
    @Flag(
      name: .long,
      help: "Publish changed figures for a year already released, as its next revision (recorded in the release ledger).")
    var revise = false
    @Flag(
      name: .long,
      help:
        "Recover every survivor's statistics key from the statistics secret again and replace the stored wraps (after one failed to open)."
    )
    var rewrapKeys = false

    func run() throws {
      let session = try SessionOpener.open(global)
      let made = try ReportExport.make(
        session: session, period: period.period(), filter: period.filter, rules: disclosure.rules, revise: revise,
        rewrapKeys: rewrapKeys)
      try delivery.deliver(made.request, session: session, action: .exportReport)
      if global.json { return Console.json(made.report) }
      ReportText.summary(made.report)
    }
  }

  struct InternalReport: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "internal-report",
      abstract:
        "The report's exact counts, for the vault's own checks: printed here only, never sealed or saved (reporting role; audited).",
      discussion:
        "Released reports add a small fixed adjustment to every count so that releases cannot be compared to find people "
        + "(docs/export.md). This prints the counts without it, suppressed within this report only. Do not copy them into anything shared."
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var disclosure: ThresholdOption

    func run() throws {
      let session = try SessionOpener.open(global)
      let report = try ReportExport.figures(
        session: session, period: period.period(), filter: period.filter, rules: disclosure.rules,
        method: .exactInternal
      ).report
      if global.json { return Console.json(report) }
      ReportText.full(report)
    }
  }

  struct Records: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Pseudonymised record-level rows for service evaluation, k-anonymous (reporting role).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var delivery: ExportDelivery
    @Option(name: .long, help: "One row per referral (received in the period) or per leaver.") var per: RecordUnit = .referral
    @Option(name: .customLong("k"), help: "Every combination of age band, gender, district and cohort covers at least k people.")
    var k = 5

    func run() throws {
      guard (2...100).contains(k) else { throw ValidationError("--k must be between 2 and 100") }
      guard let recipient = try delivery.recipientKey() else {
        throw ValidationError("records need --recipient: pseudonyms are keyed for the recipient")
      }
      let session = try SessionOpener.open(global)
      let made = try RecordsExport.make(
        session: session, recipient: recipient, period: period.period(), unit: per, filter: period.filter,
        anonymizer: KAnonymizer(k: k))
      try delivery.deliver(made.request, session: session, action: .exportRecords)
      if global.json {
        return Console.json(
          RecordsView(rows: made.summary.rowsWritten, considered: made.summary.rowsConsidered, steps: made.summary.steps))
      }
      Console.out("\(made.summary.rowsWritten) of \(made.summary.rowsConsidered) rows written")
      for step in made.summary.steps { Console.out("  \(step)") }
    }
  }

  struct SubjectAccess: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "subject-access",
      abstract: "Everything held about one survivor, third parties redacted, with their access history and its proofs.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @OptionGroup var delivery: ExportDelivery

    func run() throws {
      let session = try SessionOpener.open(global)
      let survivor = try CaseInput.reference(reference)
      let made = try CaseExport.make(session: session, reference: survivor, purpose: .subjectAccess)
      try delivery.deliver(made.request, session: session, action: .exportSubjectAccess, survivor: survivor)
      ExportCommand.printCase(made.document, json: global.json)
    }
  }

  struct Share: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "One survivor's case file for a partner agency, only while their consent to share with it is in effect.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "The partner agency (see 'haven agency list').") var agency: String
    @OptionGroup var delivery: ExportDelivery

    func run() throws {
      let session = try SessionOpener.open(global)
      let survivor = try CaseInput.reference(reference)
      let made = try CaseExport.make(session: session, reference: survivor, purpose: .share(agency: agency))
      try delivery.deliver(made.request, session: session, action: .exportShare, survivor: survivor)
      ExportCommand.printCase(made.document, json: global.json)
    }
  }

  struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify and decrypt an export on the recipient's side (no vault needed).",
      discussion:
        "Checks the seal, the signature, that it was made for this identity and every file's hash. With --signers, also that the signer is one you trust; without, it warns."
    )
    @Argument(help: "The sealed export file.") var file: String
    @Option(name: .long, help: ArgumentHelp("Your identity file from 'haven keygen'.", valueName: "file")) var identity: String
    @Option(name: .long, help: ArgumentHelp("Trusted signers ('haven export signers' output).", valueName: "file"))
    var signers: String?
    @Option(name: .long, help: ArgumentHelp("Write the files into this new directory.", valueName: "dir")) var out: String?
    @Flag(name: .long, help: "Print the manifest as JSON.") var json = false

    func run() throws {
      guard let bytes = FileManager.default.contents(atPath: file) else {
        throw CommandLineFailure(message: "cannot read export \(file)", hint: nil, exitCode: HavenExitCode.notFound)
      }
      let trusted = try signers.map { path -> [TrustedSigner] in
        guard let data = FileManager.default.contents(atPath: path) else {
          throw CommandLineFailure(message: "cannot read signers file \(path)", hint: nil, exitCode: HavenExitCode.notFound)
        }
        return try TrustedSigner.list(String(decoding: data, as: UTF8.self))
      }
      let opened = try InputFile.withDescriptor(identity, purpose: "identity") { descriptor in
        let key = try RecipientIdentity.read(fromFileDescriptor: descriptor)
        return try ExportOpener.open(Array(bytes), identity: key, trustedSigners: trusted)
      }
      if let out {
        try OutputFile.directory(out)
        try OutputFile.create(out + "/manifest.json", bytes: opened.manifestJSON)
        for entry in opened.entries { try OutputFile.create(out + "/" + entry.name, bytes: entry.contents) }
      }
      if !opened.signerTrusted {
        Console.note(
          "haven: warning: the signature is valid, but the signer was not checked against trusted keys (use --signers)")
      }
      if json {
        FileHandle.standardOutput.write(Data(opened.manifestJSON + Array("\n".utf8)))
        return
      }
      let manifest = opened.manifest
      Console.out("verified: \(manifest.kind) \"\(manifest.title)\"")
      Console.out("  from vault \(manifest.vault.name) (\(manifest.vault.id)), signed by \(manifest.generatedBy.keyName)")
      Console.out("  made \(manifest.generatedAt); content sha256 \(manifest.contentHash)")
      if let consent = manifest.consent {
        Console.out(
          "  \(consent.included) survivors included; \(consent.excluded.values.reduce(0, +)) left out for consent"
            + ExportCommand.reasons(consent.excluded))
      }
      for file in manifest.files {
        Console.out("  \(file.name) (\(file.bytes) bytes)\(out.map { " -> \($0)/\(file.name)" } ?? "")")
      }
    }
  }

  struct Signers: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the vault's signing keys as verifier-key lines, for recipients to trust (no passphrase needed).")
    @Option(name: .long, help: ArgumentHelp("The vault directory (default: $HAVEN_VAULT).", valueName: "dir")) var vault: String?
    @Option(name: .long, help: ArgumentHelp("Write them to this new file.", valueName: "file")) var out: String?

    func run() throws {
      let signers = try AuditVerifier(vaultPath: GlobalOptions(vault: vault).vaultPath()).currentSigners()
      let text =
        signers.map { TrustedSigner(name: $0.keyName, publicKey: $0.publicKey).verifierKey }.joined(separator: "\n") + "\n"
      if let out {
        try OutputFile.create(out, bytes: Array(text.utf8), mode: 0o644)
      } else {
        Console.out(text.trimmingCharacters(in: .newlines))
      }
    }
  }

  static func reasons(_ excluded: [String: Int]) -> String {
    excluded.isEmpty
      ? "" : " (" + excluded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
  }

  static func printCase(_ document: CaseDocument, json: Bool) {
    if json { return Console.json(document) }
    Console.out(
      "\(document.purpose) export for \(document.survivor.reference): \(document.referrals.count) referral(s), \(document.sessions.count) session(s), \(document.accessHistory.count) access entries"
    )
    for (kind, count) in document.redactions.sorted(by: { $0.key < $1.key }) { Console.out("  withheld: \(count) \(kind)") }
  }
}

struct RecordsView: Encodable {
  let rows: Int
  let considered: Int
  let steps: [String]
}

struct KeygenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keygen",
    abstract: "Make an export recipient's key pair: NAME.identity (secret, keep it) and NAME.pub (send it).")
  @Option(name: .long, help: ArgumentHelp("Path and name, without extension.", valueName: "name")) var out: String
  @Option(name: .long, help: "Who this key belongs to, written as a comment in the .pub file.") var comment: String?

  func run() throws {
    let identity = try RecipientIdentity.generate()
    let publicKey = RecipientPublicKey(identity.publicKey)
    try OutputFile.withNewDescriptor(out + ".identity") { try identity.writeText(to: $0) }
    try OutputFile.create(
      out + ".pub",
      bytes: Array(publicKey.text(comment: comment ?? "recipient \(URL(fileURLWithPath: out).lastPathComponent)").utf8),
      mode: 0o644)
    Console.out("identity (secret): \(out).identity")
    Console.out("public key: \(out).pub")
    Console.out("fingerprint: \(publicKey.fingerprint)  (read this to the sender to confirm the key)")
  }
}

/// `--threshold`: the smallest count a report shows as itself (both report commands).
struct ThresholdOption: ParsableArguments {
  @Option(name: .long, help: "Counts from 1 to this minus 1 are suppressed.") var threshold = 5

  func validate() throws {
    guard (2...100).contains(threshold) else { throw ValidationError("--threshold must be between 2 and 100") }
  }

  var rules: DisclosureRules { DisclosureRules(threshold: threshold) }
}
