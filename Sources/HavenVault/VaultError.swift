import HavenCrypto
import HavenStore

/// What kind of failure this is, so a front end can map it to an exit code (docs/cli.md)
/// without knowing every case.
public enum FailureCategory: Sendable {
  case usage, dataError, notFound, cannotCreate, ioError, temporary, permissionDenied, internalError, unavailable
}

/// Every failure the vault reports. Messages name the user, team, file or record involved, so a
/// person can act, and never contain a passphrase, a key or case content.
public enum VaultError: Error, Equatable, Sendable {
  case noVault(path: String)
  case notAVault(path: String)
  case vaultAlreadyExists(path: String)
  case cannotCreate(path: String, reason: String)
  case newerFormat(found: Int, supported: Int)
  case unknownUser(String)
  case wrongPassphrase(user: String)
  case unusablePassphrase(String)
  case keyFileMissing(user: String, path: String)
  case keyFileDamaged(user: String, reason: String)
  case keyFileFromAnotherVault(user: String)
  case permissionDenied(action: String, reason: String)
  case keyNotHeld(what: String)
  case notFound(kind: String, name: String)
  case alreadyExists(kind: String, name: String)
  case invalidName(kind: String, name: String)
  case invalidArgument(String)
  /// A field's text is refused: a control character, or over its size limit (docs/records.md).
  case invalidField(field: String, reason: String)
  case busy
  /// Text edited in an editor changed in the vault meanwhile (someone else saved first).
  case changedMeanwhile(String)
  case databaseDamaged(String)
  case fieldAuthenticationFailed(table: String, recordID: Int64, field: String)
  case recoveryKeyInvalid(String)
  case notInYourTeams(String)
  case underLegalHold(holdID: Int64, survivorID: Int64, placedAt: String)
  /// A share or export the survivor has not consented to: not produced.
  case consentNotGiven(purpose: String, status: String)
  case importRejected([ImportProblem])
  case storageFailure(String)
  /// The server store could not be reached, refused this workstation's credentials, or failed
  /// TLS verification: nothing was read or changed.
  case serverUnavailable(String)
  /// The connection to the server dropped mid-operation: the transaction was not committed.
  case connectionLost(String)
  /// A workstation's store settings name another vault than the server's database holds.
  case storeMismatch(String)
  /// The filesystem is full (or over quota): nothing was changed.
  case diskFull(String)
  /// The disk refused a read or write (SQLite's I/O error, often a full disk): nothing was changed.
  case ioFailure(String)
  /// An export file that does not open: not sealed to this identity, altered, or not an export.
  case exportInvalid(String)
  /// A backup whose generation key is not in the keyring: expired, or another keyring.
  case backupKeyGone(generation: String)
  /// The vault's root fingerprint is not the one pinned on this workstation (or given).
  case rootChanged(vaultID: String, pinned: String, found: String, pins: String)

  public var category: FailureCategory {
    switch self {
    case .invalidName, .invalidArgument, .unusablePassphrase: .usage
    case .importRejected, .exportInvalid, .invalidField: .dataError
    case .newerFormat, .keyFileDamaged, .keyFileFromAnotherVault, .notAVault, .databaseDamaged,
      .fieldAuthenticationFailed, .recoveryKeyInvalid, .rootChanged, .storeMismatch:
      .dataError
    case .noVault, .unknownUser, .notFound, .keyFileMissing, .backupKeyGone: .notFound
    case .vaultAlreadyExists, .cannotCreate, .alreadyExists: .cannotCreate
    case .busy, .changedMeanwhile, .connectionLost: .temporary
    case .serverUnavailable: .unavailable
    case .wrongPassphrase, .permissionDenied, .keyNotHeld, .notInYourTeams, .underLegalHold, .consentNotGiven:
      .permissionDenied
    case .storageFailure: .internalError
    case .diskFull, .ioFailure: .ioError
    }
  }

