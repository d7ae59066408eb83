import ArgumentParser
import Foundation
import HavenExport
import HavenVault

/// Where an export goes: sealed to a recipient's public key (`--recipient`, `--out`), or, only
/// when asked for explicitly, an unsealed copy (`--plain DIR`) with a warning.
struct ExportDelivery: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp("The recipient's public key file (Keys/recipients/NAME.pub, made by 'haven keygen').", valueName: "file"))
  var recipient: String?

  @Option(name: .long, help: ArgumentHelp("Write the sealed export here (never overwritten).", valueName: "file"))
  var out: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Write an UNSEALED copy into this new directory instead (anyone who can read it can read the export).",
      valueName: "dir"))
  var plain: String?

  func validate() throws {
    if out != nil && plain != nil { throw ValidationError("give --out or --plain, not both") }
    if out == nil && plain == nil { throw ValidationError("give --out FILE (sealed to --recipient) or --plain DIR") }
    if out != nil && recipient == nil { throw ValidationError("--out needs --recipient: the export is sealed to them") }
  }

  func recipientKey() throws -> RecipientPublicKey? {
    guard let recipient else { return nil }
    guard let data = FileManager.default.contents(atPath: recipient) else {
      throw CommandLineFailure(message: "cannot read recipient key \(recipient)", hint: nil, exitCode: HavenExitCode.notFound)
    }
    return try RecipientPublicKey(parsing: String(decoding: data, as: UTF8.self))
  }

  /// Signs, seals (or not), audits, and writes. The file appears only after its audit entry has
  /// committed: it is written under a temporary name and renamed.
  func deliver(
    _ request: ExportSigner.Request, session: VaultSession, action: AuditAction, survivor: SurvivorReference? = nil
  ) throws {
    let recipientKey = try recipientKey()
    let signer = ExportSigner(session: session)
    if let plain {
      let signed = try signer.sign(request, recipient: nil)
      try OutputFile.directory(plain)
      try signer.audit(signed, action: action, survivor: survivor, recipient: nil)
      try OutputFile.create(plain + "/manifest.json", bytes: signed.manifestJSON)
      try OutputFile.create(plain + "/manifest.sig", bytes: Array((Data(signed.signature).base64EncodedString() + "\n").utf8))
      for entry in signed.entries { try OutputFile.create(plain + "/" + entry.name, bytes: entry.contents) }
      Console.note("haven: warning: \(plain) holds an UNSEALED export; anyone who can read that directory can read it")
      return
    }
    guard let out, let recipientKey else { return }
    let signed = try signer.sign(request, recipient: recipientKey)
    let sealed = try ExportFile.seal(signed, to: recipientKey.key)
    let partial = out + ".partial"
    try OutputFile.create(partial, bytes: sealed)
    do {
      try signer.audit(signed, action: action, survivor: survivor, recipient: recipientKey)
      guard !FileManager.default.fileExists(atPath: out), rename(partial, out) == 0 else {
        throw VaultError.cannotCreate(path: out, reason: "it already exists")
      }
    } catch {
      unlink(partial)
      throw error
    }
    Console.note("haven: sealed to recipient \(recipientKey.fingerprint): \(out)")
  }
}

/// `--year 2023/24`, or `--from` and `--to`.
struct PeriodOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("A UK financial year, 1 April to 31 March: 2023/24.", valueName: "yyyy/yy"))
  var year: String?
  @Option(name: .long, help: ArgumentHelp("First day, YYYY-MM-DD (with --to).", valueName: "date")) var from: String?
  @Option(name: .long, help: ArgumentHelp("Last day, YYYY-MM-DD (with --from).", valueName: "date")) var to: String?
  @Option(name: .long, help: "Only referrals to this service.") var service: String?
  @Option(name: .long, help: "Only referrals on this pathway.") var pathway: Pathway?

  func period() throws -> ReportPeriod {
    switch (year, from, to) {
    case (let year?, nil, nil): return try ReportPeriod.financialYear(year)
    case (nil, let from?, let to?):
      return try ReportPeriod(from: CaseInput.date(from, field: "--from"), to: CaseInput.date(to, field: "--to"))
    default: throw ValidationError("give --year YYYY/YY, or both --from and --to")
    }
  }

  var filter: ReportFilter { ReportFilter(service: service, pathway: pathway) }
}
