import Foundation
import HavenCrypto

#if canImport(Glibc)
  import Glibc
#endif

/// Terminal settings to restore if the user presses Ctrl-C while echo is off. Written only on the
/// main thread before the handler is installed, read only by the handler.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var savedTerminalDescriptor: Int32 = -1

/// Reads a passphrase from the controlling terminal with echo off. It never falls back to
/// standard input: a passphrase piped there would more likely be a mistake than intended.
enum TerminalPrompt {
  static func readPassphrase(prompt: String, confirm: Bool) throws -> Passphrase {
    let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard terminal >= 0 else {
      throw CommandLineFailure.missing(
        "passphrase (no terminal to prompt on)",
        hint: "use --passphrase-file FILE, or set HAVEN_PASSPHRASE / HAVEN_NEW_PASSPHRASE")
    }
    defer { close(terminal) }
    let first = try readOnce(terminal, prompt: prompt)
    guard confirm else { return first }
    let second = try readOnce(terminal, prompt: "Again: ")
    guard first.matches(second) else {
      throw CommandLineFailure(
        message: "the two passphrases differ", hint: "nothing was changed; try again", exitCode: HavenExitCode.usage)
    }
    return first
  }

  private static func readOnce(_ terminal: Int32, prompt: String) throws -> Passphrase {
    _ = prompt.withCString { write(terminal, $0, strlen($0)) }
    var settings = termios()
    tcgetattr(terminal, &settings)
    savedTerminal = settings
    savedTerminalDescriptor = terminal
    signal(SIGINT) { _ in
      tcsetattr(savedTerminalDescriptor, TCSAFLUSH, &savedTerminal)
      _exit(130)
    }
    var silent = settings
    silent.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(terminal, TCSAFLUSH, &silent)
    defer {
      tcsetattr(terminal, TCSAFLUSH, &settings)
      signal(SIGINT, SIG_DFL)
      _ = "\n".withCString { write(terminal, $0, 1) }
    }
    return try Passphrase.read(fromFileDescriptor: terminal)
  }
}
