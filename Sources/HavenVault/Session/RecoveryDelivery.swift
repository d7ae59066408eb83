import GRDB
import HavenCrypto

extension VaultSession {
  /// Uses the recovery key to do every pending key duty across all teams: first keys, rotations,
  /// and deliveries to members, reporting users and auditors who lack keys. This is how a team
  /// whose members all lost their passphrases gets its records back (after `haven user reset`).
  /// Audited as a recovery use; returns how many keys were generated or delivered.
  @discardableResult
  public func deliverWithRecoveryKey(_ recoveryKey: consuming RecoveryKey) throws(VaultError) -> Int {
    try authorize(.useRecoveryKey, action: .recoveryUse, target: "vault")
    guard recoveryKey.publicKey == metadata.recoveryPublicKey else {
      try recordDenied(.recoveryUse, target: "vault", detail: "recovery key of another vault")
      throw .recoveryKeyInvalid("it is not this vault's recovery key")
    }
    let holder = RecoveryKeyHolder(recoveryKey)
    return try transaction { db in
      let count = try KeyDuties(metadata: metadata, holder: holder, actorID: user.id, scope: .allTeams, audit: auditWriter)
        .perform(db)
      try record(
        db, action: .recoveryUse, target: "vault", detail: "\(count) key(s) generated or delivered")
      return count
    }
  }
}
