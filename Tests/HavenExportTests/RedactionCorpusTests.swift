import Foundation
import HavenExport
import HavenVault
import Testing

/// Measures the subject-access redaction rules against a corpus of notes whose third-party
/// identifiers are marked by hand (Fixtures/redaction-corpus.json). Recall: the share of marked
/// identifiers no longer present. Precision: the share of replacements that hit a marked
/// identifier. Both are printed for the record.
@Suite("Subject-access redaction on a corpus of notes with known identifiers")
struct RedactionCorpusTests {
  struct Corpus: Decodable {
    struct Own: Decodable {
      let name: String?
      let aliases: [String]?
      let phone: String
      let email: String
      let postcode: String
      let nhsNumber: String
    }
    struct Note: Decodable {
      let text: String
      let withhold: [String]
      let keep: [String]
    }
    let own: Own
    let related: [String]
    let staff: [String: String]
    let notes: [Note]
  }

  struct Measure {
    var marked = 0
    var caught = 0
    var replacements = 0
    var correct = 0
    var missed: [String] = []
    var wrong: [String] = []
    var recall: Double { Double(caught) / Double(max(marked, 1)) }
    var precision: Double { Double(correct) / Double(max(replacements, 1)) }
  }

  static func measure(_ name: String) throws -> Measure {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
    let corpus = try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
    let redactor = Redactor(
      own: .init(
        phone: corpus.own.phone, email: corpus.own.email, postcode: corpus.own.postcode, nhsNumber: corpus.own.nhsNumber,
        names: (corpus.own.name.map { [$0] } ?? []) + (corpus.own.aliases ?? [])),
      thirdParties: corpus.related, staff: corpus.staff.compactMapValues { Role(rawValue: $0) })
    var measure = Measure()
    for note in corpus.notes {
      let result = redactor.redact(note.text)
      for identifier in note.withhold {
        measure.marked += 1
        if !result.text.contains(identifier) { measure.caught += 1 } else { measure.missed.append(identifier) }
      }
      for kept in note.keep { #expect(result.text.contains(kept), "over-redacted '\(kept)' in: \(note.text)") }
      for redaction in result.redactions {
        measure.replacements += 1
        if note.withhold.contains(where: { $0.localizedCaseInsensitiveContains(redaction.original) }) {
          measure.correct += 1
        } else {
          measure.wrong.append("\(redaction.kind): \(redaction.original)")
        }
      }
    }
    print(
      "redaction corpus \(name): \(corpus.notes.count) notes; recall \(measure.caught)/\(measure.marked) = \(measure.recall); "
        + "precision \(measure.correct)/\(measure.replacements) = \(measure.precision); missed \(measure.missed); wrong \(measure.wrong)"
    )
    return measure
  }

  @Test("recall and precision on the corpus; the survivor's own identifiers stay")
  func corpus() throws {
    let measure = try Self.measure("redaction-corpus")
    // The corpus includes cases the rules are known not to catch (a misspelt name): the floor
    // below is what the documented rules achieve, so a regression fails the build.
    #expect(measure.recall >= 0.95)
    #expect(measure.precision >= 0.98)
  }

  @Test("both corpora together: recall and precision at least 0.98 (issue 18's goal)")
  func together() throws {
    let first = try Self.measure("redaction-corpus")
    let second = try Self.measure("redaction-corpus-shared-names")
    let caught = first.caught + second.caught
    let marked = first.marked + second.marked
    let correct = first.correct + second.correct
    let replacements = first.replacements + second.replacements
    #expect(Double(caught) / Double(marked) >= 0.98, "recall \(caught)/\(marked)")
    #expect(Double(correct) / Double(replacements) >= 0.98, "precision \(correct)/\(replacements)")
  }

  @Test("a survivor who shares name parts with relatives keeps their own name; booking codes are not phone numbers")
  func sharedNames() throws {
    let measure = try Self.measure("redaction-corpus-shared-names")
    #expect(measure.recall >= 0.98)
    #expect(measure.precision >= 0.98)
  }
}
