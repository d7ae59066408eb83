import HavenVault

/// What an erasure says: complete only when nothing of the record is left in the store.
enum ErasureText {
  static func describe(_ what: String, _ completion: ErasureCompletion) -> String {
    switch completion {
    case .complete:
      "Erased \(what): its keys and every field are destroyed, and nothing of it remains in the vault's files; a tombstone remains."
    case .pending(_, let reason):
      "Erasure of \(what) is committed: its keys are deleted and haven can no longer read it. It is NOT yet complete: "
        + pendingDetail(reason)
    }
  }

  /// Where the copies are and the step that completes the erasure.
  private static func pendingDetail(_ reason: ErasurePendingReason) -> String {
    switch reason {
    case .readerHoldsOlderSnapshot:
      "copies of its pages remain in the vault's write-ahead log because another process is reading the vault from an "
        + "older snapshot. It completes at the next command once that reader has finished: run 'haven status' to complete it."
    case .serverKeepsOldRowVersions:
      "the server keeps the old row versions in its tables until they are rewritten. An admin completes it with the "
        + "schema owner's connection: haven store complete-erasures --schema-owner URI (docs/server-store.md, \"Erasure\")."
    }
  }

  /// The next step `haven status` names for pending erasures.
  static func nextStep(_ reason: ErasurePendingReason) -> String {
    switch reason {
    case .readerHoldsOlderSnapshot:
      "another process is reading the vault from an older snapshot; run 'haven status' again once it has finished"
    case .serverKeepsOldRowVersions:
      "the server still holds the old row versions; an admin runs 'haven store complete-erasures --schema-owner URI'"
    }
  }
}
