import HavenCrypto

/// A user as the signed directory knows them: the keys that receive grants and sign.
struct DirectoryUser: Sendable, Equatable {
  let id: Int64
  let name: String
  let role: Role
  let box: BoxPublicKey
  let signing: SigningPublicKey
}

/// A team key version's commitment: lets anyone who opens a grant check it holds the key the
/// generating member announced, so a key sealed by someone else is refused, not used.
struct TeamKeyVersion: Sendable, Equatable {
  let teamID: Int64
  let version: Int64
  /// BLAKE2b-256 keyed with the team key (docs/FORMAT.md, "Key commitment"); nil for versions
  /// that predate the directory of a re-anchored vault.
  let commitment: [UInt8]?
  /// The key version whose blind-index keys are in force after this entry: this version when the
  /// generating member re-indexed the team in the same transaction, else the previous one.
  var indexVersion: Int64 = 1
}

/// A new vault's founding facts: its first admin and its own public keys, with commitments to the
/// secrets behind them so a grant of another secret is refused.
struct DirectoryGenesis: Sendable, Equatable {
  let admin: DirectoryUser
  let recovery: BoxPublicKey
  let recoverySigning: SigningPublicKey
  let statistics: BoxPublicKey
  let statisticsCommitment: [UInt8]
  let auditCommitment: [UInt8]
  /// The key pair access, hold, erasure and break-glass reasons are sealed to: its secret goes to
  /// auditors, admins and the recovery key only.
  let auditReason: BoxPublicKey
  let auditReasonCommitment: [UInt8]
}

/// What a format-5 vault held when an admin first unlocked it after the upgrade: taken as found
/// (it cannot be proved), signed, and the starting point of everything after it.
struct DirectorySnapshot: Sendable, Equatable {
  struct Team: Sendable, Equatable {
    let id: Int64
    let name: String
    let keyVersion: Int64
    let rotationDue: Bool
    let members: [Int64]
  }
  let users: [DirectoryUser]
  let removedUserIDs: [Int64]
  let retiredSigningKeys: [(userID: Int64, key: SigningPublicKey)]
  let teams: [Team]
  let breakGlassRoles: [Role]
  let recovery: BoxPublicKey
  let statistics: BoxPublicKey
  let auditCommitment: [UInt8]?
  /// Made at anchoring: format 5 had no separate key for reasons.
  let auditReason: BoxPublicKey
  let auditReasonCommitment: [UInt8]
  /// The audit log's size when the anchor was written: entries up to it predate the directory.
  let auditSize: Int64

  static func == (lhs: DirectorySnapshot, rhs: DirectorySnapshot) -> Bool {
    lhs.users == rhs.users && lhs.removedUserIDs == rhs.removedUserIDs
      && lhs.retiredSigningKeys.map(\.userID) == rhs.retiredSigningKeys.map(\.userID)
      && lhs.retiredSigningKeys.map(\.key) == rhs.retiredSigningKeys.map(\.key) && lhs.teams == rhs.teams
      && lhs.breakGlassRoles == rhs.breakGlassRoles && lhs.recovery == rhs.recovery && lhs.statistics == rhs.statistics
      && lhs.auditCommitment == rhs.auditCommitment && lhs.auditSize == rhs.auditSize
      && lhs.auditReason == rhs.auditReason && lhs.auditReasonCommitment == rhs.auditReasonCommitment
  }
}

/// One change to who may hold which key, or who may sign (docs/FORMAT.md, "Directory"). Every
/// fact that decides where a key goes enters the vault only as one of these, signed by someone
/// entitled to make that change at that point; the tables are a copy checked against them.
enum DirectoryEvent: Sendable, Equatable {
  /// Entry 1 of a new vault: the first admin and the vault's own public keys. Its fields are the
  /// vault's root fingerprint.
  case genesis(DirectoryGenesis)
  /// Entry 1 of a vault upgraded from format 5: its state as found, vouched for by an admin.
  case anchor(DirectorySnapshot)
  case userAdd(DirectoryUser)
  /// New key pairs after an admin reset; the old signing key signs nothing after this entry.
  case userKeys(userID: Int64, box: BoxPublicKey, signing: SigningPublicKey)
  case userRemove(userID: Int64)
  case teamAdd(teamID: Int64, name: String)
  case memberAdd(teamID: Int64, userID: Int64)
  case memberRemove(teamID: Int64, userID: Int64)
  /// A team's next key version, announced by the member (or recovery key) that generated it.
  case teamKey(TeamKeyVersion)
  case breakGlassRoles([Role])
  /// The recovery key's signing key, for an anchored vault, proved by a signature of its own.
  case recoverySigning(SigningPublicKey, proof: [UInt8])

