/// Every kind of event the audit log records. Raw values are stored, so never rename one.
public enum AuditAction: String, Sendable, CaseIterable {
  case vaultCreate = "vault.create"
  case unlock = "unlock"
  case statusRead = "status.read"
  case userAdd = "user.add"
  case userList = "user.list"
  case userPassphraseChange = "user.passwd"
  case userRemove = "user.remove"
  case teamAdd = "team.add"
  case teamList = "team.list"
  case teamMemberAdd = "team.member.add"
  case teamMemberRemove = "team.member.remove"
  case keyGenerate = "key.generate"
  case keyRotate = "key.rotate"
  case keyDeliver = "key.deliver"
  case recoveryUse = "recovery.use"
  case recordKeyCreate = "record-key.create"
  case recordKeyOpen = "record-key.open"
}

/// How an audited attempt ended.
public enum AuditOutcome: String, Sendable {
  case ok, denied, failed
}
