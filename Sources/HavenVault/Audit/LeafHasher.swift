import Foundation
import HavenCrypto

/// Recomputes the leaf hashes of a batch of audit entries on every core while the caller reads
/// the next batch from the database (the database stays on the caller's thread). Verification of a
/// million entries is dominated by hashing and row decoding; this puts them on different cores.
final class PendingLeafHashes: @unchecked Sendable {
  let entries: [AuditEntry]
  /// The leaf hashes stored in each row, to compare with the recomputed ones.
  let stored: [[UInt8]?]
  private var hashes: [MerkleTree.Hash] = []
  private let done = DispatchSemaphore(value: 0)

  private init(entries: [AuditEntry], stored: [[UInt8]?]) {
    self.entries = entries
    self.stored = stored
  }

  static func begin(_ entries: [AuditEntry], stored: [[UInt8]?]) -> PendingLeafHashes {
    let pending = PendingLeafHashes(entries: entries, stored: stored)
    DispatchQueue.global(qos: .userInitiated).async {
      pending.hashes = PendingLeafHashes.hash(entries)
      pending.done.signal()
    }
    return pending
  }

  func wait() -> [MerkleTree.Hash] {
    done.wait()
    return hashes
  }

  private static func hash(_ entries: [AuditEntry]) -> [MerkleTree.Hash] {
    var hashes = [MerkleTree.Hash](repeating: [], count: entries.count)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    hashes.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let output = buffer
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        // Worker w takes entries w, w + workers, ...: each index is written by exactly one worker.
        for index in stride(from: worker, to: entries.count, by: workers) { output[index] = entries[index].leafHash }
      }
    }
    return hashes
  }
}
