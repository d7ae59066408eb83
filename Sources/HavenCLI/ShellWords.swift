/// Splits a line typed at the `haven shell` prompt into words the way a POSIX shell would for
/// quoting only: whitespace separates, '...' keeps everything literally, "..." keeps spaces and
/// honours \" and \\, and a backslash outside quotes escapes the next character. Nothing is
/// expanded ($, *, ~ are plain characters): a worker's line is never handed to a real shell.
enum ShellWords {
  struct UnclosedQuote: Error { let quote: Character }

  static func split(_ line: String) throws(UnclosedQuote) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for character in line {
      if escaped {
        if quote == "\"" && character != "\"" && character != "\\" { current.append("\\") }
        current.append(character)
        escaped = false
        continue
      }
      switch (quote, character) {
      case (nil, "\\"), ("\"", "\\"):
        escaped = true
        inWord = true
      case (nil, "'"), (nil, "\""):
        quote = character
        inWord = true
      case ("'", "'"), ("\"", "\""):
        quote = nil
      case (nil, let blank) where blank.isWhitespace:
        if inWord { words.append(current) }
        current = ""
        inWord = false
      default:
        current.append(character)
        inWord = true
      }
    }
    if let quote { throw UnclosedQuote(quote: quote) }
    if escaped { current.append("\\") }
    if inWord { words.append(current) }
    return words
  }
}
