import ArgumentParser
import HavenVault

/// `haven vocabulary`: the closed lists' terms and the spellings an admin has taught them.
struct VocabularyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vocabulary", abstract: "The closed lists, and other spellings of their terms that imports accept.",
    subcommands: [Alias.self, List.self])

  struct Alias: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Teach a closed list another spelling of a term, e.g. 'referrer-type \"Trauma team\" trauma-service' (admin).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The list: referrer-type, pathway, gender, cohort, session-kind, attendance, ...") var list: String
    @Argument(help: "The spelling a spreadsheet uses (any case; spaces and underscores count as hyphens).") var alias: String
    @Argument(help: "The term it means.") var term: String

    func run() throws {
      try SessionOpener.open(global).addVocabularyAlias(list: list, alias: alias, term: term)
      Presenter.done(global, action: "vocabulary.alias", "In \(list), '\(alias)' now means \(term).")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Each closed list's terms, built-in and configured aliases.")
    @OptionGroup var global: GlobalOptions

    struct ListView: Encodable {
      let list: String
      let terms: [String]
      let aliases: [String: String]
    }
    struct VocabularyView: Encodable {
      let lists: [ListView]
      let outcomeScale: String
    }

    func run() throws {
      let session = try SessionOpener.open(global)
      let configured = try session.vocabularyAliases()
      let scale = try session.outcomeScale()
      let views = ConfiguredVocabulary.lists.keys.sorted().map { list in
        var aliases = ConfiguredVocabulary.builtInAliases[list] ?? [:]
        for alias in configured where alias.list == list { aliases[alias.alias] = alias.term }
        return ListView(list: list, terms: ConfiguredVocabulary.lists[list] ?? [], aliases: aliases)
      }
      if global.json { return Console.json(VocabularyView(lists: views, outcomeScale: scale.description)) }
      for view in views {
        Console.out("\(view.list): \(view.terms.joined(separator: ", "))")
        for (alias, term) in view.aliases.sorted(by: { $0.key < $1.key }) { Console.out("  \(alias) -> \(term)") }
      }
      Console.out("outcome scale: \(scale.lowest) (worst) to \(scale.highest) (best)")
    }
  }
}
