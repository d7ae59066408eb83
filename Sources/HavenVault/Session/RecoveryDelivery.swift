import HavenCrypto
import HavenStore

extension VaultSession {
  /// Uses the recovery key to do every pending key duty across all teams: first keys, rotations,
  /// and deliveries to members, reporting users and auditors who lack keys. This is how a team
  /// whose members all lost their passphrases gets its records back (after `haven user reset`).
  /// Audited as a recovery use; returns how many keys were generated or delivered.
  @discardableResult
  public func deliverWithRecoveryKey(_ recoveryKey: consuming RecoveryKey) throws(VaultError) -> Int {
    try authorize(.useRecoveryKey, action: .recoveryUse, target: "vault")
    guard recoveryKey.publicKey == unlockedDirectory.recovery else {
      try recordDenied(.recoveryUse, target: "vault", detail: "recovery key of another vault")
      throw .recoveryKeyInvalid("it is not this vault's recovery key")
    }
    let holder: RecoveryKeyHolder
    do { holder = try RecoveryKeyHolder(recoveryKey) } catch { throw .recoveryKeyInvalid("its signing key cannot be derived") }
    return try transaction { db in
      if try directory(db).recoverySigning == nil, let recovery = try directory(db).recovery {
        // A re-anchored vault learns the recovery key's signing key at its first use, proved by
        // a signature only the recovery key's holder can make.
        let proof = holder.sign(DirectoryState.recoveryEnrolment(vaultID: metadata.vaultID, recovery: recovery))
        try appendDirectory(db, .recoverySigning(holder.signing.publicKey, proof: proof))
      }
      var duties = KeyDuties(
        directory: try directory(db), holder: holder, actorID: user.id, scope: .allTeams, audit: auditWriter)
      let count = try duties.perform(db)
      try record(
        db, action: .recoveryUse, target: "vault", detail: "\(count) key(s) generated or delivered")
      return count
    }
  }
}
