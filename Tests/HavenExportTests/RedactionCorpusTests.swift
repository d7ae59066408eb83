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

  @Test("recall and precision on the corpus; the survivor's own identifiers stay")
  func corpus() throws {
    let url = try #require(Bundle.module.url(forResource: "redaction-corpus", withExtension: "json", subdirectory: "Fixtures"))
    let corpus = try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
    let redactor = Redactor(
      own: .init(
        phone: corpus.own.phone, email: corpus.own.email, postcode: corpus.own.postcode, nhsNumber: corpus.own.nhsNumber),
      thirdParties: corpus.related, staff: corpus.staff.mapValues { Role(rawValue: $0)! })
    var marked = 0
    var caught = 0
    var replacements = 0
    var correct = 0
    for note in corpus.notes {
      let result = redactor.redact(note.text)
      for identifier in note.withhold {
        marked += 1
        if !result.text.contains(identifier) { caught += 1 } else { print("redaction corpus: missed '\(identifier)'") }
      }
      for kept in note.keep { #expect(result.text.contains(kept), "over-redacted '\(kept)' in: \(note.text)") }
      for redaction in result.redactions {
        replacements += 1
        if note.withhold.contains(where: { $0.localizedCaseInsensitiveContains(redaction.original) }) { correct += 1 }
      }
    }
    let recall = Double(caught) / Double(marked)
    let precision = Double(correct) / Double(max(replacements, 1))
    print(
      "redaction corpus: \(corpus.notes.count) notes, \(marked) marked identifiers; recall \(caught)/\(marked) = \(recall); precision \(correct)/\(replacements) = \(precision)"
    )
    // The corpus includes cases the rules are known not to catch (a third party never recorded
    // as a related person, a spelled-out email, a lowercase postcode, a misspelt name): the
    // floor below is what the documented rules achieve, so a regression fails the build.
    #expect(recall >= 0.8)
    #expect(precision >= 0.95)
  }
}
