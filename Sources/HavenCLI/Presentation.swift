import HavenVault

/// JSON views of what commands print. Field names are part of the CLI's documented interface.
struct UserView: Encodable {
  let name: String
  let role: String
  let createdAt: String
  init(_ user: UserRecord) {
    name = user.name
    role = user.role.rawValue
    createdAt = user.createdAt
  }
}

struct TeamView: Encodable {
  let name: String
  let keyVersion: Int64
  let rotationDue: Bool
  let members: [String]
  let heldByYou: Bool
  init(_ team: TeamSummary) {
    name = team.name
    keyVersion = team.currentKeyVersion
    rotationDue = team.rotationDue
    members = team.members
    heldByYou = team.heldByYou
  }
}

struct StatusView: Encodable {
  let vault: String
  let vaultID: String
  let formatVersion: Int
  let kdf: String
  let createdAt: String
  let you: String
  let yourRole: String
  let users: [UserView]
  let teams: [TeamView]
  let counts: [String: Int]
  let root: String?
  /// Why erasures are pending, when some are: "reader-holds-older-snapshot" (embedded; the next
  /// command completes them) or "server-keeps-old-row-versions" (`store complete-erasures`).
  let pendingErasureReason: String?
  init(_ status: VaultStatus) {
    vault = status.name
    vaultID = status.vaultID
    root = status.root
    formatVersion = status.formatVersion
    kdf = status.kdfLevel.rawValue
    createdAt = status.createdAt
    you = status.you
    yourRole = status.yourRole.rawValue
    users = status.users.map(UserView.init)
    teams = status.teams.map(TeamView.init)
    counts = [
      "users": status.users.count, "teams": status.teams.count, "auditEntries": status.auditEntryCount,
      "pendingErasures": status.pendingErasures,
    ]
    pendingErasureReason = status.pendingErasureReason?.rawValue
  }
}

/// The result of a command that changes something.
struct DoneView: Encodable {
  let ok = true
  let action: String
  let detail: String
}

enum Presenter {
  static func done(_ options: GlobalOptions, action: String, _ message: String) {
    if options.json { Console.json(DoneView(action: action, detail: message)) } else { Console.out(message) }
  }

  static func table(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }
}