  public var message: String {
    switch self {
    case .noVault(let path): "no vault at \(path)"
    case .notAVault(let path): "\(path) is not a Haven vault (no vault metadata)"
    case .vaultAlreadyExists(let path): "\(path) already exists and is not empty; refusing to create a vault over it"
    case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
    case .newerFormat(let found, let supported):
      "this vault uses format version \(found), newer than this haven understands (\(supported)); it was not opened or changed"
    case .unknownUser(let name): "no active user named '\(name)' in this vault"
    case .wrongPassphrase(let user): "wrong passphrase for user '\(user)'"
    case .unusablePassphrase(let reason): "passphrase refused: \(reason)"
    case .keyFileMissing(let user, let path): "the key file of user '\(user)' is missing (\(path))"
    case .keyFileDamaged(let user, let reason): "the key file of user '\(user)' is damaged or was altered: \(reason)"
    case .keyFileFromAnotherVault(let user): "the key file of user '\(user)' belongs to another vault or another user"
    case .permissionDenied(let action, let reason): "permission denied: \(action): \(reason)"
    case .keyNotHeld(let what): "you do not hold \(what)"
    case .notFound(let kind, let name): "no \(kind) named '\(name)'"
    case .alreadyExists(let kind, let name): "a \(kind) named '\(name)' already exists"
    case .invalidName(let kind, let name):
      "'\(name)' is not a valid \(kind) name (use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter)"
    case .invalidArgument(let text): text
    case .invalidField(let field, let reason): "the \(field) field is refused: \(reason); nothing was written"
    case .busy: "the vault is busy (another haven process holds a write lock); nothing was changed"
    case .changedMeanwhile(let what): "\(what) changed while you were editing them; your edit was not saved"
    case .databaseDamaged(let detail): "the vault database is damaged or was altered: \(detail)"
    case .fieldAuthenticationFailed(let table, let recordID, let field):
      "\(table) \(recordID) field \(field) failed authentication: the file was altered or the wrong key was used"
    case .recoveryKeyInvalid(let reason): "recovery key refused: \(reason)"
    case .underLegalHold(let hold, let survivor, let placedAt):
      "survivor \(survivor) is under legal hold #\(hold) (placed \(placedAt)); it cannot be erased until an admin lifts the hold"
    case .consentNotGiven(let purpose, let status):
      "not produced: the survivor's consent for \(purpose) is \(status); nothing was written"
    case .notInYourTeams(let what): "\(what) is not in your teams (it may not exist, or another team holds it)"
    case .importRejected(let problems):
      "the file was not imported: \(problems.count) problem(s) found; nothing was written"
    case .storageFailure(let detail): "storage failure: \(detail)"
    case .serverUnavailable(let detail): "the vault's server is unavailable: \(detail); nothing was read or changed"
    case .connectionLost(let detail): "\(detail); retry when the server is reachable"
    case .storeMismatch(let detail): detail
    case .diskFull(let detail): "the disk is full (\(detail)); nothing was changed"
    case .ioFailure(let detail): "the disk refused a read or write (\(detail)); nothing was changed"
    case .exportInvalid(let reason): "the export cannot be opened: \(reason)"
    case .rootChanged(let vaultID, let pinned, let found, let pins):
      "REFUSED: vault \(vaultID) has root \(found), but \(pinned) is pinned for it (\(pins)): this is not the vault first "
        + "seen here, or its founding keys were replaced"
    case .backupKeyGone(let generation):
      "backup generation \(generation) cannot be opened: its key is not in this keyring (the generation has expired, or the keyring is another vault's)"
    }
  }

  /// A likely fix, where there is one.
  public var hint: String? {
    switch self {
    case .noVault: "create one with 'haven init --admin NAME', or point --vault / HAVEN_VAULT at an existing vault"
    case .newerFormat: "upgrade haven to a version that supports this format"
    case .wrongPassphrase: "check the passphrase; after repeated failures ask an admin to recover your access"
    case .busy: "retry in a moment"
    case .changedMeanwhile: "run the command again to edit the current text"
    case .diskFull, .ioFailure: "check the disk has free space and is healthy, then try again"
    case .keyNotHeld:
      "a current holder delivers pending keys when they next unlock the vault, or an admin can run 'haven recovery deliver' with the recovery key"
    case .rootChanged:
      "compare the root with the one your organisation recorded (Keys/); remove the line from the pins file only if it is the new, intended root"
    case .keyFileDamaged, .keyFileFromAnotherVault:
      "restore the key file from a backup, or have an admin reset this user's keys with the recovery key"
    case .fieldAuthenticationFailed("statistics_key_wraps", _, _):
      "'haven export report --rewrap-keys' recovers every statistics key from the statistics secret and replaces the stored wraps; tell whoever looks after the vault that it was altered"
    case .fieldAuthenticationFailed(let table, _, _) where table.hasPrefix("caseload_"):
      "'haven caseload --rebuild' makes the caseload index again from the case files; tell whoever looks after the vault that it was altered"
    default: nil
    }
  }

  /// Maps a storage-layer error to a vault error without copying SQL arguments into the message.
  static func wrapping(_ error: any Error) -> VaultError {
    if let vaultError = error as? VaultError { return vaultError }
    if let cryptoError = error as? CryptoError { return .storageFailure("unexpected cryptographic failure: \(cryptoError)") }
    if let storeError = error as? StoreError {
      switch storeError {
      case .busy: return .busy
      case .corrupt(let message): return .databaseDamaged(message)
      case .diskFull(let message): return .diskFull(message)
      case .ioFailure(let message): return .ioFailure(message)
      case .notPermitted(let message): return .permissionDenied(action: "open the vault database", reason: message)
      case .refused(let message): return .storageFailure(message)
      case .invalidSettings(let message): return .invalidArgument(message)
      case .connection(let message): return .serverUnavailable(message)
      case .connectionLost(let message): return .connectionLost(message)
      }
    }
    return .storageFailure(String(describing: type(of: error)))
  }
}
