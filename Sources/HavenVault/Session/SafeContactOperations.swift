import Foundation
import HavenStore

extension VaultSession {
  /// Replaces the survivor's safe-contact preferences (one encrypted field).
  public func setSafeContact(_ reference: SurvivorReference, _ contact: SafeContact) throws(VaultError) {
    try contact.checkText()
    try withCaseFile(reference, action: .contactUpdate) { db, row, keys in
      let json = String(decoding: try JSONEncoder().encode(contact), as: UTF8.self)
      try SurvivorRow.update(
        db, id: row.id, envelopes: [.safeContact: keys.seal(json, at: SurvivorField.safeContact.location(row.id))])
    }
  }

  public func safeContact(_ reference: SurvivorReference) throws(VaultError) -> SafeContact? {
    try withCaseFile(reference, action: .contactRead) { _, row, keys in try decodeSafeContact(row, keys) }
  }

  func decodeSafeContact(_ row: SurvivorRow, _ keys: borrowing CaseKeys) throws -> SafeContact? {
    try keys.openOptional(row.envelopes[.safeContact], at: SurvivorField.safeContact.location(row.id)).map {
      try JSONDecoder().decode(SafeContact.self, from: Data($0.utf8))
    }
  }
}
