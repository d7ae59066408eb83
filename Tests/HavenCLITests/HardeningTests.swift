import Foundation
import Testing

/// Issue 20, items 1, 2 and 5: control characters refused at input and escaped on output (data
/// stored before included), statistical district only from the configured list, and oversized
/// fields refused before they are read in full.
@Suite("Hardening: terminal escapes, closed lists, sizes")
struct HardeningTests {
  static let escape = "\u{1B}"

  func expectRefused(
    _ result: HavenProcess.Result, _ code: Int32, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == code, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains(Self.escape) && !result.stdout.contains(Self.escape), sourceLocation: sourceLocation)
  }

  @Test("control characters in a single-line field are refused (65); a stored escape-laden name is shown escaped")
  func terminalEscapes() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let crafted = "Testperson \(Self.escape)[2J\(Self.escape)[HHidden"
    expectRefused(
      try cli.asUser("wendy", ["survivor", "add", "--team", "trauma-service", "--name", crafted]), 65,
      "the name field is refused: it contains the control character U+001B")
    expectRefused(
      try cli.asUser("wendy", ["survivor", "add", "--team", "trauma-service", "--name", "Testperson\u{202E}Reversed"]), 65,
      "U+202E")
    let reference = try fixture.addSurvivor("Testperson Plain")
    expectRefused(
      try cli.asUser("wendy", ["contact", "set", reference, "--text", "yes", "--times", "after 3pm\(Self.escape)[8m"]), 65,
      "the times field is refused")

    // Data stored by an older haven that did not check input: printed escaped, never raw.
    let format5 = try Format5Vault()
    defer { format5.remove() }
    func run(_ user: String, _ arguments: [String]) throws -> HavenProcess.Result {
      try HavenProcess.run(
        arguments + ["--user", user, "--passphrase-file", format5.passphraseFile(user)],
        environment: ["HAVEN_VAULT": format5.vault])
    }
    #expect(try run("ada", ["status"]).status == 0)
    for arguments in [["survivor", "show", format5.escaped], ["survivor", "list"]] {
      let shown = try run("wendy", arguments)
      #expect(shown.status == 0, "\(shown.stderr)")
      #expect(!shown.stdout.contains(Self.escape), "a raw escape reached the terminal")
      #expect(shown.stdout.contains("Testperson \\x1B[2J\\x1B[HEscape"), "\(shown.stdout)")
    }
    #expect(try run("wendy", ["survivor", "show", format5.escaped]).stdout.contains("North\\x1B[31mtown"))
  }

  @Test("district takes only a configured local authority (by name or ONS code); free text is refused without echo")
  func closedDistricts() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let free = "Alice lives at 12 Acacia Ave"
    let refused = try cli.asUser(
      "wendy", ["survivor", "add", "--team", "trauma-service", "--name", "Testperson D", "--district", free])
    expectRefused(refused, 65, "not one of the 5 configured districts")
    #expect(!refused.stderr.contains("Acacia"))
    let byCode = try fixture.addSurvivor("Testperson Coded", extra: ["--district", "e08000018"])
    #expect(try cli.asUser("wendy", ["survivor", "show", byCode]).stdout.contains("Rotherham"))
    let listed = try cli.asUser("wendy", ["district", "list"])
    #expect(listed.stdout.contains("Rotherham") && listed.stdout.contains("E08000018"))
    expectRefused(try cli.asUser("wendy", ["district", "add", "Nowhere"]), 77, "permission denied")

    let csv = cli.root.appendingPathComponent("districts.csv").path
    try "team,name,district\ntrauma-service,Testperson Import,Sheffield\ntrauma-service,Testperson Free,\(free)\n"
      .write(toFile: csv, atomically: true, encoding: .utf8)
    let imported = try cli.asUser("wendy", ["import", csv, "--kind", "survivors"])
    expectRefused(imported, 65, "row 2, column district")
    #expect(!imported.stderr.contains("Acacia"))
  }

  @Test("oversized input is refused quickly before it is read in full: a 2 MiB notes file, a 2 KiB name, a 3 MiB import cell")
  func oversizedInput() throws {
    let fixture = try PartnershipFixture()
    let cli = fixture.cli
    let reference = try fixture.addSurvivor("Testperson Sized")
    let notes = cli.root.appendingPathComponent("notes.txt").path
    try String(repeating: "a", count: 2 << 20).write(toFile: notes, atomically: true, encoding: .utf8)
    let started = Date()
    expectRefused(
      try cli.asUser(
        "wendy",
        [
          "session", "record", reference, "--date", "2025-04-15", "--minutes", "60", "--kind", "one-to-one",
          "--attendance", "attended", "--notes-file", notes,
        ]), 65, "over the limit of 1048576 bytes for notes")
    expectRefused(
      try cli.asUser("wendy", ["survivor", "add", "--team", "trauma-service", "--name", String(repeating: "n", count: 2048)]), 65,
      "it is 2048 bytes, over the limit of 1024 bytes")
    let csv = cli.root.appendingPathComponent("big.csv").path
    try ("team,name,notes\ntrauma-service,Testperson Big,\"" + String(repeating: "x", count: 3 << 20) + "\"\n")
      .write(toFile: csv, atomically: true, encoding: .utf8)
    expectRefused(
      try cli.asUser("wendy", ["import", csv, "--kind", "survivors"]), 65, "over the limit of 2097152 bytes for one row")
    #expect(Date().timeIntervalSince(started) < 20, "oversized input took \(Date().timeIntervalSince(started)) s to refuse")
  }
}
