import Foundation
import HavenVault

/// The commissioner's report in the three forms it is delivered in: CSV for spreadsheets, JSON
/// for systems, and a self-contained HTML page (no scripts, no fetches, prints well) for people.
public enum ReportRendering {
  public static func entries(_ report: CommissionerReport) throws(VaultError) -> [ExportEntry] {
    [
      ExportEntry(name: "report.html", mediaType: "text/html; charset=utf-8", text: html(report)),
      ExportEntry(name: "report.csv", mediaType: "text/csv; charset=utf-8", text: try csv(report)),
      ExportEntry(name: "report.json", mediaType: "application/json", contents: json(report)),
    ]
  }

  public static func json(_ report: CommissionerReport) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array((try? encoder.encode(report)) ?? Data())
  }

  /// Long form: one line per published number: `section,row,column,value` (value as published,
  /// so `<5` and `[c]` appear as they do on paper).
  public static func csv(_ report: CommissionerReport) throws(VaultError) -> String {
    let sheet = try CSVText(header: ["section", "row", "column", "value"])
    try sheet.row(["period", "from", "", report.period.from.description])
    try sheet.row(["period", "to", "", report.period.to.description])
    for (reason, count) in report.excludedForConsent.sorted(by: { $0.key < $1.key }) {
      try sheet.row(["excluded for consent", reason, "survivors", String(count)])
    }
    for table in [report.headline, report.funnel] + report.tables {
      for row in table.rows {
        for (column, cell) in zip(table.columns, row.cells) { try sheet.row([table.title, row.label, column, cell.display]) }
      }
    }
    for share in [report.outcomeRecorded] + report.outcomes {
      let section = "Outcomes (share of leavers maintained or improved)"
      try sheet.row([section, share.label, "percent", share.display])
      try sheet.row([section, share.label, "count", share.numerator.display])
      try sheet.row([section, share.label, "base", share.base.display])
    }
    try sheet.row([
      "Waiting time, referral to first session", "referrals with a first session", "count", report.waitingReferrals.display,
    ])
    try sheet.row(["Waiting time, referral to first session", "median", "days", report.waitingMedianDays])
    try sheet.row(["Waiting time, referral to first session", "90th percentile", "days", report.waitingP90Days])
    return sheet.finish()
  }

  public static func html(_ report: CommissionerReport) -> String {
    let e = HTMLText.escape
    var body =
      "<h1>\(e(report.title))</h1>\n<p class=\"meta\">Period: \(e(report.period.from.description)) to \(e(report.period.to.description))"
    if let service = report.service { body += " · service: \(e(service))" }
    if let pathway = report.pathway { body += " · pathway: \(e(pathway))" }
    let excluded = report.excludedForConsent.values.reduce(0, +)
    body += ". Survivors counted: \(report.survivorsCounted); not counted for lack of consent: \(excluded)"
    if excluded > 0 {
      body +=
        " (" + report.excludedForConsent.sorted { $0.key < $1.key }.map { "\(e($0.key)) \($0.value)" }.joined(separator: ", ")
        + ")"
    }
    body += ".</p>\n"
    body += section("Headline figures", table(report.headline))
    let shares = [report.outcomeRecorded] + report.outcomes
    body += section(
      "Outcomes for leavers",
      "<p>Share of leavers whose rating was maintained or improved between the start and end of support, by domain. "
        + "Base: leavers with both ratings (\(e(report.outcomes.first?.base.display ?? "0"))).</p>\n"
        + bars(shares.map { ($0.label, $0.percent.map(Double.init), $0.display) }, maximum: 100)
        + shareTable(shares))
    let funnelValues = report.funnel.rows.map { ($0.label, $0.cells[0].value.map(Double.init), $0.cells[0].display) }
    let funnelMax = Double(funnelValues.compactMap(\.1).max() ?? 1)
    body += section(
      "Pathway funnel", bars(funnelValues, maximum: max(funnelMax, 1)) + table(report.funnel))
    body += section(
      "Waiting time from referral to first session",
      "<p>Referrals with a first attended session: \(e(report.waitingReferrals.display)). Median: \(e(report.waitingMedianDays)) days. "
        + "90th percentile: \(e(report.waitingP90Days)) days.</p>")
    for item in report.tables { body += section(item.title, table(item)) }
    body += section("About these figures", "<ul class=\"note\">" + report.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
    return page(title: report.title, body: body)
  }

  static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en-GB"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title>
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
    <style>\(HTMLText.style)</style></head>
    <body>
    \(body)</body></html>

    """
  }

  static func section(_ title: String, _ content: String) -> String {
    "<section><h2>\(HTMLText.escape(title))</h2>\n\(content)</section>\n"
  }

  static func table(_ table: PublishedTable) -> String {
    let e = HTMLText.escape
    var html = "<table><thead><tr><th></th>" + table.columns.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>\n"
    for row in table.rows {
      html +=
        "<tr\(row.label == "Total" ? " class=\"total\"" : "")><td>\(e(row.label))</td>"
        + row.cells.map { "<td>\(e($0.display))</td>" }.joined() + "</tr>\n"
    }
    return html + "</tbody></table>\n"
  }

  static func shareTable(_ shares: [PublishedShare]) -> String {
    let e = HTMLText.escape
    return "<table><thead><tr><th>Measure</th><th>Share</th><th>Count</th><th>Base</th></tr></thead><tbody>\n"
      + shares.map {
        "<tr><td>\(e($0.label))</td><td>\(e($0.display))</td><td>\(e($0.numerator.display))</td><td>\(e($0.base.display))</td></tr>\n"
      }.joined()
      + "</tbody></table>\n"
  }

  /// A horizontal bar chart as inline SVG; a suppressed value draws no bar and shows its mark.
  static func bars(_ items: [(String, Double?, String)], maximum: Double) -> String {
    let e = HTMLText.escape
    let rowHeight = 26
    let labelWidth = 330
    let barWidth = 300.0
    var svg =
      "<svg width=\"720\" height=\"\(items.count * rowHeight + 8)\" role=\"img\" aria-label=\"bar chart\">\n"
    for (index, item) in items.enumerated() {
      let y = index * rowHeight + 4
      svg += "<text x=\"0\" y=\"\(y + 16)\">\(e(item.0))</text>"
      let width = item.1.map { Int(($0 / maximum) * barWidth) } ?? 0
      if width > 0 { svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"16\" fill=\"#3b6ea5\"/>" }
      svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 16)\">\(e(item.2))</text>\n"
    }
    return svg + "</svg>\n"
  }
}
