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

  /// Long form: one line per published number: `section,row,code,column,value` (`row` the
  /// label a person reads, `code` the value behind it; value as published, so `<5`, `[c]` and
  /// `n/a` appear as they do on paper). Every share has three lines: percent, count, base.
  public static func csv(_ report: CommissionerReport) throws(VaultError) -> String {
    let sheet = try CSVText(header: ["section", "row", "code", "column", "value"])
    try sheet.row(["period", "from", "", "", report.period.from.description])
    try sheet.row(["period", "to", "", "", report.period.to.description])
    try sheet.row(["method", report.methodStatement, report.method.rawValue, "maximum adjustment", String(report.maximumNoise)])
    if report.revision > 0 {
      try sheet.row(["release", "revision", "", report.replaces ?? "", String(report.revision)])
    }
    for (reason, count) in report.excludedForConsent.sorted(by: { $0.key < $1.key }) {
      try sheet.row(["excluded for consent", reason, reason, "survivors", String(count)])
    }
    for table in [report.headline, report.funnel] + report.tables {
      for row in table.rows {
        for (column, cell) in zip(table.columns, row.cells) {
          try sheet.row([table.title, row.label, row.code ?? "total", column, cell.display])
        }
      }
    }
    for outcomes in report.outcomes {
      try sheet.row([outcomes.title, "Left support in the period", outcomes.unit, "count", outcomes.leaving.display])
      for share in [outcomes.recorded] + outcomes.domains {
        try sheet.row([outcomes.title, share.label, share.id, "percent", share.display])
        try sheet.row([outcomes.title, share.label, share.id, "count", share.numerator.display])
        try sheet.row([outcomes.title, share.label, share.id, "base", share.base.display])
      }
    }
    let waiting = "Waiting time, referral to first session"
    try sheet.row([
      waiting, "Referrals with a first attended session", "waiting-referrals", "count", report.waitingReferrals.display,
    ])
    try sheet.row([waiting, "Median", "median", "days", report.waitingMedianDays])
    try sheet.row([waiting, "90th percentile", "p90", "days", report.waitingP90Days])
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
    body += ".</p>\n<p class=\"method\">\(e(report.methodStatement))</p>\n"
    if report.revision > 0 {
      body += "<p class=\"method\">\(e(ReportExport.revisionStatement(report)))</p>\n"
    }
    body += section(report.headline.title, table(report.headline))
    for outcomes in report.outcomes { body += section(outcomes.title, outcomeSection(outcomes)) }
    body += section("Pathway funnel", funnelSection(report.funnel))
    body += section(
      "Waiting time from referral to first session",
      "<p>Referrals with a first attended session: \(e(report.waitingReferrals.display)). Median: \(e(report.waitingMedianDays)) days. "
        + "90th percentile: \(e(report.waitingP90Days)) days.</p>")
    for item in report.tables { body += section(item.title, table(item)) }
    body += section("About these figures", "<ul class=\"note\">" + report.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
    return page(title: report.title, body: body)
  }

  /// One unit's outcomes: the recording rate as a sentence with its base, then one chart whose
  /// bars all share one base (those with ratings), then the figures as a table.
  static func outcomeSection(_ outcomes: PublishedOutcomes) -> String {
    let e = HTMLText.escape
    let recorded = outcomes.recorded
    var html =
      "<p>Left support in the period: <strong>\(e(outcomes.leaving.display))</strong> \(e(outcomes.unit)). "
      + "With start and end ratings recorded: \(e(recorded.numerator.display)) of \(e(recorded.base.display)) "
      + "(\(e(recorded.display)); base: \(e(recorded.base.display)) \(e(outcomes.unit))).</p>\n"
    let base = outcomes.domains.first?.base.display ?? "0"
    html += bars(
      caption: "Maintained or improved, as a share of the \(base) \(outcomes.unit) with ratings (base: \(base))",
      outcomes.domains.map { share in
        (
          share.label, share.percent.map(Double.init),
          share.percent == nil ? share.display : "\(share.display) (\(share.numerator.display) of \(share.base.display))"
        )
      })
    return html + shareTable(outcomes.domains)
  }

  /// The funnel as shares of the referrals received (the chart's one base), and its counts.
  static func funnelSection(_ funnel: PublishedTable) -> String {
    guard let received = funnel.rows.first?.cells.first else { return table(funnel) }
    let items: [(String, Double?, String)] = funnel.rows.map { row in
      let cell = row.cells[0]
      guard let count = cell.value, let base = received.value, base > 0 else { return (row.label, nil, cell.display) }
      let percent = min(100, Int((Double(count) * 100 / Double(base)).rounded()))
      return (row.label, Double(percent), "\(percent)% (\(cell.display) of \(received.display))")
    }
    return bars(caption: "Share of the \(received.display) referrals received in the period (base: \(received.display))", items)
      + table(funnel)
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

  /// A horizontal bar chart of percentages as inline SVG, on a 0-100% scale with gridlines, its
  /// base in the caption; a withheld value draws no bar and shows its mark.
  static func bars(caption: String, _ items: [(String, Double?, String)]) -> String {
    let e = HTMLText.escape
    let rowHeight = 26
    let labelWidth = 330
    let plotWidth = 300.0
    let top = 22
    let height = top + items.count * rowHeight + 8
    var svg = "<figure><figcaption>\(e(caption))</figcaption>\n"
    svg += "<svg width=\"780\" height=\"\(height)\" role=\"img\" aria-label=\"\(e(caption))\">\n"
    for tick in stride(from: 0, through: 100, by: 25) {
      let x = labelWidth + Int(plotWidth * Double(tick) / 100)
      svg += "<line x1=\"\(x)\" y1=\"\(top - 4)\" x2=\"\(x)\" y2=\"\(height - 4)\" stroke=\"#bbb\"/>"
      svg += "<text x=\"\(x)\" y=\"\(top - 8)\" text-anchor=\"middle\" class=\"tick\">\(tick)%</text>\n"
    }
    for (index, item) in items.enumerated() {
      let y = top + index * rowHeight
      svg += "<text x=\"0\" y=\"\(y + 16)\">\(e(item.0))</text>"
      let width = item.1.map { Int(min(max($0, 0), 100) / 100 * plotWidth) } ?? 0
      if width > 0 { svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"16\" fill=\"#3b6ea5\"/>" }
      svg += "<text x=\"\(labelWidth + Int(plotWidth) + 8)\" y=\"\(y + 16)\">\(e(item.2))</text>\n"
    }
    return svg + "</svg></figure>\n"
  }
}
