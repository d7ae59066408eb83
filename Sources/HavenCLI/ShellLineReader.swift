import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Set by SIGHUP (the terminal closed) and SIGTERM: the shell locks and ends at once.
nonisolated(unsafe) var shellEndingSignal: Int32 = 0

/// Reads the lines of `haven shell`. On a terminal it edits the line itself (left and right,
/// Home and End, Backspace and Delete, Ctrl-A, Ctrl-E, Ctrl-U, up and down through this
/// session's history; Ctrl-C abandons the line; Ctrl-D on an empty line ends the shell) so that
/// no line-editing library writes a history file: names and references typed here are case
/// content, and the history lives only in this process's memory. Off a terminal it reads plain
/// lines, so a script can drive the shell.
final class ShellLineReader {
  enum Input: Equatable {
    case line(String)
    case endOfInput
    /// Nothing typed for the idle period.
    case idle
    /// SIGHUP or SIGTERM arrived.
    case ending
  }

  private var history: [String] = []
  private static let historyLimit = 500
  let isTerminal = isatty(STDIN_FILENO) == 1

  init() {
    signal(SIGHUP) { number in shellEndingSignal = number }
    signal(SIGTERM) { number in shellEndingSignal = number }
  }

  deinit { clearHistory() }

  /// Forgets every line typed (on lock and at the end).
  func clearHistory() { history.removeAll() }

  func read(prompt: String, idleSeconds: Int) -> Input {
    isTerminal ? readEdited(prompt: prompt, idleSeconds: idleSeconds) : readPlain(prompt: prompt, idleSeconds: idleSeconds)
  }

  // MARK: - Plain lines (a script)

  private func readPlain(prompt: String, idleSeconds: Int) -> Input {
    var bytes: [UInt8] = []
    while true {
      switch nextByte(idleSeconds: idleSeconds) {
      case .byte(10): return .line(String(decoding: bytes, as: UTF8.self))
      case .byte(let byte): bytes.append(byte)
      case .end: return bytes.isEmpty ? .endOfInput : .line(String(decoding: bytes, as: UTF8.self))
      case .idle: return .idle
      case .signal: return .ending
      }
    }
  }

  // MARK: - The line editor

  private func readEdited(prompt: String, idleSeconds: Int) -> Input {
    var saved = termios()
    guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return readPlain(prompt: prompt, idleSeconds: idleSeconds) }
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
    // TCSANOW, not TCSAFLUSH: what was typed ahead while the last command ran must not be lost.
    tcsetattr(STDIN_FILENO, TCSANOW, &raw)
    defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }

    var line: [Character] = []
    var cursor = 0
    var recalled = history.count
    var draft: [Character] = []
    func redraw() {
      let tail = line.count - cursor
      emit("\r" + prompt + String(line) + "\u{1B}[K" + (tail > 0 ? "\u{1B}[\(tail)D" : ""))
    }
    emit(prompt)
    while true {
      switch nextByte(idleSeconds: idleSeconds) {
      case .idle:
        emit("\r\n")
        return .idle
      case .signal:
        emit("\r\n")
        return .ending
      case .end:
        emit("\r\n")
        return .endOfInput
      case .byte(let byte):
        switch byte {
        case 13, 10:
          emit("\r\n")
          let text = String(line)
          if !text.trimmingCharacters(in: .whitespaces).isEmpty {
            history.append(text)
            if history.count > Self.historyLimit { history.removeFirst() }
          }
          return .line(text)
        case 3:  // Ctrl-C: abandon the line
          emit("^C\r\n")
          line = []
          cursor = 0
          emit(prompt)
        case 4:  // Ctrl-D
          if line.isEmpty {
            emit("\r\n")
            return .endOfInput
          }
          if cursor < line.count {
            line.remove(at: cursor)
            redraw()
          }
        case 1:
          cursor = 0
          redraw()
        case 5:
          cursor = line.count
          redraw()
        case 21:  // Ctrl-U
          line.removeSubrange(0..<cursor)
          cursor = 0
          redraw()
        case 127, 8:
          if cursor > 0 {
            line.remove(at: cursor - 1)
            cursor -= 1
            redraw()
          }
        case 27:
          switch escapeSequence(idleSeconds: idleSeconds) {
          case "[A", "OA":
            if recalled > 0 {
              if recalled == history.count { draft = line }
              recalled -= 1
              line = Array(history[recalled])
              cursor = line.count
              redraw()
            }
          case "[B", "OB":
            if recalled < history.count {
              recalled += 1
              line = recalled == history.count ? draft : Array(history[recalled])
              cursor = line.count
              redraw()
            }
          case "[C", "OC":
            if cursor < line.count {
              cursor += 1
              redraw()
            }
          case "[D", "OD":
            if cursor > 0 {
              cursor -= 1
              redraw()
            }
          case "[H", "OH", "[1~":
            cursor = 0
            redraw()
          case "[F", "OF", "[4~":
            cursor = line.count
            redraw()
          case "[3~":
            if cursor < line.count {
              line.remove(at: cursor)
              redraw()
            }
          default: break
          }
        case 32...126, 128...255:
          let character = byte < 128 ? Character(UnicodeScalar(byte)) : utf8Character(startingWith: byte, idleSeconds)
          line.insert(character, at: cursor)
          cursor += 1
          redraw()
        default: break
        }
      }
    }
  }

  /// The rest of an escape sequence after ESC: `[A`, `OH`, `[3~`.
  private func escapeSequence(idleSeconds: Int) -> String {
    guard case .byte(let first) = nextByte(idleSeconds: 1) else { return "" }
    var sequence = String(UnicodeScalar(first))
    while sequence.count < 6, case .byte(let byte) = nextByte(idleSeconds: 1) {
      sequence.append(Character(UnicodeScalar(byte)))
      if (64...126).contains(byte) && !(first == 79 && sequence.count == 1) { break }
    }
    return sequence
  }

  private func utf8Character(startingWith lead: UInt8, _ idleSeconds: Int) -> Character {
    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
    var bytes = [lead]
    while bytes.count < length, case .byte(let next) = nextByte(idleSeconds: 1) { bytes.append(next) }
    return String(decoding: bytes, as: UTF8.self).first ?? "\u{FFFD}"
  }

  // MARK: - Bytes, with the idle timeout

  private enum Byte {
    case byte(UInt8)
    case end
    case idle
    case signal
  }

  private func nextByte(idleSeconds: Int) -> Byte {
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    let deadline = Date().addingTimeInterval(TimeInterval(idleSeconds))
    while true {
      if shellEndingSignal != 0 { return .signal }
      let left = deadline.timeIntervalSinceNow
      guard left > 0 else { return .idle }
      let ready = poll(&descriptor, 1, Int32(min(left, 3600) * 1000))
      if ready < 0 {
        if errno == EINTR { continue }
        return .end
      }
      if ready == 0 { continue }
      var byte: UInt8 = 0
      let count = Glibc.read(STDIN_FILENO, &byte, 1)
      if count == 1 { return .byte(byte) }
      if count < 0 && errno == EINTR { continue }
      return .end
    }
  }

  private func emit(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
  }
}
