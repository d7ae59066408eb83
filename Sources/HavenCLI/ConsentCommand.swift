import ArgumentParser
import HavenVault

extension ConsentDecision: ExpressibleByArgument {}
extension ConsentMethod: ExpressibleByArgument {}

struct ConsentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "consent", abstract: "Record and show what each survivor has consented to (docs/consent.md).",
    subcommands: [Record.self, Show.self, Due.self])

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record a consent decision (appended to the history; prints its id).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "support, statistics, evaluation, share:AGENCY, contact:call|voicemail|text|letter|email.")
    var purpose: String
    @Option(name: .long, help: "granted, refused or withdrawn.") var decision: ConsentDecision
    @Option(name: .long, help: "When it was given, YYYY-MM-DD (not in the future).") var date: String
    @Option(name: .long, help: "How it was obtained.") var method: ConsentMethod
    @Option(name: .long, help: "Expiry or review date for a grant, YYYY-MM-DD.") var expires: String?

    func run() throws {
      let id = try SessionOpener.open(global).recordConsent(
        CaseInput.reference(reference), purpose: ConsentPurpose(parsing: purpose), decision: decision,
        date: CaseInput.date(date, field: "--date"), method: method, expires: CaseInput.optionalDate(expires, field: "--expires"))
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the consent in force today and the whole history.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String

    func run() throws {
      let consent = try SessionOpener.open(global).consent(CaseInput.reference(reference))
      if global.json { return Console.json(ConsentView(consent)) }
      var lines = ["Consent in force today:"]
      lines += consent.current.map { state in
        var text = "  \(state.purpose): \(state.status.rawValue.uppercased())"
        if let since = state.since { text += " since \(since)" }
        if let expires = state.expires { text += state.status == .expired ? " (expired \(expires))" : " (review by \(expires))" }
        return text
      }
      lines.append("History:")
      lines +=
        consent.history.isEmpty
        ? ["  nothing recorded"]
        : consent.history.map {
          "  \($0.date) \($0.purpose) \($0.decision.rawValue) (\($0.method.rawValue)) by \($0.recordedBy)"
            + ($0.expires.map { ", expires \($0)" } ?? "")
        }
      Console.out(lines.joined(separator: "\n"))
    }
  }

  struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List grants that have expired or expire soon, for review.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Also list grants expiring within this many days.") var within: Int = 0

    func run() throws {
      let due = try SessionOpener.open(global).consentDue(within: within)
      if global.json {
        return Console.json(
          due.map {
            [
              "ref": $0.reference.description, "purpose": $0.purpose.description, "expires": $0.expires.description,
              "expired": $0.expired ? "yes" : "no",
            ]
          })
      }
      guard !due.isEmpty else { return Console.out("No consent is due for review.") }
      Console.out(
        Presenter.table(
          [["REF", "PURPOSE", "EXPIRES", "STATE"]]
            + due.map {
              [$0.reference.description, $0.purpose.description, $0.expires.description, $0.expired ? "EXPIRED" : "due soon"]
            }))
    }
  }
}

struct ConsentView: Encodable {
  struct State: Encodable { let purpose: String; let status: String; let since: String?; let expires: String? }
  struct Event: Encodable {
    let id: Int64; let purpose: String; let decision: String; let date: String; let method: String; let expires: String?;
    let recordedBy: String
  }
  let current: [State]
  let history: [Event]
  init(_ consent: SurvivorConsent) {
    current = consent.current.map {
      State(
        purpose: $0.purpose.description, status: $0.status.rawValue, since: $0.since?.description,
        expires: $0.expires?.description)
    }
    history = consent.history.map {
      Event(
        id: $0.id, purpose: $0.purpose.description, decision: $0.decision.rawValue, date: $0.date.description,
        method: $0.method.rawValue, expires: $0.expires?.description, recordedBy: $0.recordedBy)
    }
  }
}

struct AgencyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "agency", abstract: "Partner agencies a survivor may consent to sharing with (configuration).",
    subcommands: [Add.self, List.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a partner agency (admin).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Short name, e.g. south-yorkshire-police.") var name: String
    func run() throws {
      try SessionOpener.open(global).addAgency(name)
      Presenter.done(global, action: "agency.add", "Added partner agency '\(name)'; consent purpose 'share:\(name)'.")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List partner agencies.")
    @OptionGroup var global: GlobalOptions
    func run() throws {
      let agencies = try SessionOpener.open(global).listAgencies()
      if global.json { return Console.json(agencies) }
      Console.out(agencies.isEmpty ? "No partner agencies." : agencies.joined(separator: "\n"))
    }
  }
}
