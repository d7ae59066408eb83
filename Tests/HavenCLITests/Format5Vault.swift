import Foundation
import HavenCrypto
import HavenStore

@testable import HavenVault

/// A vault as haven wrote it at format 5, before the signed directory, built in a temporary
/// directory at test time (no vault file is kept in the repository): made with today's code,
/// then taken back to format 5 the way that format stored it. The format-6 tables and columns go
/// (directory, districts, grant signatures, actor salts, erasure completion), audit leaves return
/// to their version-1 encoding, every checkpoint is signed again by its signer without the
/// directory line, grants are unsigned, and the migration record and format version say 5.
///
/// Users (passphrases in `NAME.pw`, 0600): ada (admin), wendy (worker, team north), rita
/// (reporting, keys reset: a retired signing key), audrey (auditor). Survivors: one with a
/// referral, and one whose name and district carry terminal escape sequences, as format 5
/// stored whatever was typed. Break-glass for workers. `recovery.txt` is its recovery key.
struct Format5Vault {
  static let escapedName = "Testperson \u{1B}[2J\u{1B}[HEscape"
  static let escapedDistrict = "North\u{1B}[31mtown"

  let root: URL
  let plain: String
  let escaped: String
  var vault: String { root.appendingPathComponent("vault").path }
  func passphraseFile(_ user: String) -> String { root.appendingPathComponent("\(user).pw").path }

  static func passphrase(_ user: String) -> String { "\(user) passphrase fixture" }

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("haven-format5-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    for user in ["ada", "wendy", "rita", "audrey"] {
      try CLIFixture.writePrivate(Self.passphrase(user) + "\n", to: root.appendingPathComponent("\(user).pw").path)
    }
    let path = root.appendingPathComponent("vault").path
    let created = try Vault.create(
      at: path, admin: "ada", passphrase: Passphrase(copying: Self.passphrase("ada")), kdfLevel: .interactive,
      name: "Format 5 fixture")
    let recovery = open(root.appendingPathComponent("recovery.txt").path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    try created.recoveryKey.writeText(to: recovery)
    close(recovery)
    func unlock(_ user: String) throws -> VaultSession {
      try Vault.open(at: path).unlock(user: user, passphrase: Passphrase(copying: Self.passphrase(user)))
    }
    let ada = try unlock("ada")
    for (user, role) in [("wendy", Role.worker), ("rita", .reporting), ("audrey", .auditor)] {
      try ada.addUser(user, role: role, passphrase: Passphrase(copying: Self.passphrase(user)))
    }
    try ada.addTeam("north")
    try ada.addMember(team: "north", user: "wendy")
    try ada.addService("trauma-service")
    try ada.setBreakGlassRoles([.worker])
    try ada.resetUserKeys("rita", passphrase: Passphrase(copying: Self.passphrase("rita")))
    let wendy = try unlock("wendy")
    let plainReference = try wendy.addSurvivor(
      team: "north", details: SurvivorDetails(name: "Testperson Fixture", dateOfBirth: try CalendarDate(parsing: "2007-08-19")))
    _ = try wendy.addReferral(
      plainReference,
      NewReferral(
        date: try CalendarDate(parsing: "2025-04-02"), referrerType: .school, pathway: .postCSE, service: "trauma-service"))
    // Format 5 stored whatever was typed: written below today's input checks.
    let escapedReference = try wendy.transaction { db in
      let team = try TeamRecord.named("north", db)!
      let details = SurvivorDetails(name: Self.escapedName, district: Self.escapedDistrict)
      return try wendy.insertSurvivor(db, team: team, details: details, year: CalendarDate.today().year).1
    }
    plain = plainReference.description
    escaped = escapedReference.description
    let signers = [ada, wendy].reduce(into: [Int64: VaultSession]()) { $0[$1.user.id] = $1 }
    try Self.takeBackToFormat5(path: path, metadata: ada.metadata, signers: signers)
  }

