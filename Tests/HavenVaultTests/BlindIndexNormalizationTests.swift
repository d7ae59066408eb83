import Foundation
import Testing

@testable import HavenVault

/// Blind-index values depend on normalisation byte for byte, so the fast path for ASCII text must
/// give exactly what the general (Foundation) path gives.
@Suite("Blind indexes: normalisation")
struct BlindIndexNormalizationTests {
  static func general(_ kind: BlindIndexKind, _ value: String) -> String {
    let composed = value.precomposedStringWithCanonicalMapping
    switch kind {
    case .reference: return composed.trimmingCharacters(in: .whitespaces).uppercased()
    case .dateOfBirth: return composed.trimmingCharacters(in: .whitespaces)
    case .name, .externalID: return composed.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
  }

  @Test("a reference parses the same through the byte path (stored form) and the typed-text path")
  func referenceParsing() throws {
    for (typed, stored) in [
      (" hv-2024-00017 ", "HV-2024-00017"), ("Hv-2026-1", "HV-2026-1"), ("hv-1999-1234567", "HV-1999-1234567"),
    ] {
      #expect(try SurvivorReference(parsing: typed) == SurvivorReference(parsing: stored))
    }
    #expect(try SurvivorReference(parsing: "HV-2024-00017").description == "HV-2024-00017")
    for bad in ["HV-2024-0", "HV-2024-12345678", "HV-24-00017", "HV-2024-", "HV-2024-0001x", "XV-2024-00017", "HV-2024-00017-1"] {
      #expect(throws: VaultError.self, "\(bad)") { _ = try SurvivorReference(parsing: bad) }
    }
  }

  @Test("ASCII text normalises as the Unicode path does: 4,000 random values for every kind")
  func asciiFastPathAgrees() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array(" \t\n\r-_.'aZbYz0919HV") + (32...126).map { Character(UnicodeScalar(UInt8($0))) }
    for kind in [BlindIndexKind.reference, .dateOfBirth, .name, .externalID] {
      for _ in 0..<1000 {
        let value = String(
          (0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        #expect(kind.normalize(value) == Self.general(kind, value), "\(kind) of \(value.debugDescription)")
      }
    }
    #expect(BlindIndexKind.name.normalize("  Rowan \t Example ") == "rowan example")
    #expect(BlindIndexKind.reference.normalize(" hv-2024-00017\t") == "HV-2024-00017")
    #expect(BlindIndexKind.name.normalize("Zoë Example") == BlindIndexKind.name.normalize("Zoe\u{0308} Example"))
  }
}
