import HavenCrypto

/// One signed entry of the directory chain (docs/FORMAT.md, "Directory"). The body names the
/// vault, the entry's position and the hash of the entry before it, so an entry cannot be moved,
/// dropped from the middle or copied into another vault without the chain failing to verify.
struct DirectoryEntry: Sendable, Equatable {
  static let domain = "haven.directory.v1"
  /// The author id of entries signed with the recovery key's signing key.
  static let recoveryAuthor: Int64 = 0
  static let noPrevious = [UInt8](repeating: 0, count: 32)

  let seq: Int64
  let previousHash: [UInt8]
  /// The user who made the change, or `recoveryAuthor`.
  let author: Int64
  let event: DirectoryEvent
  let signature: [UInt8]

  static func body(
    vaultID: [UInt8], seq: Int64, previousHash: [UInt8], author: Int64, event: DirectoryEvent
  ) -> [UInt8] {
    AssociatedData.encode(
      domain: domain,
      [.bytes(vaultID), .integer(seq), .bytes(previousHash), .integer(author), .text(event.kind)] + event.parts)
  }

  func body(vaultID: [UInt8]) -> [UInt8] {
    DirectoryEntry.body(vaultID: vaultID, seq: seq, previousHash: previousHash, author: author, event: event)
  }

  /// SHA-256 of the body: what the next entry and checkpoints name.
  func hash(vaultID: [UInt8]) -> [UInt8] { SHA256.hash(body(vaultID: vaultID)) }

  /// Parses a stored body; nil for a body that is not a directory entry of this vault.
  static func decode(body: [UInt8], signature: [UInt8], vaultID: [UInt8]) -> DirectoryEntry? {
    guard let parts = AssociatedData.decode(body), parts.count >= 6,
      String(decoding: parts[0], as: UTF8.self) == domain, parts[1] == vaultID
    else { return nil }
    var reader = PartReader(parts[2...])
    guard let seq = reader.integer(), let previous = reader.bytes(), previous.count == 32, let author = reader.integer(),
      let kind = reader.text(), let event = DirectoryEvent.decode(kind: kind, &reader), reader.isAtEnd
    else { return nil }
    let entry = DirectoryEntry(seq: seq, previousHash: previous, author: author, event: event, signature: signature)
    // The encoding is canonical: a body that decodes but re-encodes differently is not one haven wrote.
    guard entry.body(vaultID: vaultID) == body else { return nil }
    return entry
  }
}
