import ArgumentParser
import Foundation
import HavenVault

struct SurvivorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "survivor", abstract: "Record and read survivors held by your teams.",
    subcommands: [Add.self, Show.self, Find.self, Update.self, Notes.self, Move.self, List.self, Erase.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record a new survivor; prints their reference.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The team that holds the record (one of yours).") var team: String
    @OptionGroup var fields: SurvivorOptions

    func run() throws {
      guard let name = fields.name else { throw ValidationError("--name is required") }
      var details = SurvivorDetails(name: name)
      try fields.patch()(&details)
      let reference = try SessionOpener.open(global).addSurvivor(team: team, details: details)
      if global.json { return Console.json(["ref": reference.description]) }
      Console.out(reference.description)
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a survivor's whole record, safe-contact guidance first.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var breakGlass: BreakGlassOption
    @Argument(help: "The survivor's reference, e.g. HV-2024-00017.") var reference: String

    func run() throws {
      let file = try SessionOpener.open(global, breakGlass: breakGlass).survivorFile(CaseInput.reference(reference))
      if global.json { return Console.json(SurvivorFileView(file)) }
      Console.out(CaseText.file(file))
    }
  }

  struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find survivors of your teams by exact reference, name, date of birth or external id.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var breakGlass: BreakGlassOption
    @Option(name: .long, help: "Reference.") var ref: String?
    @Option(name: .long, help: "Exact name or alias (case and spacing do not matter).") var name: String?
    @Option(name: .long, help: "Date of birth, YYYY-MM-DD.") var dob: String?
    @Option(name: .customLong("external-id"), help: "The service's previous identifier.") var externalID: String?

    func validate() throws {
      guard [ref, name, dob, externalID].compactMap({ $0 }).count == 1 else {
        throw ValidationError("give exactly one of --ref, --name, --dob, --external-id")
      }
    }

    func run() throws {
      let search: SurvivorSearch =
        if let ref { .reference(try CaseInput.reference(ref)) } else if let name { .name(name) } else if let dob {
          .dateOfBirth(try CaseInput.date(dob, field: "--dob"))
        } else { .externalID(externalID ?? "") }
      let found = try SessionOpener.open(global, breakGlass: breakGlass).findSurvivors(by: search)
      CaseText.printSummaries(found, json: global.json)
    }
  }

  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Change a survivor's details (only the options given).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @OptionGroup var fields: SurvivorOptions

    func run() throws {
      let reference = try CaseInput.reference(reference)
      let patch = try fields.patch()
      try SessionOpener.open(global).updateSurvivor(reference) { details in patch(&details) }
      Presenter.done(global, action: "survivor.update", "Updated \(reference).")
    }
  }

  struct Notes: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write or change a survivor's notes in your editor, kept in memory (or from standard input).",
      discussion: NotesInput.editorDiscussion)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @OptionGroup var input: NotesInput

    func run() throws {
      let reference = try CaseInput.reference(reference)
      let session = try SessionOpener.open(global)
      let current = try session.survivorNotes(reference)
      guard let notes = try input.read(current: current, editorByDefault: true) else { return }
      try session.updateSurvivor(reference) { (details: inout SurvivorDetails) throws(VaultError) in
        guard details.notes == current else { throw .changedMeanwhile("the notes of \(reference)") }
        details.notes = notes
      }
      Presenter.done(global, action: "survivor.update", "Updated the notes of \(reference).")
    }
  }

  struct Move: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Move a survivor to another team (you must belong to both); their key is re-wrapped.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "The team that will hold the record.") var to: String

    func run() throws {
      let reference = try CaseInput.reference(reference)
      try SessionOpener.open(global).moveSurvivor(reference, to: to)
      Presenter.done(global, action: "survivor.move", "Moved \(reference) to team '\(to)'.")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the survivors your teams hold.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Only this team.") var team: String?

    func run() throws {
      CaseText.printSummaries(try SessionOpener.open(global).listSurvivors(team: team), json: global.json)
    }
  }

  struct Erase: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Erase a survivor by crypto-shredding (admin who is a member of the holding team); leaves a tombstone.",
      discussion:
        "Refused while a legal hold stands. Backups taken before the erasure still hold the record until their generation expires (SECURITY.md)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "Why (recorded in the tombstone, sealed for admins and auditors).") var reason: String

    func run() throws {
      let reference = try CaseInput.reference(reference)
      let session = try SessionOpener.open(global)
      let completion = try session.eraseSurvivor(reference, reason: reason)
      Presenter.done(global, action: "survivor.erase", ErasureText.describe(reference.description, completion))
      let backups = try session.liveBackupGenerations()
      if let newest = backups.generations.last, !global.json {
        var when = "once they expire ('haven backup expire')"
        if let seconds = backups.expirySeconds, let made = try? Date(newest.createdAt, strategy: .iso8601) {
          let complete = made.addingTimeInterval(TimeInterval(seconds)).formatted(.iso8601.year().month().day())
          when = "on \(complete), when the newest of them expires under the expiry last used (\(seconds / 86400) days)"
        }
        Console.note(
          "haven: \(backups.generations.count) backup generation(s) made before now still hold this record; the erasure is complete in every backup \(when)."
        )
      }
    }
  }
}
