import Foundation
import HavenImport
import HavenVault
import Testing

@Suite("Import file parsing")
struct ImportFileParserTests {
  func parse(_ text: String, _ kind: ImportKind = .survivors) throws(ImportFailure) -> ImportBatch {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("haven-parse-\(UUID().uuidString).csv").path
    try? text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try ImportFileParser.parse(path: path, kind: kind)
  }

  @Test("RFC 4180 quoting: commas, quotes and newlines inside quoted fields; column order free; blank cells absent")
  func quoting() throws {
    let batch = try parse(
      "name,team,notes,aliases\n\"Example, Testperson\",trauma-service,\"said \"\"hello\"\"\nthen left\",A; B\n")
    guard case .survivors(let rows) = batch else { Issue.record("wrong kind"); return }
    #expect(rows.count == 1)
    #expect(rows[0].row == 1)
    #expect(rows[0].value.details.name == "Example, Testperson")
    #expect(rows[0].value.details.notes == "said \"hello\"\nthen left")
    #expect(rows[0].value.details.aliases == ["A", "B"])
    #expect(rows[0].value.details.email == nil)
  }

  @Test("an unterminated quote is refused, not read to the end of the file")
  func unterminatedQuote() {
    #expect(throws: ImportFailure.self) { _ = try parse("team,name\ntrauma-service,\"Unterminated\ntrauma-service,Other\n") }
  }

  @Test("a survivor column names a reference or an external id")
  func locator() throws {
    #expect(SurvivorLocator("hv-2024-00017") == .reference(try SurvivorReference(parsing: "HV-2024-00017")))
    #expect(SurvivorLocator("SHEET-001") == .externalID("SHEET-001"))
  }
}
