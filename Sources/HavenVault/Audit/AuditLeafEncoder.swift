import Foundation
import GRDB
import HavenCrypto

/// Computes leaf hashes straight from stored rows, for verifying large logs: the same bytes as
/// `AuditEntry.leafData` (docs/FORMAT.md section 9), written from each column's raw bytes into
/// one reused buffer and hashed without copies. `AuditEntry` stays the reference encoding; tests
/// check the two agree on every entry they write.
struct AuditLeafEncoder {
  /// The columns, in leaf order, as selected by `AuditLeafEncoder.selection`.
  static let selection =
    "SELECT seq, recorded_at, actor_user_id, action, target, subject, outcome, detail, reason, break_glass, leaf_hash FROM audit_entries ORDER BY seq"
  private static let domain = Array("haven.audit.entry.v1".utf8)
  private var buffer: [UInt8] = []

  init() { buffer.reserveCapacity(512) }

  /// The leaf hash of a row of `selection`.
  mutating func leafHash(_ row: Row) throws -> MerkleTree.Hash {
    buffer.removeAll(keepingCapacity: true)
    appendBytes(Self.domain)
    appendInteger(row[0] as Int64)
    try appendColumn(row, 1)
    appendInteger((row[2] as Int64?) ?? 0)
    for index in 3...8 { try appendColumn(row, index) }
    appendInteger((row[9] as Int64?) ?? 0)
    return buffer.withUnsafeBytes { SHA256.hash(prefix: 0x00, $0) }
  }

  private mutating func appendLength(_ count: Int) {
    buffer.append(UInt8((count >> 24) & 0xff))
    buffer.append(UInt8((count >> 16) & 0xff))
    buffer.append(UInt8((count >> 8) & 0xff))
    buffer.append(UInt8(count & 0xff))
  }

  private mutating func appendBytes(_ bytes: [UInt8]) {
    appendLength(bytes.count)
    buffer.append(contentsOf: bytes)
  }

  private mutating func appendInteger(_ value: Int64) {
    appendLength(8)
    let bits = UInt64(bitPattern: value)
    for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8((bits >> UInt64(shift)) & 0xff)) }
  }

  /// A text or blob column's bytes; NULL is the empty part.
  private mutating func appendColumn(_ row: Row, _ index: Int) throws {
    try row.withUnsafeData(atIndex: index) { data in
      guard let data else { return appendLength(0) }
      appendLength(data.count)
      buffer.append(contentsOf: data)
    }
  }
}
