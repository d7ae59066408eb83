import ArgumentParser
import HavenVault

struct ContactCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "contact", abstract: "Safe-contact guidance: check it before contacting anyone.",
    subcommands: [Set.self, Show.self])

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record which contact methods are safe (only the options given change).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "May we phone?") var call: YesNo?
    @Option(name: .long, help: "May we leave a voicemail?") var voicemail: YesNo?
    @Option(name: .long, help: "May we text?") var text: YesNo?
    @Option(name: .long, help: "May we send a letter?") var letter: YesNo?
    @Option(name: .long, help: "May we email?") var email: YesNo?
    @Option(name: .long, help: "When contact is safe (a time window; circumstances go in the note).") var times: String?
    /// The note (anything else a worker must know first) is case text: from standard input, the
    /// editor or a file, never the command line.
    @OptionGroup var note: NotesInput

    func run() throws {
      let reference = try CaseInput.reference(reference)
      let session = try SessionOpener.open(global)
      var contact = try session.safeContact(reference) ?? SafeContact()
      let given: [(SafeContact.Method, YesNo?)] = [
        (.call, call), (.voicemail, voicemail), (.text, text), (.letter, letter), (.email, email),
      ]
      for (method, answer) in given { if let answer { contact.methods[method] = answer.bool } }
      if let times { contact.times = times }
      if let text = try note.read(current: contact.note, what: "safe-contact note") { contact.note = text }
      try session.setSafeContact(reference, contact)
      // Confirms the methods only: times and notes are case content, shown by 'contact show'.
      var confirmation = CaseText.safeContactMethods(contact)
      if contact.times != nil || contact.note != nil {
        confirmation += "\n(times and note recorded: 'haven contact show' prints them)"
      }
      Presenter.done(global, action: "contact.set", confirmation)
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show safe-contact guidance.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var breakGlass: BreakGlassOption
    @Argument(help: "The survivor's reference.") var reference: String

    func run() throws {
      let contact = try SessionOpener.open(global, breakGlass: breakGlass).safeContact(CaseInput.reference(reference))
      if global.json { return Console.json(contact.map(SafeContactView.init)) }
      Console.out(CaseText.safeContact(contact))
    }
  }
}

struct RelatedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "related", abstract: "Family members, carers, contacts and alleged perpetrators linked to a survivor.",
    subcommands: [Add.self, List.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Link a related person; prints their id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "Relationship to the survivor.") var relationship: Relationship
    @Option(name: .long, help: "Their name.") var name: String
    @Option(name: .long, help: "Phone.") var phone: String?
    @Option(name: .long, help: "Email.") var email: String?
    @Option(name: .long, help: "Address.") var address: String?
    @Option(name: .customLong("notes-file"), help: "Notes, from a file.") var notesFile: String?

    func run() throws {
      let person = RelatedPerson(
        relationship: relationship, name: name, phone: phone, email: email, address: address,
        notes: try CaseInput.text(fromFile: notesFile))
      let id = try SessionOpener.open(global).addRelatedPerson(CaseInput.reference(reference), person)
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List people related to a survivor.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String

    func run() throws {
      let people = try SessionOpener.open(global).relatedPeople(CaseInput.reference(reference))
      if global.json { return Console.json(people.map(RelatedPersonView.init)) }
      Console.out(people.isEmpty ? "No related people recorded." : people.map(CaseText.related).joined(separator: "\n"))
    }
  }
}

struct ServiceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "service", abstract: "The receiving services referrals go to (configuration).",
    subcommands: [Add.self, Label.self, Targets.self, List.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a receiving service (admin only).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Short name, e.g. trauma-service.") var name: String
    @Option(name: .long, help: "What it is.") var description: String?
    @Option(name: .customLong("display-name"), help: "How reports name it, e.g. \"Trauma Resilience Service\".")
    var displayName: String?

    func run() throws {
      try SessionOpener.open(global).addService(name, description: description, displayName: displayName)
      Presenter.done(global, action: "service.add", "Added service '\(name)'.")
    }
  }

  struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set the name reports print for a service (admin only).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service's short name.") var name: String
    @Argument(help: "Its display name, e.g. \"Trauma Resilience Service\".") var displayName: String

    func run() throws {
      try SessionOpener.open(global).labelService(name, displayName: displayName)
      Presenter.done(global, action: "service.label", "Reports now name '\(name)' as '\(displayName)'.")
    }
  }

  struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Set how long a referral to a service may wait for triage and for allocation (admin only).",
      discussion: "The caseload lists referrals waiting longer. Unset targets are 7 days to triage, 28 days to allocation.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service's short name.") var name: String
    @Option(name: .customLong("triage-days"), help: "Days from referral to triage.") var triageDays: Int?
    @Option(name: .customLong("allocation-days"), help: "Days from triage to allocation.") var allocationDays: Int?

    func run() throws {
      try SessionOpener.open(global).setServiceTargets(name, triageDays: triageDays, allocationDays: allocationDays)
      Presenter.done(global, action: "service.targets", "Targets for '\(name)' set.")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List receiving services.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let services = try SessionOpener.open(global).listServices()
      if global.json {
        return Console.json(
          services.map {
            [
              "name": $0.name, "description": $0.description ?? "", "displayName": $0.displayName ?? "",
              "triageDays": String($0.targets.triageDays), "allocationDays": String($0.targets.allocationDays),
            ]
          })
      }
      Console.out(
        Presenter.table(
          [["SERVICE", "DISPLAY NAME", "TRIAGE", "ALLOCATION", "DESCRIPTION"]]
            + services.map {
              [
                $0.name, $0.displayName ?? "", "\($0.targets.triageDays) days", "\($0.targets.allocationDays) days",
                $0.description ?? "",
              ]
            }))
    }
  }
}
