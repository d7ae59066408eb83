import ArgumentParser
import HavenVault

/// `haven caseload` (or `haven today`): the worker's teams' cases with something due, most urgent
/// first, each with its safe-contact flags and last contact.
struct CaseloadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "caseload",
    abstract: "Your teams' cases with something due today, most urgent first.",
    discussion: """
      Due: a referral waiting for triage or allocation longer than its service's target, a consent \
      expired or expiring within --consent-within days, an end-of-support rating missing after a \
      planned ending (90 days), an attended session without notes (30 days). --all adds every open \
      case with nothing due, the longest without contact first. Each case shown is audited.
      """,
    aliases: ["today"])

  @OptionGroup var global: GlobalOptions
  @Option(name: .long, help: "Only this one of your teams.") var team: String?
  @Flag(name: .long, help: "Also list open cases with nothing due.") var all = false
  @Option(name: .long, help: "Show at most this many cases (0: all of them).")
  var limit: Int = CaseloadQuery.defaultLimit
  @Option(name: .customLong("consent-within"), help: "List consents expiring within this many days.")
  var consentWithin: Int = CaseloadQuery.defaultConsentWindow
  @Flag(name: .long, help: "Rebuild your teams' caseload index from the case files first.") var rebuild = false

  func validate() throws {
    guard limit >= 0 else { throw ValidationError("--limit must be 0 (no limit) or more") }
  }

  func run() throws {
    let caseload = try SessionOpener.open(global).caseload(
      CaseloadQuery(
        team: team, everyOpenCase: all, limit: limit == 0 ? nil : limit, consentWindowDays: consentWithin, rebuild: rebuild))
    if global.json { return Console.json(CaseloadView(caseload)) }
    Console.out(CaseloadText.render(caseload, everyOpenCase: all))
  }
}

/// The caseload as a support worker reads it on a terminal.
enum CaseloadText {
  static func render(_ caseload: Caseload, everyOpenCase: Bool) -> String {
    var lines = [
      "\(caseload.openCases) open case\(caseload.openCases == 1 ? "" : "s"); "
        + "\(caseload.casesWithSomethingDue) with something due (\(caseload.today)). Most urgent first."
    ]
    if caseload.rebuiltEntries > 0 {
      lines.append("(\(caseload.rebuiltEntries) changed case\(caseload.rebuiltEntries == 1 ? "" : "s") re-read for the caseload)")
    }
    guard !caseload.cases.isEmpty else {
      lines.append(everyOpenCase ? "No open cases." : "Nothing is due.")
      return lines.joined(separator: "\n")
    }
    var rows = [["REF", "NAME", "TEAM", "SAFE CONTACT", "LAST SEEN", "DUE"]]
    for item in caseload.cases {
      let first = [
        item.reference.description, item.name, item.team, contact(item.safeContact),
        item.lastContact?.description ?? "never", item.due.first.map(due) ?? (item.isOpen ? "-" : "closed"),
      ]
      rows.append(first)
      for more in item.due.dropFirst() { rows.append(["", "", "", "", "", due(more)]) }
    }
    lines.append("")
    lines.append(Presenter.table(rows))
    if caseload.notShown > 0 {
      lines.append("... and \(caseload.notShown) more (--limit N, or --limit 0 for all).")
    }
    lines.append("SAFE CONTACT: NOT = never use; * = read the safe-contact plan first ('haven contact show REF').")
    return lines.joined(separator: "\n")
  }

  static func contact(_ flags: SafeContact.Flags) -> String {
    if flags.isUnknown { return "ask first" }
    var parts: [String] = []
    if !flags.never.isEmpty { parts.append("NOT " + flags.never.map(\.rawValue).joined(separator: ",")) }
    if !flags.safe.isEmpty { parts.append("ok " + flags.safe.map(\.rawValue).joined(separator: ",")) }
    return parts.joined(separator: "; ") + (flags.hasTimesOrNote ? " *" : "")
  }

  static func due(_ item: CaseloadItem) -> String {
    let days = item.daysLate
    let late = "\(days) day\(days == 1 ? "" : "s")"
    let what: String
    switch item.kind {
    case .triageOverdue: what = "triage overdue by \(late)"
    case .allocationOverdue: what = "allocation overdue by \(late)"
    case .consentExpired: what = "consent expired \(late) ago"
    case .consentReview:
      what = days == 0 ? "consent expires today" : "consent review: expires in \(-days) day\(days == -1 ? "" : "s")"
    case .endOutcomeMissing: what = "end-of-support rating missing (closed \(late) ago)"
    case .sessionNotesMissing: what = "session notes missing"
    }
    return "\(what) [\(item.subject)]"
  }
}

/// `--json`: field names are part of the documented interface (docs/cli.md).
struct CaseloadView: Encodable {
  struct Contact: Encodable {
    let safe: [String]
    let never: [String]
    let timesOrNote: Bool
  }
  struct Due: Encodable {
    let kind: String
    let dueOn: String
    let daysLate: Int
    let subject: String
  }
  struct Case: Encodable {
    let ref: String
    let name: String
    let team: String
    let safeContact: Contact
    let lastContact: String?
    let open: Bool
    let due: [Due]
  }
  let today: String
  let openCases: Int
  let casesWithSomethingDue: Int
  let notShown: Int
  let rebuiltEntries: Int
  let cases: [Case]

  init(_ caseload: Caseload) {
    today = caseload.today.description
    openCases = caseload.openCases
    casesWithSomethingDue = caseload.casesWithSomethingDue
    notShown = caseload.notShown
    rebuiltEntries = caseload.rebuiltEntries
    cases = caseload.cases.map { item in
      Case(
        ref: item.reference.description, name: item.name, team: item.team,
        safeContact: Contact(
          safe: item.safeContact.safe.map(\.rawValue), never: item.safeContact.never.map(\.rawValue),
          timesOrNote: item.safeContact.hasTimesOrNote),
        lastContact: item.lastContact?.description, open: item.isOpen,
        due: item.due.map {
          Due(kind: $0.kind.rawValue, dueOn: $0.dueOn.description, daysLate: $0.daysLate, subject: $0.subject)
        })
    }
  }
}
