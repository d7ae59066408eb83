import HavenCrypto

/// The directory as its signed entries make it: users and their keys, roles, teams, memberships,
/// key versions, break-glass roles and the vault's own public keys. Built only by `apply`, which
/// refuses an entry its author was not entitled to make at that point, so every decision about
/// where a key goes can be taken from here rather than from rows anyone with the file can edit.
struct DirectoryState: Sendable {
  struct Team: Sendable, Equatable {
    var name: String
    var keyVersion: Int64 = 0
    var rotationDue = false
    var members: Set<Int64> = []
    var versions: [Int64: TeamKeyVersion] = [:]
    /// Which key version's blind-index keys the team's index rows are under.
    var indexVersion: Int64 = 0
  }

  /// When a signing key could sign: from the entry that enrolled it until the one that retired it.
  struct SigningKeyValidity: Sendable {
    let userID: Int64
    let key: SigningPublicKey
    let from: Int64
    var until: Int64?
    func isValid(at length: Int64) -> Bool { from <= length && (until.map { length < $0 } ?? true) }
  }

  struct Anchor: Sendable {
    let author: Int64
    let auditSize: Int64
  }

  let vaultID: [UInt8]
  private(set) var length: Int64 = 0
  /// `heads[n - 1]` is the hash of entry n: checkpoints name the directory by its length and head.
  private(set) var heads: [[UInt8]] = []
  private(set) var recovery: BoxPublicKey?
  private(set) var recoverySigning: SigningPublicKey?
  private(set) var statistics: BoxPublicKey?
  private(set) var auditCommitment: [UInt8]?
  private(set) var statisticsCommitment: [UInt8]?
  private(set) var auditReason: BoxPublicKey?
  private(set) var auditReasonCommitment: [UInt8]?
  private(set) var users: [Int64: DirectoryUser] = [:]
  private(set) var removedUsers: Set<Int64> = []
  private(set) var teams: [Int64: Team] = [:]
  private(set) var breakGlassRoles: Set<Role> = []
  private(set) var signingKeys: [SigningKeyValidity] = []
  private(set) var anchor: Anchor?
  /// The first entry, whose public fields are the vault's root fingerprint.
  private(set) var rootEntry: DirectoryEntry?
  /// Per team, who joined or left at which entry; per entry, the break-glass roles then in force.
  private var membershipLog: [Int64: [(seq: Int64, user: Int64, joined: Bool)]] = [:]
  private var breakGlassLog: [(seq: Int64, roles: Set<Role>)] = []
  private var userLife: [Int64: (added: Int64, removed: Int64?)] = [:]

  init(vaultID: [UInt8]) { self.vaultID = vaultID }

  var head: [UInt8] { heads.last ?? DirectoryEntry.noPrevious }

  func activeUser(_ id: Int64) -> DirectoryUser? { removedUsers.contains(id) ? nil : users[id] }
  func activeUser(named name: String) -> DirectoryUser? {
    users.values.first { $0.name == name && !removedUsers.contains($0.id) }
  }
  func user(named name: String) -> DirectoryUser? { users.values.first { $0.name == name } }

  /// Active users of a role that may break glass: they hold every team's key (SECURITY.md).
  var breakGlassHolderIDs: [Int64] {
    users.keys.sorted().filter { id in
      guard let user = activeUser(id) else { return false }
      return user.role.mayJoinTeams && breakGlassRoles.contains(user.role)
    }
  }

  // MARK: - Replay

  /// Verifies and applies the next entry, or names the entry and the rule it breaks.
  /// `signatureChecked`: this workstation verified the entry's signature before and the chain
  /// up to a later head it pinned is unchanged (each entry names the hash of the one before, so
  /// the pinned head vouches for every entry up to it); every rule is still applied.
  mutating func apply(_ entry: DirectoryEntry, signatureChecked: Bool = false) throws(DirectoryViolation) {
    func refuse(_ rule: String) -> DirectoryViolation { DirectoryViolation(seq: entry.seq, rule: rule) }
    guard entry.seq == length + 1 else { throw refuse("expected entry \(length + 1) here: entries were removed or reordered") }
    guard entry.previousHash == head else { throw refuse("it does not follow entry \(length): the chain was edited") }
    let body = entry.body(vaultID: vaultID)
    let signer = try signingKey(for: entry)
    guard signatureChecked || signer.isValidSignature(entry.signature, for: body) else {
      throw refuse("its signature does not verify with the author's key: the entry was altered or forged")
    }
    try authorize(entry)
    effect(entry)
    length = entry.seq
    heads.append(SHA256.hash(body))
    if entry.seq == 1 { rootEntry = entry }
  }

