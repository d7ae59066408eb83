import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A real pseudo-terminal: a detached tmux server of the test's own (its own socket), running
/// one command in a window whose screen the test reads (`capture-pane`) and types into
/// (`send-keys`). Debian's tmux is installed by scripts/install-deps.sh; a machine without it
/// fails the test with that hint rather than skipping it.
final class TmuxTerminal {
  let socket: String
  private static let marker = "[haven-test exited "

  /// Starts `arguments` (run by sh after `cd directory`, with `environment` only) in a 160x50 window.
  init(_ arguments: [String], environment: [String: String], directory: String) throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
      throw TerminalTestError("tmux is not installed: run scripts/install-deps.sh (Debian package tmux)")
    }
    socket = "haven-test-\(UUID().uuidString.prefix(8))"
    let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }.joined(separator: " ")
    let command = arguments.map(Self.quoted).joined(separator: " ")
    // The shell prints the exit status, then waits, so the screen can still be read.
    let script =
      "cd \(Self.quoted(directory)) && env -i \(exports) \(command); echo \"\(Self.marker)$?]\"; exec sleep 600"
    try tmux(["new-session", "-d", "-s", "haven-test", "-x", "160", "-y", "50", "sh", "-c", script])
  }

  /// Ends the session, and so the server (kill-server left tmux 3.3a's server running here).
  deinit { _ = try? tmux(["kill-session", "-t", "haven-test"]) }

  /// The visible screen.
  func screen() throws -> String { try tmux(["capture-pane", "-p", "-J"]) }

  /// Types text (literally), then Enter if asked.
  func type(_ text: String, enter: Bool = true) throws {
    try tmux(["send-keys", "-l", text])
    if enter { try tmux(["send-keys", "Enter"]) }
  }

  /// Sends a key by tmux name (`C-d`, `C-c`).
  func press(_ key: String) throws { try tmux(["send-keys", key]) }

  /// Waits until the screen shows `text`; fails after `seconds`.
  @discardableResult
  func waitFor(_ text: String, seconds: Double = 30) throws -> String {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      let shown = try screen()
      if shown.contains(text) { return shown }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw TerminalTestError("the terminal never showed \(text); it shows:\n\(try screen())")
  }

  /// Waits for the command to end; returns its exit status and the screen.
  func waitForExit(seconds: Double = 60) throws -> (status: Int32, screen: String) {
    let shown = try waitFor(Self.marker, seconds: seconds)
    guard let range = shown.range(of: Self.marker),
      let status = Int32(shown[range.upperBound...].prefix { $0.isNumber })
    else { throw TerminalTestError("no exit status on the screen:\n\(shown)") }
    return (status, shown)
  }

  /// Runs a tmux client and returns what it printed. posix_spawn and waitpid rather than
  /// Foundation's Process: the client that starts the server forks a daemon that inherits its
  /// descriptors, and Process then waited on it forever. Output goes through a file for the same reason.
  @discardableResult
  private func tmux(_ arguments: [String]) throws -> String {
    let output = NSTemporaryDirectory() + "\(socket)-\(UUID().uuidString.prefix(8)).out"
    defer { unlink(output) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let words = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
    let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let variables: [String] = ["PATH=/usr/bin:/bin", "TERM=xterm-256color"]
    let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { for pointer in environment { free(pointer) } }
    var child: pid_t = 0
    let spawned = posix_spawn(&child, "/usr/bin/tmux", &actions, nil, argv, environment)
    guard spawned == 0 else { throw TerminalTestError("cannot run tmux: error \(spawned)") }
    var status: Int32 = 0
    while waitpid(child, &status, 0) == -1 && errno == EINTR {}
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
  }

  static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

struct TerminalTestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
