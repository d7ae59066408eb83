import Foundation
import HavenCrypto
import HavenVault

#if canImport(Glibc)
  import Glibc
#endif

/// A real vault laid out like the demo's partnership: two teams, four services, a worker of both
/// teams (`wendy`), a performance officer holding the statistics key (`rita`) and an auditor
/// (`audrey`). Argon2id `interactive` unless a benchmark asks for another level: unlock cost is
/// workload 7's subject, and every other figure is reported without it.
enum BenchmarkVault {
  static let passphrase = "benchmark passphrase, not a real one"
  static let teams = ["trauma-service", "stovewood"]
  static let services = ["trauma-service", "specialist-counselling", "isva-service", "family-support"]

  static func create(at path: String, kdf: KDFLevel = .interactive) throws {
    let created = try Vault.create(at: path, admin: "ada", passphrase: Passphrase(copying: passphrase), kdfLevel: kdf)
    let recoveryFile = path + ".recovery"
    let descriptor = open(recoveryFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    try created.recoveryKey.writeText(to: descriptor)
    close(descriptor)
    let admin = try created.vault.unlock(user: "ada", passphrase: Passphrase(copying: passphrase))
    for team in teams { try admin.addTeam(team) }
    for service in services { try admin.addService(service) }
    for (district, code) in [
      ("Barnsley", "E08000016"), ("Doncaster", "E08000017"), ("Rotherham", "E08000018"), ("Sheffield", "E08000019"),
      ("Leeds", "E08000035"),
    ] { try admin.addDistrict(district, code: code) }
    try admin.addUser("wendy", role: .worker, passphrase: Passphrase(copying: passphrase))
    try admin.addUser("rita", role: .reporting, passphrase: Passphrase(copying: passphrase))
    try admin.addUser("audrey", role: .auditor, passphrase: Passphrase(copying: passphrase))
    for team in teams { try admin.addMember(team: team, user: "wendy") }
    _ = try unlock(path, "wendy")  // the first member's unlock makes the team keys (key duties)
    let reader = open(recoveryFile, O_RDONLY)
    defer { close(reader) }
    try admin.deliverWithRecoveryKey(try RecoveryKey.read(fromFileDescriptor: reader))
  }

  static func unlock(_ path: String, _ user: String) throws -> VaultSession {
    try Vault.open(at: path).unlock(user: user, passphrase: Passphrase(copying: passphrase))
  }

  /// Imports `batches` as the worker, each file in one transaction, as `haven import` does.
  /// Returns the references of the survivors created.
  @discardableResult
  static func importAll(_ batches: [ImportBatch], into path: String) throws -> [SurvivorReference] {
    let worker = try unlock(path, "wendy")
    var references: [SurvivorReference] = []
    for batch in batches { references += try worker.importRecords(batch).references }
    return references
  }
}