  var kind: String {
    switch self {
    case .genesis: "genesis"
    case .anchor: "anchor"
    case .userAdd: "user.add"
    case .userKeys: "user.keys"
    case .userRemove: "user.remove"
    case .teamAdd: "team.add"
    case .memberAdd: "member.add"
    case .memberRemove: "member.remove"
    case .teamKey: "team.key"
    case .breakGlassRoles: "break-glass-roles"
    case .recoverySigning: "recovery-signing"
    }
  }

  /// The event's fields, after the kind, in the order FORMAT.md gives.
  var parts: [ContextPart] {
    switch self {
    case .genesis(let genesis):
      return DirectoryEvent.userParts(genesis.admin) + [
        .bytes(genesis.recovery.bytes), .bytes(genesis.recoverySigning.bytes), .bytes(genesis.statistics.bytes),
        .bytes(genesis.statisticsCommitment), .bytes(genesis.auditCommitment), .bytes(genesis.auditReason.bytes),
        .bytes(genesis.auditReasonCommitment),
      ]
    case .anchor(let snapshot):
      var parts: [ContextPart] = [.integer(Int64(snapshot.users.count))]
      for user in snapshot.users { parts += DirectoryEvent.userParts(user) }
      parts.append(.integer(Int64(snapshot.removedUserIDs.count)))
      parts += snapshot.removedUserIDs.map { .integer($0) }
      parts.append(.integer(Int64(snapshot.retiredSigningKeys.count)))
      for retired in snapshot.retiredSigningKeys { parts += [.integer(retired.userID), .bytes(retired.key.bytes)] }
      parts.append(.integer(Int64(snapshot.teams.count)))
      for team in snapshot.teams {
        parts += [.integer(team.id), .text(team.name), .integer(team.keyVersion), .integer(team.rotationDue ? 1 : 0)]
        parts.append(.integer(Int64(team.members.count)))
        parts += team.members.map { .integer($0) }
      }
      parts += [
        .text(DirectoryEvent.rolesText(snapshot.breakGlassRoles)), .bytes(snapshot.recovery.bytes),
        .bytes(snapshot.statistics.bytes), .bytes(snapshot.auditCommitment ?? []), .bytes(snapshot.auditReason.bytes),
        .bytes(snapshot.auditReasonCommitment), .integer(snapshot.auditSize),
      ]
      return parts
    case .userAdd(let user): return DirectoryEvent.userParts(user)
    case .userKeys(let id, let box, let signing): return [.integer(id), .bytes(box.bytes), .bytes(signing.bytes)]
    case .userRemove(let id): return [.integer(id)]
    case .teamAdd(let id, let name): return [.integer(id), .text(name)]
    case .memberAdd(let team, let user), .memberRemove(let team, let user): return [.integer(team), .integer(user)]
    case .teamKey(let version):
      return [
        .integer(version.teamID), .integer(version.version), .bytes(version.commitment ?? []), .integer(version.indexVersion),
      ]
    case .breakGlassRoles(let roles): return [.text(DirectoryEvent.rolesText(roles))]
    case .recoverySigning(let key, let proof): return [.bytes(key.bytes), .bytes(proof)]
    }
  }

  static func rolesText(_ roles: [Role]) -> String { Set(roles.map(\.rawValue)).sorted().joined(separator: ",") }

  private static func userParts(_ user: DirectoryUser) -> [ContextPart] {
    [.integer(user.id), .text(user.name), .text(user.role.rawValue), .bytes(user.box.bytes), .bytes(user.signing.bytes)]
  }

