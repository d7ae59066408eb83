/// The role rules that code enforces before any key is even tried. They are the first of two
/// locks: the second is that a user without the right key cannot decrypt, whatever code they run.
enum AccessPolicy {
  enum Operation: String {
    case manageUsers = "manage users"
    case manageTeams = "manage teams"
    case useRecoveryKey = "use the recovery key"
    case handleCaseRecords = "handle case records"
    case readStatistics = "read statistical fields"
    case readAuditLog = "read the audit log"
    case eraseRecords = "erase records"
    case liftHolds = "lift legal holds"
    case manageBackups = "make and expire backups"
    case moveStore = "move the vault to another store"
  }

  static func allows(_ role: Role, _ operation: Operation) -> Bool {
    switch operation {
    case .manageUsers, .manageTeams, .useRecoveryKey: role == .admin
    case .handleCaseRecords: role == .worker || role == .admin
    case .readStatistics: role == .reporting
    case .readAuditLog: role == .auditor || role == .admin
    case .eraseRecords, .liftHolds, .manageBackups, .moveStore: role == .admin
    }
  }

  static func reason(_ role: Role, _ operation: Operation) -> String {
    switch operation {
    case .manageUsers, .manageTeams, .useRecoveryKey: "only an admin may \(operation.rawValue); you are \(role.rawValue)"
    case .handleCaseRecords: "only workers and admins who are team members may \(operation.rawValue); you are \(role.rawValue)"
    case .readStatistics: "only the reporting role may \(operation.rawValue); you are \(role.rawValue)"
    case .readAuditLog: "only auditors and admins may \(operation.rawValue); you are \(role.rawValue)"
    case .eraseRecords, .liftHolds, .manageBackups, .moveStore:
      "only an admin may \(operation.rawValue); you are \(role.rawValue)"
    }
  }
}