  private func signingKey(for entry: DirectoryEntry) throws(DirectoryViolation) -> SigningPublicKey {
    switch entry.event {
    case .genesis(let genesis):
      guard entry.author == genesis.admin.id else { throw DirectoryViolation(seq: entry.seq, rule: "genesis not by its admin") }
      return genesis.admin.signing
    case .anchor(let snapshot):
      guard let author = snapshot.users.first(where: { $0.id == entry.author }), author.role == .admin else {
        throw DirectoryViolation(seq: entry.seq, rule: "an anchor must be signed by an admin it lists")
      }
      return author.signing
    default:
      if entry.author == DirectoryEntry.recoveryAuthor {
        guard let recoverySigning else {
          throw DirectoryViolation(seq: entry.seq, rule: "signed by the recovery key, which this vault has not enrolled")
        }
        return recoverySigning
      }
      guard let author = activeUser(entry.author) else {
        throw DirectoryViolation(seq: entry.seq, rule: "its author (user \(entry.author)) is not an active user at that point")
      }
      return author.signing
    }
  }

  private func authorize(_ entry: DirectoryEntry) throws(DirectoryViolation) {
    func refuse(_ rule: String) -> DirectoryViolation { DirectoryViolation(seq: entry.seq, rule: rule) }
    let first = entry.seq == 1
    switch entry.event {
    case .genesis, .anchor:
      guard first else { throw refuse("only the first entry may found the directory") }
      return
    default:
      guard !first else { throw refuse("the first entry must be the vault's genesis or anchor") }
    }
    if case .teamKey(let version) = entry.event {
      guard let team = teams[version.teamID] else { throw refuse("a key for team \(version.teamID), which does not exist") }
      guard version.version == team.keyVersion + 1 else {
        throw refuse("team '\(team.name)' key version \(version.version) does not follow version \(team.keyVersion)")
      }
      guard version.commitment?.count == 32 else { throw refuse("a team key version without its commitment") }
      let previousIndex = max(team.indexVersion, 1)
      guard version.indexVersion == version.version || version.indexVersion == previousIndex else {
        throw refuse("team '\(team.name)' index version \(version.indexVersion) is neither the new nor the previous one")
      }
      guard entry.author == DirectoryEntry.recoveryAuthor || team.members.contains(entry.author) else {
        throw refuse("only a member of team '\(team.name)' or the recovery key may generate its keys")
      }
      return
    }
    guard let author = activeUser(entry.author), author.role == .admin else {
      throw refuse("\(entry.event.kind) needs an admin, and user \(entry.author) is not one at that point")
    }
    switch entry.event {
    case .userAdd(let user):
      guard users[user.id] == nil, self.user(named: user.name) == nil else { throw refuse("user id or name \(user.name) reused") }
    case .userKeys(let id, _, _), .userRemove(let id):
      guard activeUser(id) != nil else { throw refuse("user \(id) is not an active user") }
    case .teamAdd(let id, let name):
      guard teams[id] == nil, !teams.values.contains(where: { $0.name == name }) else { throw refuse("team \(name) exists") }
    case .memberAdd(let teamID, let userID):
      guard let team = teams[teamID], let user = activeUser(userID), user.role.mayJoinTeams, !team.members.contains(userID)
      else { throw refuse("user \(userID) cannot join team \(teamID)") }
    case .memberRemove(let teamID, let userID):
      guard teams[teamID]?.members.contains(userID) == true else { throw refuse("user \(userID) is not in team \(teamID)") }
    case .breakGlassRoles(let roles):
      guard roles.allSatisfy(\.mayJoinTeams) else { throw refuse("only workers and admins may break glass") }
    case .recoverySigning(let key, let proof):
      guard recoverySigning == nil, let recovery else { throw refuse("the recovery signing key is already enrolled") }
      guard key.isValidSignature(proof, for: DirectoryState.recoveryEnrolment(vaultID: vaultID, recovery: recovery)) else {
        throw refuse("the recovery signing key's proof does not verify")
      }
    case .genesis, .anchor, .teamKey: break
    }
  }

  /// What the recovery key's signing key signs to prove it belongs to the recovery key's holder.
  static func recoveryEnrolment(vaultID: [UInt8], recovery: BoxPublicKey) -> [UInt8] {
    AssociatedData.encode(domain: "haven.recovery.signing.v1", [.bytes(vaultID), .bytes(recovery.bytes)])
  }

  private mutating func enrol(_ user: DirectoryUser, at seq: Int64) {
    users[user.id] = user
    userLife[user.id] = (seq, nil)
    signingKeys.append(SigningKeyValidity(userID: user.id, key: user.signing, from: seq))
  }

  private mutating func retireSigningKeys(of userID: Int64, at seq: Int64) {
    for index in signingKeys.indices where signingKeys[index].userID == userID && signingKeys[index].until == nil {
      signingKeys[index].until = seq
    }
  }

  private mutating func setMembership(team: Int64, user: Int64, joined: Bool, at seq: Int64) {
    if joined { teams[team]?.members.insert(user) } else { teams[team]?.members.remove(user) }
    membershipLog[team, default: []].append((seq, user, joined))
  }

