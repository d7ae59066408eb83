import ArgumentParser
import HavenVault

extension Role: ExpressibleByArgument {}

struct UserCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "user", abstract: "Manage users: add, list, passwd, reset, remove.",
    subcommands: [Add.self, List.self, Passwd.self, Reset.self, Remove.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Add a user (admin only). Their initial passphrase comes from --new-passphrase-file, $HAVEN_NEW_PASSPHRASE or a prompt.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var newPassphrase: NewPassphraseOptions
    @Argument(help: "The new user's name.") var name: String
    @Option(name: .long, help: "worker, auditor, reporting or admin.") var role: Role

    func run() throws {
      let session = try SessionOpener.open(global)
      let passphrase = try PassphraseSource.new(
        fromFile: newPassphrase.newPassphraseFile, prompt: "Initial passphrase for \(name): ")
      try session.addUser(name, role: role, passphrase: passphrase)
      Presenter.done(
        global, action: "user.add",
        "Added \(role.rawValue) '\(name)'. Ask them to change their passphrase with 'haven user passwd'.")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List active users and their roles.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let users = try SessionOpener.open(global).listUsers()
      if global.json { return Console.json(users.map(UserView.init)) }
      Console.out(Presenter.table([["NAME", "ROLE", "CREATED"]] + users.map { [$0.name, $0.role.rawValue, $0.createdAt] }))
    }
  }

  struct Passwd: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change your own passphrase (re-encrypts only your key file).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var newPassphrase: NewPassphraseOptions

    func run() throws {
      let session = try SessionOpener.open(global)
      let passphrase = try PassphraseSource.new(fromFile: newPassphrase.newPassphraseFile)
      try session.changePassphrase(to: passphrase)
      Presenter.done(global, action: "user.passwd", "Changed the passphrase of '\(session.user.name)'.")
    }
  }

  struct Reset: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Give a user who lost their passphrase new keys and a new passphrase (admin only).",
      discussion: "Their keys are re-delivered by a holder's next unlock or by 'haven recovery deliver'.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var newPassphrase: NewPassphraseOptions
    @Argument(help: "The user to reset.") var name: String

    func run() throws {
      let session = try SessionOpener.open(global)
      let passphrase = try PassphraseSource.new(fromFile: newPassphrase.newPassphraseFile, prompt: "New passphrase for \(name): ")
      try session.resetUserKeys(name, passphrase: passphrase)
      Presenter.done(
        global, action: "user.reset",
        "Reset the keys of '\(name)'. Their team keys return when a member next unlocks, or run 'haven recovery deliver'.")
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove a user (admin only): memberships end and their teams' keys rotate.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The user to remove.") var name: String

    func run() throws {
      try SessionOpener.open(global).removeUser(name)
      Presenter.done(
        global, action: "user.remove", "Removed '\(name)'. Their teams' keys rotate before any new record is written.")
    }
  }
}
