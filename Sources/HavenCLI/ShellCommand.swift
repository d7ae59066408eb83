import ArgumentParser
import Foundation
import HavenVault

/// `haven shell`: one unlock for a working session. Every command of `haven` runs at its prompt
/// with the same names, options, audit entries and exit codes (printed, not exiting); the keys
/// stay unlocked in this process only, and are wiped when the shell locks (idle, `lock`),
/// ends (`exit`, Ctrl-D, SIGHUP, SIGTERM) or fails to unlock again three times.
struct ShellCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "shell",
    abstract: "Unlock once and run commands at a prompt; locks itself when idle.",
    discussion:
      "Type any haven command without 'haven' (for example: survivor list, session record REF --edit). 'help' lists "
      + "them, 'lock' wipes the keys until you type your passphrase again, 'exit' or Ctrl-D leaves. Nothing typed is "
      + "written to disk: history is kept in memory for this shell only. It locks after the vault's idle period "
      + "(default 10 minutes; 'haven config shell-idle --minutes N'); three wrong passphrases end it.")

  @OptionGroup var global: GlobalOptions

  func run() throws {
    guard SessionOpener.shell == nil else {
      throw CommandLineFailure(message: "this is already a haven shell", hint: nil, exitCode: HavenExitCode.usage)
    }
    let vaultPath = try global.vaultPath()
    let user = try global.userName()
    var idleSeconds: Int
    do {
      // Held only by SessionOpener.shell from here on, so locking releases (and wipes) it.
      let session = try SessionOpener.open(global)
      idleSeconds = try session.shellIdleMinutes() * 60
      SessionOpener.shell = (session, vaultPath, user)
    }
    defer { SessionOpener.shell = nil }
    // For tests and kiosks that need seconds rather than minutes.
    if let override = ProcessInfo.processInfo.environment["HAVEN_SHELL_IDLE_SECONDS"].flatMap(Int.init), override > 0 {
      idleSeconds = override
    }
    GuidedPrompt.answerSeconds = idleSeconds
    let status = WorkingShell(vaultPath: vaultPath, user: user, idleSeconds: idleSeconds).run()
    guard status == 0 else {
      throw CommandLineFailure(message: "the shell ended locked", hint: nil, exitCode: status)
    }
  }
}

/// The prompt loop of `haven shell`.
struct WorkingShell {
  let vaultPath: String
  let user: String
  let idleSeconds: Int
  static let unlockAttempts = 3

  /// Returns the shell's exit status: 0, or 77 after three failed unlocks.
  func run() -> Int32 {
    let reader = ShellLineReader()
    let idle = idleSeconds % 60 == 0 ? "\(idleSeconds / 60) minutes" : "\(idleSeconds) seconds"
    Console.note(
      "Unlocked as \(user). Type a command ('help' lists them), 'lock' to lock, 'exit' or Ctrl-D to leave. "
        + "Locks after \(idle) idle.")
    while true {
      switch reader.read(prompt: "haven \(user)> ", idleSeconds: idleSeconds) {
      case .endOfInput:
        lock(reader)
        Console.note("Keys wiped. Bye.")
        return 0
      case .ending:
        lock(reader)
        Console.note("haven: the shell was ended by a signal; keys wiped")
        return 0
      case .idle:
        lock(reader)
        Console.note("Locked after \(idle) idle; keys wiped.")
        if let status = unlockAgain() { return status }
      case .line(let line):
        let words: [String]
        do {
          words = try ShellWords.split(line)
        } catch {
          Console.error("unclosed \(error.quote) in that line; nothing was run", hint: "close the quote, or put \\ before it")
          continue
        }
        switch words.first {
        case nil: continue
        case "exit", "quit":
          lock(reader)
          Console.note("Keys wiped. Bye.")
          return 0
        case "lock":
          lock(reader)
          Console.note("Locked; keys wiped.")
          if let status = unlockAgain() { return status }
        case "help":
          execute(Array(words.dropFirst()) + ["--help"])
        case "shell":
          Console.error("this is already a haven shell", hint: nil)
        default:
          execute(words)
          if GuidedPrompt.wentIdle {
            GuidedPrompt.wentIdle = false
            lock(reader)
            Console.note("Locked after \(idle) idle; keys wiped.")
            if let status = unlockAgain() { return status }
          }
        }
      }
    }
  }

  /// Runs one command as `haven` would, printing its exit status instead of exiting.
  private func execute(_ words: [String]) {
    let status: Int32
    do {
      var command = try HavenCommand.parseAsRoot(words)
      try command.run()
      status = 0
    } catch {
      status = HavenCommand.report(error)
    }
    if status != 0 { Console.note("(exit \(status))") }
  }

  /// Drops the session: its keys are wiped as their guarded memory is released. History goes too.
  private func lock(_ reader: ShellLineReader) {
    SessionOpener.shell = nil
    reader.clearHistory()
  }

  /// Asks for the passphrase on the terminal (never a file: the lock would mean nothing), up to
  /// three times; each failure is audited by the vault. Nil when unlocked again.
  private func unlockAgain() -> Int32? {
    for attempt in 1...Self.unlockAttempts {
      do {
        let passphrase = try TerminalPrompt.readPassphrase(prompt: "Passphrase for \(user) to unlock: ", confirm: false)
        let session = try Vault.open(at: vaultPath).unlock(user: user, passphrase: passphrase, pins: RootPins.standard())
        SessionOpener.shell = (session, vaultPath, user)
        Console.note("Unlocked.")
        return nil
      } catch {
        let status = HavenCommand.report(error)
        if attempt == Self.unlockAttempts || status != HavenExitCode.permissionDenied {
          Console.note("haven: the shell has ended")
          return status == 0 ? HavenExitCode.permissionDenied : status
        }
      }
    }
    return HavenExitCode.permissionDenied
  }
}
