import ArgumentParser
import HavenVault

/// `haven district`: the closed list a survivor's district comes from (local authorities).
struct DistrictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "district", abstract: "The districts (local authorities) a survivor's district is chosen from (configuration).",
    discussion:
      "District is read by the reporting role for every team, so it is never free text: survivor add/update and imports accept a configured district's name or ONS code (any case) and store its name.",
    subcommands: [Add.self, List.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a district (admin only).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Its name, e.g. Rotherham.") var name: String
    @Option(name: .long, help: "Its ONS code, e.g. E08000018 (also accepted in imports).") var code: String?

    func run() throws {
      try SessionOpener.open(global).addDistrict(name, code: code)
      Presenter.done(global, action: "district.add", "Added district '\(name)'\(code.map { " (\($0))" } ?? "").")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the configured districts.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let districts = try SessionOpener.open(global).listDistricts()
      if global.json { return Console.json(districts.map { ["name": $0.name, "code": $0.code ?? ""] }) }
      Console.out(Presenter.table([["DISTRICT", "ONS CODE"]] + districts.map { [$0.name, $0.code ?? ""] }))
    }
  }
}