  private mutating func effect(_ entry: DirectoryEntry) {
    let seq = entry.seq
    switch entry.event {
    case .genesis(let genesis):
      enrol(genesis.admin, at: seq)
      recovery = genesis.recovery
      recoverySigning = genesis.recoverySigning
      statistics = genesis.statistics
      statisticsCommitment = genesis.statisticsCommitment
      auditCommitment = genesis.auditCommitment
      auditReason = genesis.auditReason
      auditReasonCommitment = genesis.auditReasonCommitment
      breakGlassLog.append((seq, []))
    case .anchor(let snapshot):
      for user in snapshot.users { enrol(user, at: seq) }
      for (userID, key) in snapshot.retiredSigningKeys {
        // Keys retired before the anchor signed only history the anchor takes as found.
        signingKeys.append(SigningKeyValidity(userID: userID, key: key, from: seq, until: seq))
      }
      for id in snapshot.removedUserIDs {
        removedUsers.insert(id)
        userLife[id]?.removed = seq
        retireSigningKeys(of: id, at: seq)
      }
      for team in snapshot.teams {
        var state = Team(name: team.name, keyVersion: team.keyVersion, rotationDue: team.rotationDue)
        // Format 5 derived every index key from version 1.
        state.indexVersion = team.keyVersion > 0 ? 1 : 0
        for version in stride(from: 1, through: team.keyVersion, by: 1) {
          state.versions[version] = TeamKeyVersion(teamID: team.id, version: version, commitment: nil)
        }
        teams[team.id] = state
        for member in team.members { setMembership(team: team.id, user: member, joined: true, at: seq) }
      }
      breakGlassRoles = Set(snapshot.breakGlassRoles)
      breakGlassLog.append((seq, breakGlassRoles))
      recovery = snapshot.recovery
      statistics = snapshot.statistics
      auditCommitment = snapshot.auditCommitment
      auditReason = snapshot.auditReason
      auditReasonCommitment = snapshot.auditReasonCommitment
      anchor = Anchor(author: entry.author, auditSize: snapshot.auditSize)
    case .userAdd(let user): enrol(user, at: seq)
    case .userKeys(let id, let box, let signing):
      guard let old = users[id] else { return }
      retireSigningKeys(of: id, at: seq)
      users[id] = DirectoryUser(id: id, name: old.name, role: old.role, box: box, signing: signing)
      signingKeys.append(SigningKeyValidity(userID: id, key: signing, from: seq))
    case .userRemove(let id):
      removedUsers.insert(id)
      userLife[id]?.removed = seq
      retireSigningKeys(of: id, at: seq)
      for teamID in teams.keys.sorted() where teams[teamID]!.members.contains(id) {
        setMembership(team: teamID, user: id, joined: false, at: seq)
        teams[teamID]!.rotationDue = true
      }
    case .teamAdd(let id, let name): teams[id] = Team(name: name)
    case .memberAdd(let teamID, let userID): setMembership(team: teamID, user: userID, joined: true, at: seq)
    case .memberRemove(let teamID, let userID):
      setMembership(team: teamID, user: userID, joined: false, at: seq)
      teams[teamID]?.rotationDue = true
    case .teamKey(let version):
      teams[version.teamID]?.keyVersion = version.version
      teams[version.teamID]?.rotationDue = false
      teams[version.teamID]?.versions[version.version] = version
      teams[version.teamID]?.indexVersion = version.indexVersion
    case .breakGlassRoles(let roles):
      breakGlassRoles = Set(roles)
      breakGlassLog.append((seq, breakGlassRoles))
    case .recoverySigning(let key, _): recoverySigning = key
    }
  }

  // MARK: - Questions asked of the history

  /// Whether `user` was a member of `team`, or held its key by a break-glass role, once the first
  /// `length` entries had been applied.
  func heldTeam(_ team: Int64, user: Int64, at length: Int64) -> Bool {
    guard isActive(user, at: length) else { return false }
    var member = false
    for event in membershipLog[team] ?? [] where event.seq <= length && event.user == user { member = event.joined }
    if member { return true }
    let roles = breakGlassLog.last { $0.seq <= length }?.roles ?? []
    guard let role = users[user]?.role else { return false }
    return role.mayJoinTeams && roles.contains(role)
  }

  func isActive(_ user: Int64, at length: Int64) -> Bool {
    guard let life = userLife[user] else { return false }
    return life.added <= length && (life.removed.map { length < $0 } ?? true)
  }

  /// The signing key `user` could sign with after `length` entries, if any.
  func signingKey(of user: Int64, at length: Int64) -> SigningPublicKey? {
    signingKeys.last { $0.userID == user && $0.isValid(at: length) }?.key
  }

  /// The box key a grant to `user` must have been sealed to after `length` entries.
  func boxKey(of user: Int64, at length: Int64) -> BoxPublicKey? {
    // Box keys change only with signing keys (a reset): the current one is the one in force
    // unless a reset came later, in which case the grant predates it and was deleted with it.
    isActive(user, at: length) ? users[user]?.box : nil
  }
}

/// An entry that breaks a directory rule: which one, and how.
struct DirectoryViolation: Error, Equatable {
  let seq: Int64
  let rule: String
  var message: String { "directory entry \(seq) is refused: \(rule)" }
}
