import ArgumentParser
import HavenVault

struct ReferralCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "referral", abstract: "Record referrals and their status history.",
    subcommands: [Add.self, Status.self, List.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a referral for a survivor; prints its id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "Date of referral, YYYY-MM-DD (asked on a terminal; default today).") var date: String?
    @Option(name: .customLong("referrer-type"), help: "Who referred (asked on a terminal).") var referrerType: ReferrerType?
    @Option(name: .customLong("referrer-role"), help: "The referrer's role in their agency (e.g. \"DC, CSE team\").")
    var referrerRole: String?
    @Option(name: .long, help: "Pathway (asked on a terminal).") var pathway: Pathway?
    @Option(name: .long, help: "Receiving service (see 'haven service list'; asked on a terminal).") var service: String?
    @Option(name: .customLong("external-id"), help: "The service's own id for this referral.") var externalID: String?

    func run() throws {
      try GuidedPrompt.requireAll([
        ("--date", date == nil), ("--referrer-type", referrerType == nil), ("--pathway", pathway == nil),
        ("--service", service == nil),
      ])
      let reference = try CaseInput.reference(reference)
      let vault = try SessionOpener.open(global)
      let date = try GuidedPrompt.value(
        date, option: "--date", question: "Date of referral (YYYY-MM-DD)", default: CalendarDate.today().description
      ) { try CaseInput.date($0, field: "--date") }
      let referrerType = try GuidedPrompt.choice(referrerType, option: "--referrer-type", question: "Who referred?")
      let pathway = try GuidedPrompt.choice(pathway, option: "--pathway", question: "Pathway:")
      let service =
        try service
        ?? GuidedPrompt.pick(
          try vault.listServices(), option: "--service", question: "Receiving service:",
          describe: { $0.name + ($0.displayName.map { " (\($0))" } ?? "") }
        ).name
      let referral = NewReferral(
        date: date, referrerType: referrerType, referrerRole: referrerRole, pathway: pathway, service: service,
        externalID: externalID)
      let id = try vault.addReferral(reference, referral)
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Move a referral on: referred -> triaged -> allocated -> engaged -> closed (closed from any open status).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The referral id.") var id: Int64
    @Option(name: .long, help: "The new status.") var to: ReferralStatus
    @Option(name: .long, help: "Date of the change, YYYY-MM-DD.") var date: String
    @Option(name: .long, help: "Allocated to which service (allocated).") var service: String?
    @Option(
      name: .long,
      help: "Why: need|capacity|specialism (allocated); planned-ending|disengaged|moved-away|transferred|declined (closed).")
    var reason: String?

    func run() throws {
      let change = try ReferralStatusChange(
        status: to, date: try CaseInput.date(date, field: "--date"), service: service, reason: reason)
      try SessionOpener.open(global).changeReferralStatus(id, change)
      Presenter.done(global, action: "referral.status", "Referral \(id) is now \(to.rawValue).")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a survivor's referrals with their status history.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var breakGlass: BreakGlassOption
    @Argument(help: "The survivor's reference.") var reference: String

    func run() throws {
      let referrals = try SessionOpener.open(global, breakGlass: breakGlass).referrals(CaseInput.reference(reference))
      if global.json { return Console.json(referrals.map(ReferralView.init)) }
      Console.out(referrals.isEmpty ? "No referrals." : referrals.map(CaseText.referral).joined(separator: "\n"))
    }
  }
}

struct SupportSessionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "session", abstract: "Record and list support sessions, and edit their notes.",
    subcommands: [Record.self, Edit.self, List.self])

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a support session; prints its id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "Date, YYYY-MM-DD (asked on a terminal; default today).") var date: String?
    @Option(name: .long, help: "Duration in minutes (asked on a terminal).") var minutes: Int?
    @Option(name: .long, help: "Kind of session (asked on a terminal).") var kind: SessionKind?
    @Option(name: .long, help: "attended, dna (did not attend) or cancelled (asked on a terminal).") var attendance: Attendance?
    @Option(name: .long, help: "Who ran it (default: you).") var worker: String?
    @OptionGroup var notes: NotesInput
    @OptionGroup var referral: ReferralLinkOption

    func run() throws {
      try GuidedPrompt.requireAll([
        ("--date", date == nil), ("--minutes", minutes == nil), ("--kind", kind == nil), ("--attendance", attendance == nil),
      ])
      let guided = date == nil || minutes == nil || kind == nil || attendance == nil
      let reference = try CaseInput.reference(reference)
      // Unlocked before anything is asked or written, so a mistyped passphrase never costs the notes.
      let vault = try SessionOpener.open(global)
      let date = try GuidedPrompt.value(
        date, option: "--date", question: "Date of the session (YYYY-MM-DD)", default: CalendarDate.today().description
      ) { try CaseInput.date($0, field: "--date") }
      let minutes = try GuidedPrompt.value(minutes.map(String.init), option: "--minutes", question: "How many minutes") {
        text in
        guard let value = Int(text), value > 0 else { throw VaultError.invalidArgument("minutes are a whole number above 0") }
        return value
      }
      let kind = try GuidedPrompt.choice(kind, option: "--kind", question: "Kind of session:", default: .oneToOne)
      let attendance = try GuidedPrompt.choice(
        attendance, option: "--attendance", question: "Attendance:", default: .attended,
        describe: { $0 == .didNotAttend ? "dna (did not attend)" : $0.rawValue })
      let worker =
        guided && worker == nil
        ? try GuidedPrompt.value(nil, option: "--worker", question: "Who ran it", default: vault.user.name) { $0 } : worker
      let session = try NewSupportSession(
        date: date, minutes: minutes, kind: kind, attendance: attendance, worker: worker,
        notes: try notes.read(what: "session notes", editorByDefault: guided), referral: referral.link)
      let id = try vault.recordSession(reference, session)
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write or change a session's notes in your editor, kept in memory (or from standard input).",
      discussion: NotesInput.editorDiscussion)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The session's id (from 'haven session list').") var id: Int64
    @OptionGroup var notes: NotesInput

    func run() throws {
      let vault = try SessionOpener.open(global)
      let current = try vault.sessionNotes(id)
      guard let text = try notes.read(current: current, what: "session notes", editorByDefault: true) else { return }
      try vault.updateSessionNotes(id, from: current, to: text)
      Presenter.done(global, action: "session.update", "Updated the notes of session \(id).")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a survivor's support sessions.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String

    func run() throws {
      let sessions = try SessionOpener.open(global).supportSessions(CaseInput.reference(reference))
      if global.json { return Console.json(sessions.map(SessionView.init)) }
      Console.out(sessions.isEmpty ? "No sessions." : sessions.map(CaseText.session).joined(separator: "\n"))
    }
  }
}

