/// The vault writes SQLite's `?` and `?N` placeholders; PostgreSQL numbers them `$N`. Quoted
/// strings, quoted identifiers and comments are skipped, so only real placeholders change. No
/// value is ever put into SQL text: this renames markers, it does not escape anything.
enum PostgresPlaceholders {
  static func numbered(_ sql: String) -> String {
    var output = ""
    output.reserveCapacity(sql.utf8.count + 8)
    var next = 1
    var characters = Array(sql.unicodeScalars)[...]
    while let character = characters.popFirst() {
      switch character {
      case "'", "\"":
        output.unicodeScalars.append(character)
        while let inner = characters.popFirst() {
          output.unicodeScalars.append(inner)
          if inner == character { break }
        }
      case "-" where characters.first == "-":
        output.unicodeScalars.append(character)
        while let inner = characters.popFirst() {
          output.unicodeScalars.append(inner)
          if inner == "\n" { break }
        }
      case "?":
        var digits = ""
        while let digit = characters.first, ("0"..."9").contains(digit) {
          digits.unicodeScalars.append(digit)
          characters.removeFirst()
        }
        if digits.isEmpty {
          output += "$\(next)"
          next += 1
        } else {
          output += "$" + digits
        }
      default:
        output.unicodeScalars.append(character)
      }
    }
    return output
  }
}
