import Foundation
import HavenCrypto

/// What a blind index finds survivors by. Each kind has its own key per team (subkey id below),
/// so equal values in different kinds or teams give unrelated index values.
enum BlindIndexKind: String, CaseIterable {
  case reference, name, dateOfBirth = "date-of-birth", externalID = "external-id"

  var subkeyID: UInt64 {
    switch self {
    case .reference: 1
    case .name: 2
    case .dateOfBirth: 3
    case .externalID: 4
    }
  }

  /// Normalises so that equal values index equally: case and surrounding or repeated spaces do
  /// not matter for names and ids; Unicode is composed (NFC), so "é" typed two ways matches.
  func normalize(_ value: String) -> String {
    if value.utf8.allSatisfy({ $0 < 0x80 }) { return normalizeASCII(value) }
    let composed = value.precomposedStringWithCanonicalMapping
    switch self {
    case .reference: return composed.trimmingCharacters(in: .whitespaces).uppercased()
    case .dateOfBirth: return composed.trimmingCharacters(in: .whitespaces)
    case .name, .externalID:
      return composed.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
  }

  /// The same result for ASCII text without Foundation (references, dates and most names are
  /// ASCII, and Foundation's normalisation and trimming showed in lookup profiles): canonical
  /// composition leaves ASCII as it is, and `.whitespaces` is space and tab there.
  private func normalizeASCII(_ value: String) -> String {
    func trimmed() -> String {
      let bytes = Array(value.utf8)
      let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
      guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
        return ""
      }
      return String(decoding: bytes[first...last], as: UTF8.self)
    }
    switch self {
    case .reference: return trimmed().uppercased()
    case .dateOfBirth: return trimmed()
    case .name, .externalID: return value.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
  }
}

/// Keyed, truncated BLAKE2b over a normalised value (docs/FORMAT.md, "Blind indexes"). 16 bytes
/// keep false matches negligible at any realistic size; matches are confirmed by decrypting.
enum BlindIndex {
  static let byteCount = 16

  static func value(_ text: String, kind: BlindIndexKind, key: borrowing BlindIndexKey) -> [UInt8] {
    BLAKE2b.keyedHash(Array(kind.normalize(text).utf8), key: key, outputByteCount: byteCount)
  }
}

extension KeyDerivationContext {
  /// Blind-index root -> one key per index kind (subkey id = `BlindIndexKind.subkeyID`).
  static let blindIndexField = KeyDerivationContext(uncheckedLabel: "HVNbfld1")
  /// Audit key -> pseudonym key (id 1) and reason key (id 2).
  static let auditSubkeys = KeyDerivationContext(uncheckedLabel: "HVNaudt1")
}