struct OutcomeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outcome", abstract: "Record and show outcome ratings (1 worst - 10 best) in the four domains.",
    subcommands: [Record.self, Show.self])

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record ratings at the start or end of support; prints its id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "start or end (asked on a terminal).") var stage: OutcomeStage?
    @Option(name: .long, help: "Date, YYYY-MM-DD (asked on a terminal; default today).") var date: String?
    @Option(name: .long, help: "Mental health and wellbeing, on the vault's outcome scale (1-10 unless configured).")
    var wellbeing: Int?
    @Option(name: .customLong("self"), help: "Feelings and thoughts about themselves, on the outcome scale.") var selfRegard: Int?
    @Option(name: .long, help: "Effect of the trauma, on the outcome scale.") var trauma: Int?
    @Option(name: .long, help: "Relationship with family and social network, on the outcome scale.") var relationships: Int?
    @OptionGroup var referral: ReferralLinkOption

    func run() throws {
      let domains: [(OutcomeDomain, String, Int?, String)] = [
        (.wellbeing, "--wellbeing", wellbeing, "Mental health and wellbeing"),
        (.selfRegard, "--self", selfRegard, "Feelings and thoughts about themselves"),
        (.trauma, "--trauma", trauma, "Effect of the trauma"),
        (.relationships, "--relationships", relationships, "Relationship with family and social network"),
      ]
      try GuidedPrompt.requireAll(
        [("--stage", stage == nil), ("--date", date == nil)] + domains.map { ($0.1, $0.2 == nil) })
      let reference = try CaseInput.reference(reference)
      let vault = try SessionOpener.open(global)
      let stage = try GuidedPrompt.choice(
        stage, option: "--stage", question: "Ratings at the start or the end of support?",
        describe: { $0 == .start ? "start (of support)" : "end (of support)" })
      let date = try GuidedPrompt.value(
        date, option: "--date", question: "Date of the ratings (YYYY-MM-DD)", default: CalendarDate.today().description
      ) { try CaseInput.date($0, field: "--date") }
      let scale = domains.contains(where: { $0.2 == nil }) ? try vault.outcomeScale() : .standard
      if domains.contains(where: { $0.2 == nil }) {
        Console.note("Each rating is from \(scale.lowest) (worst) to \(scale.highest) (best), as the survivor gave it.")
      }
      var ratings: [OutcomeDomain: Int] = [:]
      for (domain, option, given, question) in domains {
        ratings[domain] = try GuidedPrompt.value(given.map(String.init), option: option, question: question + " (\(scale))") {
          text in
          guard let value = Int(text), scale.range.contains(value) else {
            throw VaultError.invalidArgument("a rating is a whole number from \(scale.lowest) to \(scale.highest)")
          }
          return value
        }
      }
      let assessment = try NewOutcomeAssessment(stage: stage, date: date, ratings: ratings, referral: referral.link)
      let id = try vault.recordOutcome(reference, assessment)
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a survivor's outcome ratings and whether each domain was maintained or improved.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String

    func run() throws {
      let outcomes = try SessionOpener.open(global).outcomes(CaseInput.reference(reference))
      if global.json { return Console.json(outcomes.map(OutcomeView.init)) }
      Console.out(CaseText.outcomes(outcomes))
    }
  }
}

/// `--referral`: the episode of support a session or a rating belongs to.
struct ReferralLinkOption: ParsableArguments {
  @Option(
    name: .customLong("referral"),
    help: ArgumentHelp(
      "The referral (episode of support) it belongs to: its number from 'haven referral list', or its external id.",
      valueName: "referral"))
  var text: String?

  var link: ReferralLink? { text.map(ReferralLink.init(parsing:)) }
}