  private static func takeBackToFormat5(path: String, metadata: VaultMetadata, signers: [Int64: VaultSession]) throws {
    let database = try SQLiteQueue(path: path + "/vault.sqlite", busyTimeoutSeconds: 5)
    try database.write { db in
      let leaves = try StoreRow.fetchAll(db, sql: "SELECT * FROM audit_entries ORDER BY seq").map { row in
        let entry = AuditEntry(row: row)
        return AuditEntry(
          seq: entry.seq, recordedAt: entry.recordedAt, actorUserID: entry.actorUserID, action: entry.action,
          target: entry.target, subject: entry.subject, outcome: entry.outcome, detail: entry.detail, reason: entry.reason,
          breakGlass: entry.breakGlass
        ).leafHash
      }
      for (index, leaf) in leaves.enumerated() {
        try db.execute(sql: "UPDATE audit_entries SET leaf_hash = ? WHERE seq = ?", arguments: [Data(leaf), index + 1])
      }
      for row in try StoreRow.fetchAll(db, sql: "SELECT tree_size, signer_user_id, created_at FROM audit_checkpoints") {
        let size: Int = row["tree_size"]
        let signerID: Int64 = row["signer_user_id"]
        guard let signer = signers[signerID] else { throw VaultError.storageFailure("no key for checkpoint signer \(signerID)") }
        let treeRoot = MerkleTree.root(leaves[..<size])
        let checkpoint = Checkpoint(
          origin: AuditLog.origin(metadata), size: size, root: treeRoot, extensions: ["time \(row["created_at"] as String)"])
        let note = try SignedNote.sign(
          text: checkpoint.text, name: AuditLog.keyName(metadata, user: signer.user.name), with: signer.keys.signing)
        try db.execute(
          sql: "UPDATE audit_checkpoints SET root_hash = ?, note = ? WHERE tree_size = ?",
          arguments: [Data(treeRoot), note.encoded, size])
      }
      for trigger in try String.fetchAll(
        db,
        sql:
          "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'caseload_%' OR name LIKE 'survivor_activity_%')")
      {
        try db.execute(sql: "DROP TRIGGER \(trigger)")
      }
      try db.execute(
        sql: """
          DROP INDEX audit_entries_time; DELETE FROM grdb_migrations WHERE identifier = 'v14-audit-time-index';
          DROP TABLE survivor_activity; DELETE FROM grdb_migrations WHERE identifier = 'v13-survivor-activity';
          DROP TABLE audit_subtrees; DELETE FROM grdb_migrations WHERE identifier = 'v12-audit-subtrees';
          DROP TRIGGER statistics_key_wrap_stale; DROP TABLE statistics_key_wraps;
          DELETE FROM grdb_migrations WHERE identifier = 'v11-statistics-key-wraps';
          DROP TABLE import_runs; DROP TABLE vocabulary_aliases;
          DELETE FROM grdb_migrations WHERE identifier = 'v10-import-runs';
          DROP TABLE caseload_buckets; DROP TABLE caseload_entries;
          ALTER TABLE services DROP COLUMN triage_target_days; ALTER TABLE services DROP COLUMN allocation_target_days;
          DELETE FROM grdb_migrations WHERE identifier = 'v9-caseload';
          DELETE FROM audit_frontier; DELETE FROM audit_tree_state;
          ALTER TABLE audit_entries DROP COLUMN actor_salt;
          DELETE FROM key_grants WHERE key_kind = 'audit-reason';
          ALTER TABLE key_grants DROP COLUMN granter_signature;
          ALTER TABLE key_grants DROP COLUMN directory_length;
          ALTER TABLE erasures DROP COLUMN completed_at;
          DROP TABLE directory_entries; DROP TABLE districts;
          DELETE FROM grdb_migrations WHERE identifier = 'v6-signed-directory';
          ALTER TABLE support_sessions DROP COLUMN referral; ALTER TABLE outcome_assessments DROP COLUMN referral;
          ALTER TABLE referrals DROP COLUMN external_id;
          ALTER TABLE services DROP COLUMN display_name; ALTER TABLE partner_agencies DROP COLUMN display_name;
          DELETE FROM grdb_migrations WHERE identifier = 'v7-episodes';
          DROP TABLE report_releases; DROP INDEX audit_entries_action;
          DELETE FROM grdb_migrations WHERE identifier = 'v8-release-ledger';
          UPDATE vault_meta SET format_version = 5;
          """)
    }
    try database.writeWithoutTransaction { db in _ = try StoreRow.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
  }

  func remove() { try? FileManager.default.removeItem(at: root) }
}