  /// Reads an event back from its kind and the parts after it; nil for anything malformed.
  static func decode(kind: String, _ reader: inout PartReader) -> DirectoryEvent? {
    switch kind {
    case "genesis":
      guard let admin = reader.user(), let recovery = reader.boxKey(), let recoverySigning = reader.signingKey(),
        let statistics = reader.boxKey(), let statisticsCommitment = reader.bytes(), let auditCommitment = reader.bytes(),
        let auditReason = reader.boxKey(), let auditReasonCommitment = reader.bytes()
      else { return nil }
      return .genesis(
        DirectoryGenesis(
          admin: admin, recovery: recovery, recoverySigning: recoverySigning, statistics: statistics,
          statisticsCommitment: statisticsCommitment, auditCommitment: auditCommitment, auditReason: auditReason,
          auditReasonCommitment: auditReasonCommitment))
    case "anchor": return reader.snapshot().map { .anchor($0) }
    case "user.add": return reader.user().map { .userAdd($0) }
    case "user.keys":
      guard let id = reader.integer(), let box = reader.boxKey(), let signing = reader.signingKey() else { return nil }
      return .userKeys(userID: id, box: box, signing: signing)
    case "user.remove": return reader.integer().map { .userRemove(userID: $0) }
    case "team.add":
      guard let id = reader.integer(), let name = reader.text() else { return nil }
      return .teamAdd(teamID: id, name: name)
    case "member.add", "member.remove":
      guard let team = reader.integer(), let user = reader.integer() else { return nil }
      return kind == "member.add" ? .memberAdd(teamID: team, userID: user) : .memberRemove(teamID: team, userID: user)
    case "team.key":
      guard let team = reader.integer(), let version = reader.integer(), let commitment = reader.bytes(),
        let indexVersion = reader.integer()
      else { return nil }
      return .teamKey(
        TeamKeyVersion(
          teamID: team, version: version, commitment: commitment.isEmpty ? nil : commitment, indexVersion: indexVersion))
    case "break-glass-roles": return reader.roles().map { .breakGlassRoles($0) }
    case "recovery-signing":
      guard let key = reader.signingKey(), let proof = reader.bytes() else { return nil }
      return .recoverySigning(key, proof: proof)
    default: return nil
    }
  }
}

/// Reads the parts of an `AssociatedData` encoding in order, each as the type the format says.
struct PartReader {
  private var parts: ArraySlice<[UInt8]>
  init(_ parts: ArraySlice<[UInt8]>) { self.parts = parts }

  var isAtEnd: Bool { parts.isEmpty }

  mutating func bytes() -> [UInt8]? { parts.popFirst() }
  mutating func integer() -> Int64? { bytes().flatMap(AssociatedData.integer) }
  mutating func text() -> String? {
    guard let raw = bytes(), let text = String(validating: raw, as: UTF8.self) else { return nil }
    return text
  }
  mutating func boxKey() -> BoxPublicKey? { bytes().flatMap { try? BoxPublicKey(bytes: $0) } }
  mutating func signingKey() -> SigningPublicKey? { bytes().flatMap { try? SigningPublicKey(bytes: $0) } }
  mutating func roles() -> [Role]? {
    guard let text = text() else { return nil }
    if text.isEmpty { return [] }
    let roles = text.split(separator: ",").map { Role(rawValue: String($0)) }
    return roles.contains(nil) ? nil : roles.compactMap { $0 }
  }
  mutating func user() -> DirectoryUser? {
    guard let id = integer(), let name = text(), let role = text().flatMap(Role.init(rawValue:)), let box = boxKey(),
      let signing = signingKey()
    else { return nil }
    return DirectoryUser(id: id, name: name, role: role, box: box, signing: signing)
  }
  mutating func count() -> Int? {
    guard let value = integer(), (0...1_000_000).contains(value) else { return nil }
    return Int(value)
  }
  mutating func snapshot() -> DirectorySnapshot? {
    guard let userCount = count() else { return nil }
    var users: [DirectoryUser] = []
    for _ in 0..<userCount {
      guard let user = user() else { return nil }
      users.append(user)
    }
    guard let removedCount = count() else { return nil }
    var removed: [Int64] = []
    for _ in 0..<removedCount {
      guard let id = integer() else { return nil }
      removed.append(id)
    }
    guard let retiredCount = count() else { return nil }
    var retired: [(userID: Int64, key: SigningPublicKey)] = []
    for _ in 0..<retiredCount {
      guard let id = integer(), let key = signingKey() else { return nil }
      retired.append((id, key))
    }
    guard let teamCount = count() else { return nil }
    var teams: [DirectorySnapshot.Team] = []
    for _ in 0..<teamCount {
      guard let id = integer(), let name = text(), let version = integer(), let due = integer(), let memberCount = count()
      else { return nil }
      var members: [Int64] = []
      for _ in 0..<memberCount {
        guard let member = integer() else { return nil }
        members.append(member)
      }
      teams.append(.init(id: id, name: name, keyVersion: version, rotationDue: due == 1, members: members))
    }
    guard let roles = roles(), let recovery = boxKey(), let statistics = boxKey(), let commitment = bytes(),
      let auditReason = boxKey(), let auditReasonCommitment = bytes(), let auditSize = integer()
    else { return nil }
    return DirectorySnapshot(
      users: users, removedUserIDs: removed, retiredSigningKeys: retired, teams: teams, breakGlassRoles: roles,
      recovery: recovery, statistics: statistics, auditCommitment: commitment.isEmpty ? nil : commitment,
      auditReason: auditReason, auditReasonCommitment: auditReasonCommitment, auditSize: auditSize)
  }
}
