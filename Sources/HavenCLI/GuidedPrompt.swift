import Foundation
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// Asks, on a terminal, for what a command was not given: one question at a time, closed lists
/// as numbered choices, a default in brackets taken with Enter. Off a terminal nothing is asked:
/// a missing option is a usage error (64), so scripts stay strict.
enum GuidedPrompt {
  /// Both ends on a terminal: the question can be seen and answered.
  static var isAvailable: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

  /// A value the command needs: `given` if there is one, else asked (on a terminal) until it parses.
  static func value<T>(
    _ given: String?, option: String, question: String, default fallback: String? = nil, parse: (String) throws -> T
  ) throws -> T {
    if let given { return try parse(given) }
    try requireTerminal(option)
    while true {
      let answer = try ask(question + (fallback.map { " [\($0)]" } ?? "") + ": ")
      let text = answer.isEmpty ? (fallback ?? "") : answer
      guard !text.isEmpty else { continue }
      do {
        return try parse(text)
      } catch {
        let reason = (error as? VaultError)?.message ?? (error as? CommandLineFailure)?.message ?? "that is not valid"
        Console.note("  \(TerminalText.escape(reason)); try again")
      }
    }
  }

  /// One of a closed list: `given` if there is one, else chosen by number or name.
  static func choice<T: CaseIterable & RawRepresentable>(
    _ given: T?, option: String, question: String, default fallback: T? = nil, describe: (T) -> String = { $0.rawValue }
  ) throws -> T where T.RawValue == String, T: Equatable {
    if let given { return given }
    let options = Array(T.allCases)
    return try pick(
      options, option: option, question: question, default: fallback.flatMap { options.firstIndex(of: $0) },
      describe: describe)
  }

  /// One of `options` (services, for example), by number or by name.
  static func pick<T>(
    _ options: [T], option: String, question: String, default fallback: Int? = nil, describe: (T) -> String
  ) throws -> T {
    try requireTerminal(option)
    guard !options.isEmpty else {
      throw CommandLineFailure(message: "there is nothing to choose for \(option)", hint: nil, exitCode: HavenExitCode.usage)
    }
    Console.note(question)
    for (index, item) in options.enumerated() { Console.note("  \(index + 1)) \(describe(item))") }
    while true {
      let answer = try ask("Choose 1-\(options.count)" + (fallback.map { " [\($0 + 1)]" } ?? "") + ": ")
      if answer.isEmpty, let fallback { return options[fallback] }
      if let number = Int(answer), (1...options.count).contains(number) { return options[number - 1] }
      if let named = options.first(where: { describe($0).split(separator: " ").first.map(String.init) == answer }) {
        return named
      }
      Console.note("  type a number from 1 to \(options.count)")
    }
  }

  /// Off a terminal, refuses (64) the first option missing, before anything is unlocked or asked.
  static func requireAll(_ missing: [(option: String, isMissing: Bool)]) throws {
    guard !isAvailable, let first = missing.first(where: \.isMissing) else { return }
    try requireTerminal(first.option)
  }

  static func requireTerminal(_ option: String) throws {
    guard isAvailable else {
      throw CommandLineFailure(
        message: "\(option) is required", hint: "give \(option), or run the command on a terminal to be asked for it",
        exitCode: HavenExitCode.usage)
    }
  }

  /// How long a question waits for its answer while keys are unlocked: the shell's idle period
  /// inside `haven shell`, else the default 10 minutes. A desk left mid-question must lock too.
  nonisolated(unsafe) static var answerSeconds = 600
  /// Set when a question went unanswered for `answerSeconds`: the shell then locks at once.
  nonisolated(unsafe) static var wentIdle = false

  /// Reads one line from the terminal, byte by byte from the descriptor, so nothing typed ahead
  /// for the next question (or the shell's next command) is swallowed by a buffer.
  private static func ask(_ prompt: String) throws -> String {
    FileHandle.standardError.write(Data(prompt.utf8))
    var bytes: [UInt8] = []
    let deadline = Date().addingTimeInterval(TimeInterval(answerSeconds))
    while true {
      var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
      let left = deadline.timeIntervalSinceNow
      let ready = left > 0 ? poll(&descriptor, 1, Int32(min(left, 3600) * 1000)) : 0
      if ready < 0 && errno == EINTR && shellEndingSignal == 0 { continue }
      guard ready > 0 else {
        wentIdle = true
        FileHandle.standardError.write(Data("\n".utf8))
        throw CommandLineFailure(
          message:
            "no answer for \(answerSeconds >= 60 ? "\(answerSeconds / 60) minute(s)" : "\(answerSeconds) seconds"); nothing was recorded",
          hint: nil,
          exitCode: HavenExitCode.temporaryFailure)
      }
      var byte: UInt8 = 0
      let count = read(STDIN_FILENO, &byte, 1)
      if count < 0 && errno == EINTR { continue }
      guard count == 1 else {
        throw CommandLineFailure(
          message: "the terminal closed before the question was answered; nothing was recorded", hint: nil,
          exitCode: HavenExitCode.usage)
      }
      if byte == 10 { break }
      bytes.append(byte)
    }
    return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
  }
}
