import HavenCrypto

/// Who may grant which key to whom, decided from the signed directory at the length the grant
/// names (docs/FORMAT.md, "Grant signature"):
/// - a team key: granted by the recovery key or by a holder of the team's key (a member, or a
///   user of a break-glass role) to another holder or to the recovery key;
/// - the statistics key: by the recovery key, the founding admin at genesis, or a reporting user,
///   to a reporting user or the recovery key;
/// - the audit key (pseudonyms): by the recovery key or any active user, to any active user or the recovery key;
/// - the audit reason key: by the recovery key, the founding admin, or an auditor or admin, to an
///   auditor, an admin or the recovery key;
/// - in a re-anchored vault, grants that predate the anchor are vouched for by the anchoring admin.
extension DirectoryState {
  /// Why a stored grant must not be used, or nil if it is sound.
  func problem(with grant: StoredGrant, kind: GrantedKeyKind, teamID: Int64?, version: Int64, recipient: Int64?) -> String? {
    guard let signature = grant.signature, let length = grant.directoryLength else {
      return "it carries no granter's signature"
    }
    guard (1...self.length).contains(length) else { return "it names directory length \(length), which does not exist" }
    let granter = grant.granter ?? DirectoryEntry.recoveryAuthor
    let signingKey = granter == DirectoryEntry.recoveryAuthor ? recoverySigning : signingKey(of: granter, at: length)
    guard let signingKey else { return "its granter (user \(granter)) had no valid signing key at directory length \(length)" }
    let recipientKey: BoxPublicKey? = recipient.map { boxKey(of: $0, at: length) } ?? recovery
    guard let recipientKey else { return "its recipient was not an active user at directory length \(length)" }
    let body = KeyGrant.signatureBody(
      vaultID: vaultID, kind: kind, teamID: teamID, version: version, recipient: recipientKey, sealed: grant.sealed,
      granter: granter, directoryLength: length)
    guard signingKey.isValidSignature(signature, for: body) else { return "its granter's signature does not verify" }
    if let anchor, length == 1, granter == anchor.author { return nil }
    let byRecovery = granter == DirectoryEntry.recoveryAuthor
    switch kind {
    case .team:
      guard let teamID, teams[teamID]?.versions[version] != nil else { return "no signed entry announces that key version" }
      guard byRecovery || heldTeam(teamID, user: granter, at: length) else {
        return "user \(granter) did not hold team \(teamID)'s key at directory length \(length)"
      }
      guard recipient.map({ heldTeam(teamID, user: $0, at: length) }) ?? true else {
        return "its recipient was not a member of team \(teamID) at directory length \(length)"
      }
    case .statistics:
      let founder = length == 1 && rootEntry?.author == granter
      guard byRecovery || founder || role(of: granter, at: length) == .reporting else {
        return "user \(granter) may not grant the statistics key"
      }
      guard recipient.map({ role(of: $0, at: length) == .reporting }) ?? true else {
        return "the statistics key may go only to reporting users"
      }
    case .audit:
      guard byRecovery || isActive(granter, at: length) else { return "user \(granter) was not active" }
    case .auditReason:
      let founder = length == 1 && rootEntry?.author == granter
      guard byRecovery || founder || [.admin, .auditor].contains(role(of: granter, at: length)) else {
        return "user \(granter) may not grant the audit reason key"
      }
      guard recipient.map({ [.admin, .auditor].contains(role(of: $0, at: length)) }) ?? true else {
        return "the audit reason key may go only to auditors and admins"
      }
    }
    return nil
  }

  /// The commitment a key of this kind and version must match, where the directory holds one.
  func commitment(kind: GrantedKeyKind, teamID: Int64?, version: Int64) -> [UInt8]? {
    switch kind {
    case .team: teamID.flatMap { teams[$0]?.versions[version]?.commitment }
    case .statistics: statisticsCommitment
    case .audit: auditCommitment
    case .auditReason: auditReasonCommitment
    }
  }

  private func role(of user: Int64, at length: Int64) -> Role? {
    isActive(user, at: length) ? users[user]?.role : nil
  }
}
