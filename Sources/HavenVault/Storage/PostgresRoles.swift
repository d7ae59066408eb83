import HavenStore

/// The database roles of a server vault (docs/server-store.md): the owner, who created the schema
/// and alone may change it, and the application role every workstation's Haven connects as, which
/// may read and write records but only append to the evidence (the audit log, its checkpoints,
/// the signed directory), and may not create, alter or drop anything.
enum PostgresRoles {
  /// Grants `role` what a workstation needs, run by the owner in the schema's transaction. The
  /// role name is an identifier checked against a closed pattern, then quoted: it is never a value
  /// that could be bound.
  static func grantApplication(_ role: String, _ db: StoreDatabase) throws {
    guard Self.isPlainIdentifier(role) else {
      throw VaultError.invalidArgument("'\(role)' is not a plain PostgreSQL role name (lowercase letters, digits, _)")
    }
    let quoted = "\"\(role)\""
    let evidence = PostgresMigrations.appendOnlyTables.joined(separator: ", ")
    try db.execute(
      sql: """
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
        GRANT USAGE ON SCHEMA public TO \(quoted);
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(quoted);
        REVOKE INSERT, UPDATE, DELETE ON haven_migrations FROM \(quoted);
        REVOKE UPDATE, DELETE ON vault_meta FROM \(quoted);
        REVOKE UPDATE, DELETE, TRUNCATE ON \(evidence) FROM \(quoted);
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \(quoted);
        """)
  }

  static func isPlainIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || first == "_", name.count <= 63 else {
      return false
    }
    return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
  }
}
