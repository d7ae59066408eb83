import Foundation
import HavenVault

/// Makes a subject-access export (`haven export subject-access`) or a consented share with a
/// partner agency (`haven export share`): one survivor's case file, read by a member of their
/// team in one audited transaction, rendered as a readable HTML page and as JSON.
public enum CaseExport {
  public static func make(
    session: VaultSession, reference: SurvivorReference, purpose: CaseExportPurpose, on day: CalendarDate = CalendarDate.today()
  ) throws(VaultError) -> (document: CaseDocument, request: ExportSigner.Request) {
    let read = try session.readCaseForExport(reference, purpose: purpose, on: day)
    let document = CaseDocument(read, purpose: purpose)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let json = (try? encoder.encode(document)).map(Array.init) ?? []
    let kind: String
    let title: String
    var notes: [String]
    var parameters = ["survivor": reference.description]
    switch purpose {
    case .subjectAccess:
      kind = "subject-access"
      title = "Information held about you by \(session.vault.metadata.name)"
      notes = [
        "Other people named in notes, staff names and identifiers that are not yours are withheld (docs/export.md, Redaction).",
        "Each access in the history comes with an RFC 6962 inclusion proof against the signed audit checkpoint included.",
      ]
    case .share(let agency):
      kind = "share"
      title = "Case file shared with \(agency) by \(session.vault.metadata.name)"
      notes = ["Shared with \(agency) under the survivor's consent to share, in effect on \(day)."]
      parameters["agency"] = agency
    }
    notes += document.redactions.sorted { $0.key < $1.key }.map { "withheld: \($0.value) \($0.key)" }
    let request = ExportSigner.Request(
      kind: kind, title: title, parameters: parameters, consent: nil, disclosureNotes: notes,
      entries: [
        ExportEntry(
          name: "\(kind).html", mediaType: "text/html; charset=utf-8", text: CaseRendering.html(document, title: title)),
        ExportEntry(name: "\(kind).json", mediaType: "application/json", contents: json),
      ], auditCheckpoint: read.checkpoint)
    return (document, request)
  }
}

/// The case file as a page a survivor can read.
enum CaseRendering {
  static func html(_ document: CaseDocument, title: String) -> String {
    let e = HTMLText.escape
    func rows(_ pairs: [(String, String?)]) -> String {
      "<table><tbody>"
        + pairs.compactMap { label, value in value.map { "<tr><td>\(e(label))</td><td>\(e($0))</td></tr>" } }.joined()
        + "</tbody></table>\n"
    }
    func table(_ headers: [String], _ lines: [[String]]) -> String {
      guard !lines.isEmpty else { return "<p>None recorded.</p>\n" }
      return "<table><thead><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
        + lines.map { "<tr>" + $0.map { "<td>\(e($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>\n"
    }
    let person = document.survivor
    var body = "<h1>\(e(title))</h1>\n"
    body += ReportRendering.section(
      "Your details",
      rows([
        ("Reference", person.reference), ("Name", person.name),
        ("Other names", person.aliases.isEmpty ? nil : person.aliases.joined(separator: ", ")),
        ("Date of birth", person.dateOfBirth), ("Gender", person.gender), ("Address", person.address),
        ("Postcode", person.postcode), ("District", person.district), ("Phone", person.phone), ("Email", person.email),
        ("NHS number", person.nhsNumber), ("Cohort", person.cohort), ("Health notes", person.healthNotes),
        ("Notes", person.notes), ("Safe contact", document.safeContact),
      ]))
    body += ReportRendering.section(
      "People linked to your record",
      table(["Relationship", "Details"], document.relatedPeople.map { [$0.relationship, $0.details] }))
    body += ReportRendering.section(
      "Referrals",
      document.referrals.map { referral in
        "<p>Referred \(e(referral.date)) by \(e(referral.referrerType))\(referral.referrerRole.map { " (\(e($0)))" } ?? "") to \(e(referral.service)), pathway \(e(referral.pathway)).</p>\n"
          + table(
            ["Step", "Date", "Service", "Reason", "Recorded by"],
            referral.history.map { [$0.status, $0.date, $0.service ?? "", $0.reason ?? "", $0.recordedBy] })
      }.joined())
    body += ReportRendering.section(
      "Support sessions",
      table(
        ["Date", "Minutes", "Kind", "Attendance", "With", "Notes"],
        document.sessions.map { [$0.date, String($0.minutes), $0.kind, $0.attendance, $0.worker, $0.notes ?? ""] }))
    body += ReportRendering.section(
      "Outcome ratings (1 worst to 10 best)",
      table(
        ["Stage", "Date"] + OutcomeDomain.allCases.map(\.title) + ["Recorded by"],
        document.outcomes.map { outcome in
          [outcome.stage, outcome.date] + OutcomeDomain.allCases.map { outcome.ratings[$0.rawValue].map(String.init) ?? "" }
            + [outcome.recordedBy]
        }))
    body += ReportRendering.section(
      "Your consent decisions",
      table(
        ["Purpose", "Decision", "Date", "How", "Review by", "Recorded by"],
        document.consent.map { [$0.purpose, $0.decision, $0.date, $0.method, $0.expires ?? "", $0.recordedBy] }))
    if document.checkpoint != nil {
      body += ReportRendering.section(
        "Who has accessed your record",
        "<p>Every entry below is in the vault's tamper-evident audit log. The JSON file in this export carries, for each, "
          + "the entry's bytes and a proof of its inclusion in the signed log checkpoint, which anyone can check without "
          + "seeing anyone else's entries.</p>\n"
          + table(
            ["Entry", "Time (UTC)", "By", "Action", "Outcome", "Emergency access"],
            document.accessHistory.map {
              [String($0.seq), $0.time, $0.by, $0.action, $0.outcome, $0.breakGlass ? "yes" : ""]
            }))
    }
    if !document.redactions.isEmpty {
      body += ReportRendering.section(
        "What was withheld",
        "<p class=\"note\">Information about other people is withheld: "
          + document.redactions.sorted { $0.key < $1.key }.map { "\(e($0.key)) \($0.value)" }.joined(separator: ", ")
          + ".</p>")
    }
    return ReportRendering.page(title: title, body: body)
  }
}
