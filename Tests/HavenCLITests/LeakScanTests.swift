import Foundation
import Testing

/// Runs a workflow with canary values in every kind of sensitive field, then searches every file
/// it wrote (vault, WAL, exports, backup, keyring, key pairs) and the output of every command
/// that does not exist to show case content, for the canaries in plain text, hex and base64.
@Suite("Leak scan")
struct LeakScanTests {
  static let canaries = [
    "Zqxcanary Person", "CANARY-NOTE-7731", "07700 900731", "canary731@example.invalid", "CANARY-HEALTH-8812",
    "Zqxcanary Relative", "CANARY-SESSION-5521", "CANARY-CONTACT-4410", "SZ1 9ZZ", "CANARY-REFERRER-3301",
  ]

  /// The canary as it could appear: plain, hex (both cases), and base64 at the three alignments.
  static func encodings(_ canary: String) -> [Data] {
    let bytes = Data(canary.utf8)
    var forms = [
      bytes, Data(bytes.map { String(format: "%02x", $0) }.joined().utf8),
      Data(bytes.map { String(format: "%02X", $0) }.joined().utf8),
    ]
    for shift in 0..<3 {
      let padded = Data(repeating: 0x20, count: shift) + bytes
      let encoded = Array(padded.base64EncodedString().utf8)
      // Drop the characters that depend on the bytes before and after the canary.
      let start = shift == 0 ? 0 : (shift == 1 ? 2 : 3)
      let usable = (bytes.count + shift) / 3 * 4
      if usable > start + 8 { forms.append(Data(encoded[start..<usable])) }
    }
    return forms
  }

  static func files(under root: URL) -> [URL] {
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
    return (enumerator?.allObjects as? [URL] ?? []).filter {
      (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
    }
  }

  @Test("no canary in any file the workflow wrote, nor in the output of any command that is not meant to show it")
  func scan() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let notes = cli.root.appendingPathComponent("in/notes.txt")
    try FileManager.default.createDirectory(at: notes.deletingLastPathComponent(), withIntermediateDirectories: true)
    try "CANARY-NOTE-7731\n".write(to: notes, atomically: true, encoding: .utf8)
    let health = cli.root.appendingPathComponent("in/health.txt")
    try "CANARY-HEALTH-8812\n".write(to: health, atomically: true, encoding: .utf8)
    let sessionNotes = cli.root.appendingPathComponent("in/session.txt")
    try "CANARY-SESSION-5521\n".write(to: sessionNotes, atomically: true, encoding: .utf8)
    let out = cli.root.appendingPathComponent("out").path
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let env = ["HAVEN_BACKUP_KEYRING": out + "/keyring"]
    try cli.asAdmin(["user", "add", "rita", "--role", "reporting", "--new-passphrase-file", cli.workerFile])
    try cli.asAdmin(["recovery", "deliver", "--recovery-key-file", cli.recoveryFile])
    try cli.asAdmin(["agency", "add", "police"])
    #expect(try cli.run(["keygen", "--out", out + "/recipient"]).status == 0)
    let reference = try fixture.addSurvivor(
      "Zqxcanary Person",
      extra: [
        "--phone", "07700 900731", "--email", "canary731@example.invalid", "--postcode", "SZ1 9ZZ", "--district", "Rotherham",
        "--notes-file", notes.path, "--health-notes-file", health.path, "--gender", "female",
      ])
    var quiet: [HavenProcess.Result] = []
    func run(_ user: String, _ arguments: [String]) throws {
      let result = user == "ada" ? try cli.asAdmin(arguments) : try cli.asUser(user, arguments)
      #expect(result.status == 0, "\(arguments.prefix(2)): \(result.stderr)")
      quiet.append(result)
    }
    let contact = try cli.run(
      ["contact", "set", reference, "--text", "yes", "--notes", "-", "--user", "wendy", "--passphrase-file", cli.workerFile],
      standardInput: "CANARY-CONTACT-4410\n")
    #expect(contact.status == 0, "\(contact.stderr)")
    quiet.append(contact)
    try run("wendy", ["related", "add", reference, "--relationship", "parent", "--name", "Zqxcanary Relative"])
    try run(
      "wendy",
      [
        "referral", "add", reference, "--date", "2024-05-01", "--referrer-type", "police", "--referrer-role",
        "CANARY-REFERRER-3301",
        "--pathway", "post-cse", "--service", "trauma-service",
      ])
    try run(
      "wendy",
      [
        "session", "record", reference, "--date", "2024-05-02", "--minutes", "50", "--kind", "phone", "--attendance", "attended",
        "--notes-file", sessionNotes.path,
      ])
    for purpose in ["statistics", "evaluation", "share:police"] {
      try run(
        "wendy",
        [
          "consent", "record", reference, "--purpose", purpose, "--decision", "granted", "--date", "2024-05-01", "--method",
          "written",
        ])
    }
    let pub = out + "/recipient.pub"
    try run("rita", ["export", "report", "--year", "2024/25", "--recipient", pub, "--out", out + "/report.hvx"])
    try run("rita", ["export", "records", "--year", "2024/25", "--recipient", pub, "--out", out + "/records.hvx", "--k", "2"])
    try run("wendy", ["export", "subject-access", reference, "--recipient", pub, "--out", out + "/sar.hvx"])
    try run("wendy", ["export", "share", reference, "--agency", "police", "--recipient", pub, "--out", out + "/share.hvx"])
    let backup = try cli.run(
      ["backup", "--out", out + "/vault.hvb", "--user", "ada", "--passphrase-file", cli.adminFile], environment: env)
    #expect(backup.status == 0, "\(backup.stderr)")
    quiet.append(backup)
    try run("ada", ["audit", "log"])
    try run("ada", ["audit", "report", "--since", "2000-01-01", "--until", "2100-01-01"])
    try run("ada", ["status"])

    var hits: [String] = []
    for file in Self.files(under: cli.root) where !file.path.hasPrefix(cli.root.appendingPathComponent("in").path) {
      let contents = try Data(contentsOf: file)
      for canary in Self.canaries {
        for form in Self.encodings(canary) where contents.range(of: form) != nil {
          hits.append("\(canary) in \(file.lastPathComponent)")
        }
      }
    }
    for result in quiet {
      for canary in Self.canaries where result.combined.contains(canary) { hits.append("\(canary) in command output") }
    }
    #expect(hits.isEmpty, "\(hits)")
  }
}
