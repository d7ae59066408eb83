import ArgumentParser
import HavenVault

struct TeamCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "team", abstract: "Manage teams: add, list, add-member, remove-member.",
    subcommands: [Add.self, List.self, AddMember.self, RemoveMember.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a team (admin only).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The team's name.") var name: String

    func run() throws {
      try SessionOpener.open(global).addTeam(name)
      Presenter.done(global, action: "team.add", "Created team '\(name)'. Its key is made when its first member unlocks.")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List teams, their members and key versions.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let teams = try SessionOpener.open(global).listTeams()
      if global.json { return Console.json(teams.map(TeamView.init)) }
      let rows = teams.map { team in
        [
          team.name, team.currentKeyVersion == 0 ? "-" : "v\(team.currentKeyVersion)", team.rotationDue ? "yes" : "no",
          team.heldByYou ? "yes" : "no", team.members.joined(separator: ","),
        ]
      }
      Console.out(Presenter.table([["TEAM", "KEY", "ROTATION DUE", "YOU HOLD KEY", "MEMBERS"]] + rows))
    }
  }

  struct AddMember: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-member", abstract: "Add a worker or admin to a team (admin only).",
      discussion:
        "The team key reaches them from a current member (at that member's next unlock) or from 'haven recovery deliver'.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The team.") var team: String
    @Argument(help: "The user to add.") var member: String

    func run() throws {
      try SessionOpener.open(global).addMember(team: team, user: member)
      Presenter.done(global, action: "team.add-member", "Added '\(member)' to team '\(team)'.")
    }
  }

  struct RemoveMember: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove-member", abstract: "Remove a user from a team (admin only); the team's key rotates.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The team.") var team: String
    @Argument(help: "The user to remove from it.") var member: String

    func run() throws {
      try SessionOpener.open(global).removeMember(team: team, user: member)
      Presenter.done(
        global, action: "team.remove-member",
        "Removed '\(member)' from team '\(team)'. Records written from now on use a new key they never receive.")
    }
  }
}
