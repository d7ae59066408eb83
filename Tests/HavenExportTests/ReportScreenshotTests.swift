import Foundation
import HavenExport
import HavenVault
import Testing

/// Issue 17: the report a commissioner reads, rendered by a real browser (Debian's headless
/// Chromium, installed when missing): a screenshot is taken (kept when HAVEN_KEEP_SCREENSHOT
/// names a path) and the page's text, as the browser laid it out, is checked for human labels,
/// stated bases and no raw codes.
@Suite("The report in a browser")
struct ReportScreenshotTests {
  static func chromium() throws -> String {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return candidate
    }
    let install = try Self.run(
      "/usr/bin/env",
      ["bash", "-c", "apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)"])
    guard install.status == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "Chromium is missing and could not be installed"])
    }
    return "/usr/bin/chromium"
  }

  static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test("labels, bases and 0-100% scales are on the page a browser renders; a screenshot is taken")
  func rendered() throws {
    let fixture = try ExportFixture()
    try ReportFigureTests.build(fixture)
    let report = try ReportExport.make(
      session: try fixture.unlock("rita"), period: try ReportPeriod.financialYear("2024/25"), filter: ReportFilter(),
      rules: DisclosureRules()
    ).report
    let page = fixture.root.appendingPathComponent("report.html")
    try Data(ReportRendering.html(report).utf8).write(to: page)
    let browser = try Self.chromium()
    let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
    let shot =
      ProcessInfo.processInfo.environment["HAVEN_KEEP_SCREENSHOT"] ?? fixture.root.appendingPathComponent("report.png").path
    let screenshot = try Self.run(browser, common + ["--window-size=1000,2600", "--screenshot=\(shot)", page.absoluteString])
    #expect(screenshot.status == 0)
    let size = (try FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
    #expect(size > 20_000, "a screenshot with content (\(size) bytes)")

    let dom = try Self.run(browser, common + ["--dump-dom", page.absoluteString])
    #expect(dom.status == 0)
    let text = dom.output
    for label in [
      "Trauma Resilience Service", "Post-CSE support", "Operation Stovewood victim support", "Police", "School or college",
      "Victim or survivor", "18 to 24", "Support began", "Outcomes per leaving referral", "Outcomes per leaver",
      "(base: ", "0%", "25%", "50%", "75%", "100%", "fixed adjustment of at most 2",
    ] {
      #expect(text.contains(label), "the page shows \(label)")
    }
    for code in [">post-cse<", ">stovewood<", ">trs-consultation<", ">police<", ">school<", ">victim-survivor<"] {
      #expect(!text.contains(code), "no raw code \(code) on the page")
    }
  }
}
