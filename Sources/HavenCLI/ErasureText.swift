import HavenVault

/// What an erasure says: complete only when nothing of the record is left on disk.
enum ErasureText {
  static func describe(_ what: String, _ completion: ErasureCompletion) -> String {
    switch completion {
    case .complete:
      "Erased \(what): its keys and every field are destroyed, and nothing of it remains in the vault's files; a tombstone remains."
    case .pending(_, let reason):
      "Erasure of \(what) is committed: its keys are deleted and haven can no longer read it. It is NOT yet complete: "
        + "copies of its pages remain in the vault's write-ahead log because \(reason). It completes at the next "
        + "command once that reader has finished: run 'haven status' to complete it."
    }
  }
}
