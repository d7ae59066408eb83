import GRDB

/// Named, append-only schema migrations. A migration, once released, is never edited: later
/// changes add a new one. Migrations use SQL only, never app types, so they stay valid forever.
enum VaultMigrations {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-foundation") { db in
      try db.execute(
        sql: """
          CREATE TABLE vault_meta (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            vault_id BLOB NOT NULL CHECK (length(vault_id) = 16),
            format_version INTEGER NOT NULL,
            name TEXT NOT NULL,
            kdf_level TEXT NOT NULL,
            created_at TEXT NOT NULL,
            recovery_public_key BLOB NOT NULL,
            statistics_public_key BLOB NOT NULL
          );
          CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'worker', 'auditor', 'reporting')),
            box_public_key BLOB NOT NULL,
            signing_public_key BLOB NOT NULL,
            key_file_digest BLOB NOT NULL CHECK (length(key_file_digest) = 32),
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            removed_at TEXT
          );
          CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            current_key_version INTEGER NOT NULL DEFAULT 0,
            rotation_due INTEGER NOT NULL DEFAULT 0 CHECK (rotation_due IN (0, 1)),
            created_at TEXT NOT NULL
          );
          CREATE TABLE team_members (
            team_id INTEGER NOT NULL REFERENCES teams(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            added_at TEXT NOT NULL,
            added_by INTEGER NOT NULL REFERENCES users(id),
            PRIMARY KEY (team_id, user_id)
          );
          CREATE TABLE key_grants (
            id INTEGER PRIMARY KEY,
            key_kind TEXT NOT NULL CHECK (key_kind IN ('team', 'statistics', 'audit')),
            team_id INTEGER REFERENCES teams(id),
            key_version INTEGER NOT NULL,
            recipient_user_id INTEGER REFERENCES users(id),
            sealed_key BLOB NOT NULL,
            granted_by INTEGER REFERENCES users(id),
            granted_at TEXT NOT NULL
          );
          CREATE UNIQUE INDEX key_grants_unique
            ON key_grants(key_kind, ifnull(team_id, 0), key_version, ifnull(recipient_user_id, 0));
          CREATE TABLE audit_entries (
            seq INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            actor_user_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            target TEXT,
            outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
            detail TEXT
          );
          """)
    }
    return migrator
  }
}
