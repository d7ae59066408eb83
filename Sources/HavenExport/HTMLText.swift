/// Escapes text for HTML element content and attribute values, so nothing from the vault can
/// become markup (reports carry no scripts and fetch nothing).
enum HTMLText {
  static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.count)
    for character in text {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      default: output.append(character)
      }
    }
    return output
  }

  /// The shared style sheet: readable on screen, and clean on paper (no backgrounds needed).
  static let style = """
    body{font-family:Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}
    h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #999}
    .meta{color:#444;font-size:.9rem}table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.95rem}
    th,td{border:1px solid #bbb;padding:.25rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
    tr.total td{font-weight:bold}.note{font-size:.85rem;color:#444}
    svg text{font-family:Georgia,serif;font-size:12px}svg text.tick{font-size:10px;fill:#555}section{break-inside:avoid}
    figure{margin:.6rem 0}figcaption{font-size:.9rem;color:#333;margin-bottom:.2rem}
    .method{border-left:4px solid #3b6ea5;padding:.3rem .8rem;background:#f3f6fa}
    @media print{body{margin:0;max-width:none}h2{break-after:avoid}}
    """
}
