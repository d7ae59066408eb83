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
    @Option(name: .long, help: "Date of referral, YYYY-MM-DD.") var date: String
    @Option(name: .customLong("referrer-type"), help: "Who referred.") var referrerType: ReferrerType
    @Option(name: .customLong("referrer-role"), help: "The referrer's role in their agency (e.g. \"DC, CSE team\").")
    var referrerRole: String?
    @Option(name: .long, help: "Pathway.") var pathway: Pathway
    @Option(name: .long, help: "Receiving service (see 'haven service list').") var service: String
    @Option(name: .customLong("external-id"), help: "The service's own id for this referral.") var externalID: String?

    func run() throws {
      let referral = NewReferral(
        date: try CaseInput.date(date, field: "--date"), referrerType: referrerType, referrerRole: referrerRole, pathway: pathway,
        service: service, externalID: externalID)
      let id = try SessionOpener.open(global).addReferral(CaseInput.reference(reference), referral)
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
    @Option(name: .long, help: "Date, YYYY-MM-DD.") var date: String
    @Option(name: .long, help: "Duration in minutes.") var minutes: Int
    @Option(name: .long, help: "Kind of session.") var kind: SessionKind
    @Option(name: .long, help: "attended, dna (did not attend) or cancelled.") var attendance: Attendance
    @Option(name: .long, help: "Who ran it (default: you).") var worker: String?
    @OptionGroup var notes: NotesInput
    @OptionGroup var referral: ReferralLinkOption

    func run() throws {
      let date = try CaseInput.date(date, field: "--date")
      let reference = try CaseInput.reference(reference)
      // Unlocked before the notes are written, so a mistyped passphrase never costs them.
      let vault = try SessionOpener.open(global)
      let session = try NewSupportSession(
        date: date, minutes: minutes, kind: kind, attendance: attendance, worker: worker,
        notes: try notes.read(what: "session notes"), referral: referral.link)
      let id = try vault.recordSession(reference, session)
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write or change a session's notes in your editor, kept in memory (or from standard input).",
      discussion:
        "With no option, opens $VISUAL or $EDITOR (else nano, else vi) on the session's notes in a private, memory-backed "
        + "directory that is wiped when the editor exits. An editor that fails, or notes left empty, change nothing.")
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
    @Option(name: .long, help: "start or end.") var stage: OutcomeStage
    @Option(name: .long, help: "Date, YYYY-MM-DD.") var date: String
    @Option(name: .long, help: "Mental health and wellbeing, 1-10.") var wellbeing: Int
    @Option(name: .customLong("self"), help: "Feelings and thoughts about themselves, 1-10.") var selfRegard: Int
    @Option(name: .long, help: "Effect of the trauma, 1-10.") var trauma: Int
    @Option(name: .long, help: "Relationship with family and social network, 1-10.") var relationships: Int
    @OptionGroup var referral: ReferralLinkOption

    func run() throws {
      let assessment = try NewOutcomeAssessment(
        stage: stage, date: try CaseInput.date(date, field: "--date"),
        ratings: [.wellbeing: wellbeing, .selfRegard: selfRegard, .trauma: trauma, .relationships: relationships],
        referral: referral.link)
      let id = try SessionOpener.open(global).recordOutcome(CaseInput.reference(reference), assessment)
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
