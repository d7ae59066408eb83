import ArgumentParser
import Foundation
import HavenVault

struct HoldCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hold", abstract: "Legal holds: block erasure of a survivor linked to a live investigation.",
    subcommands: [Add.self, List.self, Lift.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Place a hold (a member of the holding team); prints its id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The survivor's reference.") var reference: String
    @Option(name: .long, help: "One of their referrals the hold concerns.") var referral: Int64?
    @Option(name: .long, help: "Why (e.g. the investigation); sealed for admins and auditors.") var reason: String

    func run() throws {
      let id = try SessionOpener.open(global).placeHold(CaseInput.reference(reference), referral: referral, reason: reason)
      if global.json { return Console.json(["id": id]) }
      Console.out(String(id))
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List active holds (admins and auditors).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let holds = try SessionOpener.open(global).listHolds()
      if global.json {
        return Console.json(
          holds.map {
            HoldView(
              id: $0.id, survivorID: $0.survivorID, referralID: $0.referralID, reason: $0.reason, placedBy: $0.placedBy,
              placedAt: $0.placedAt)
          })
      }
      guard !holds.isEmpty else { return Console.out("No active holds.") }
      Console.out(
        Presenter.table(
          [["HOLD", "SURVIVOR", "REFERRAL", "PLACED", "BY", "REASON"]]
            + holds.map {
              ["#\($0.id)", "#\($0.survivorID)", $0.referralID.map { "#\($0)" } ?? "-", $0.placedAt, $0.placedBy, $0.reason]
            }))
    }
  }

  struct Lift: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lift a hold (admin).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The hold id.") var id: Int64

    func run() throws {
      try SessionOpener.open(global).liftHold(id)
      Presenter.done(global, action: "hold.lift", "Lifted hold #\(id).")
    }
  }
}

struct HoldView: Encodable {
  let id: Int64
  let survivorID: Int64
  let referralID: Int64?
  let reason: String
  let placedBy: String
  let placedAt: String
}

struct RetentionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retention", abstract: "Retention: what has passed its period, and purging it (admin).",
    subcommands: [Due.self, Purge.self, Set.self])

  struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List survivors whose retention period has passed.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let due = try SessionOpener.open(global).retentionDue()
      if global.json {
        return Console.json(
          due.map {
            [
              "survivor": String($0.survivorID), "lastActivity": $0.lastActivity, "dueSince": $0.dueSince,
              "holds": $0.holds.map(String.init).joined(separator: ","),
            ]
          })
      }
      guard !due.isEmpty else { return Console.out("Nothing has passed its retention period.") }
      Console.out(
        Presenter.table(
          [["SURVIVOR", "LAST ACTIVITY", "DUE SINCE", "HOLDS"]]
            + due.map {
              [
                "#\($0.survivorID)", $0.lastActivity, $0.dueSince,
                $0.holds.isEmpty ? "-" : $0.holds.map { "#\($0)" }.joined(separator: ","),
              ]
            }))
    }
  }

  struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Erase everything past its retention period and not on hold, after confirmation.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Confirm without a prompt.") var yes = false

    func run() throws {
      let session = try SessionOpener.open(global)
      let due = try session.retentionDue()
      guard !due.isEmpty else {
        return Presenter.done(global, action: "retention.purge", "Nothing has passed its retention period.")
      }
      if !yes {
        FileHandle.standardError.write(Data("Erase \(due.count) survivor record(s) permanently? Type 'erase' to confirm: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "erase" else {
          throw CommandLineFailure(
            message: "not confirmed; nothing was erased", hint: "rerun and type 'erase', or pass --yes",
            exitCode: HavenExitCode.usage)
        }
      }
      let (erased, held, completion) = try session.purgeDue()
      Presenter.done(
        global, action: "retention.purge",
        ErasureText.describe("\(erased.count) survivor record(s)", completion)
          + (held.isEmpty ? "" : " Kept \(held.count) under legal hold: \(held.map { "#\($0)" }.joined(separator: ", "))."))
    }
  }

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set the retention period in years (default 75; admin).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Years after the last activity.") var years: Int

    func run() throws {
      try SessionOpener.open(global).setRetentionYears(years)
      Presenter.done(global, action: "retention.set", "Case files are kept \(years) years after their last activity.")
    }
  }
}
