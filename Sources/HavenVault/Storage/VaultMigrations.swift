import HavenStore

/// Named, append-only schema migrations. A migration, once released, is never edited: later
/// changes add a new one. Migrations use SQL only, never app types, so they stay valid forever.
enum VaultMigrations {
  static let migrations: [StoreMigration] = {
    var migrations: [StoreMigration] = []
    migrations.append(
      StoreMigration("v1-foundation") { db in
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
              ON key_grants(key_kind, coalesce(team_id, 0), key_version, coalesce(recipient_user_id, 0));
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
      })
    migrations.append(
      StoreMigration("v2-case-records") { db in
        // Every BLOB column below marked T or S holds a field envelope (docs/FORMAT.md); the comment
        // after it says whether it is a team field (T) or a statistical field (S).
        try db.execute(
          sql: """
            CREATE TABLE services (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              description TEXT,
              created_at TEXT NOT NULL
            );
            CREATE TABLE reference_counters (
              year INTEGER PRIMARY KEY,
              last_number INTEGER NOT NULL
            );
            CREATE TABLE survivors (
              id INTEGER PRIMARY KEY,
              team_id INTEGER NOT NULL REFERENCES teams(id),
              team_key_version INTEGER NOT NULL,
              wrapped_record_key BLOB NOT NULL,
              key_version INTEGER NOT NULL,
              statistics_ephemeral_key BLOB NOT NULL,
              wrapped_statistics_key BLOB NOT NULL,
              reference BLOB NOT NULL,   -- T
              name BLOB NOT NULL,        -- T
              aliases BLOB,              -- T (JSON array)
              date_of_birth BLOB,        -- T
              address BLOB,              -- T
              postcode BLOB,             -- T
              phone BLOB,                -- T
              email BLOB,                -- T
              nhs_number BLOB,           -- T
              health_notes BLOB,         -- T
              notes BLOB,                -- T
              external_id BLOB,          -- T
              safe_contact BLOB,         -- T (JSON)
              gender BLOB,               -- S
              district BLOB,             -- S
              cohort BLOB,               -- S
              created_at TEXT NOT NULL,
              updated_at TEXT NOT NULL
            );
            CREATE INDEX survivors_team ON survivors(team_id);
            CREATE TABLE survivor_index (
              survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
              team_id INTEGER NOT NULL REFERENCES teams(id),
              kind TEXT NOT NULL,
              value BLOB NOT NULL
            );
            CREATE INDEX survivor_index_lookup ON survivor_index(kind, value);
            CREATE INDEX survivor_index_survivor ON survivor_index(survivor_id);
            CREATE TABLE referrals (
              id INTEGER PRIMARY KEY,
              survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
              referral_date BLOB NOT NULL,  -- S
              referrer_type BLOB NOT NULL,  -- S
              referrer_role BLOB,           -- T
              pathway BLOB NOT NULL,        -- S
              service BLOB NOT NULL,        -- S
              age_band BLOB NOT NULL,       -- S
              created_at TEXT NOT NULL
            );
            CREATE INDEX referrals_survivor ON referrals(survivor_id);
            CREATE TABLE referral_events (
              id INTEGER PRIMARY KEY,
              referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
              sequence INTEGER NOT NULL,
              status BLOB NOT NULL,         -- S
              event_date BLOB NOT NULL,     -- S
              service BLOB,                 -- S
              reason BLOB,                  -- S
              recorded_by BLOB NOT NULL,    -- T
              created_at TEXT NOT NULL,
              UNIQUE (referral_id, sequence)
            );
            CREATE TABLE support_sessions (
              id INTEGER PRIMARY KEY,
              survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
              session_date BLOB NOT NULL,   -- S
              minutes BLOB NOT NULL,        -- S
              kind BLOB NOT NULL,           -- S
              attendance BLOB NOT NULL,     -- S
              worker BLOB NOT NULL,         -- T
              notes BLOB,                   -- T
              created_at TEXT NOT NULL
            );
            CREATE INDEX support_sessions_survivor ON support_sessions(survivor_id);
            CREATE TABLE outcome_assessments (
              id INTEGER PRIMARY KEY,
              survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
              stage BLOB NOT NULL,          -- S
              assessed_on BLOB NOT NULL,    -- S
              wellbeing BLOB NOT NULL,      -- S
              self BLOB NOT NULL,           -- S
              trauma BLOB NOT NULL,         -- S
              relationships BLOB NOT NULL,  -- S
              recorded_by BLOB NOT NULL,    -- T
              created_at TEXT NOT NULL
            );
            CREATE INDEX outcome_assessments_survivor ON outcome_assessments(survivor_id);
            CREATE TABLE related_people (
              id INTEGER PRIMARY KEY,
              survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
              relationship BLOB NOT NULL,   -- T
              name BLOB NOT NULL,           -- T
              phone BLOB,                   -- T
              email BLOB,                   -- T
              address BLOB,                 -- T
              notes BLOB,                   -- T
              created_at TEXT NOT NULL
            );
            CREATE INDEX related_people_survivor ON related_people(survivor_id);
            UPDATE vault_meta SET format_version = 2;
            """)
      })
    migrations.append(
      StoreMigration("v3-audit-log") { db in
        // The audit log becomes an RFC 6962 Merkle tree with signed checkpoints (docs/FORMAT.md).
        // Entries written before this migration become leaves when the next writer rebuilds the tree.
        try db.execute(
          sql: """
            ALTER TABLE audit_entries ADD COLUMN subject TEXT;
            ALTER TABLE audit_entries ADD COLUMN reason BLOB;
            ALTER TABLE audit_entries ADD COLUMN break_glass INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE audit_entries ADD COLUMN leaf_hash BLOB;
            CREATE INDEX audit_entries_subject ON audit_entries(subject);
            CREATE TABLE audit_checkpoints (
              tree_size INTEGER PRIMARY KEY,
              root_hash BLOB NOT NULL,
              note TEXT NOT NULL,
              signer_user_id INTEGER NOT NULL REFERENCES users(id),
              created_at TEXT NOT NULL
            );
            CREATE TABLE audit_frontier (
              position INTEGER PRIMARY KEY,
              height INTEGER NOT NULL,
              hash BLOB NOT NULL
            );
            CREATE TABLE audit_tree_state (
              singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
              size INTEGER NOT NULL
            );
            CREATE TABLE retired_signing_keys (
              user_id INTEGER NOT NULL REFERENCES users(id),
              signing_public_key BLOB NOT NULL,
              retired_at TEXT NOT NULL
            );
            CREATE TABLE vault_settings (
              name TEXT PRIMARY KEY,
              value TEXT NOT NULL
            );
            UPDATE vault_meta SET format_version = 3;
            """)
      })
    migrations.append(
      StoreMigration("v4-consent-retention") { db in
        try db.execute(
          sql: """
            CREATE TABLE partner_agencies (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              created_at TEXT NOT NULL
            );
            CREATE TABLE consent_events (
              id INTEGER PRIMARY KEY,
              survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
              purpose BLOB NOT NULL,       -- S
              decision BLOB NOT NULL,      -- S
              decided_on BLOB NOT NULL,    -- S
              method BLOB NOT NULL,        -- S
              expires BLOB,                -- S
              recorded_by BLOB NOT NULL,   -- T
              created_at TEXT NOT NULL
            );
            CREATE INDEX consent_events_survivor ON consent_events(survivor_id);
            CREATE TABLE legal_holds (
              id INTEGER PRIMARY KEY,
              survivor_id INTEGER NOT NULL,
              referral_id INTEGER,
              reason BLOB NOT NULL,
              placed_by INTEGER NOT NULL REFERENCES users(id),
              placed_at TEXT NOT NULL,
              lifted_by INTEGER REFERENCES users(id),
              lifted_at TEXT
            );
            CREATE INDEX legal_holds_survivor ON legal_holds(survivor_id);
            CREATE TABLE erasures (
              survivor_id INTEGER PRIMARY KEY,
              erased_at TEXT NOT NULL,
              erased_by INTEGER NOT NULL REFERENCES users(id),
              reason BLOB NOT NULL
            );
            UPDATE vault_meta SET format_version = 4;
            """)
      })
    migrations.append(
      StoreMigration("v5-backups") { db in
        // Backup generations: metadata only. Each generation's key lives outside the vault, in the
        // backup keyring, sealed to the recovery key; destroying it expires the generation.
        try db.execute(
          sql: """
            CREATE TABLE backup_generations (
              id BLOB PRIMARY KEY CHECK (length(id) = 16),
              created_at TEXT NOT NULL,
              created_by INTEGER NOT NULL REFERENCES users(id),
              file_sha256 TEXT NOT NULL,
              destroyed_at TEXT,
              destroyed_by INTEGER REFERENCES users(id)
            );
            -- Record ids are never reused, even after an erasure deletes the newest rows: audit
            -- entries and export pseudonyms name records by id.
            CREATE TABLE id_counters (
              name TEXT PRIMARY KEY,
              last_id INTEGER NOT NULL
            );
            INSERT INTO id_counters (name, last_id) SELECT 'survivors',
              max(coalesce((SELECT max(id) FROM survivors), 0), coalesce((SELECT max(survivor_id) FROM erasures), 0));
            UPDATE vault_meta SET format_version = 5;
            """)
      })
    migrations.append(
      StoreMigration("v6-signed-directory") { db in
        // The directory chain (docs/FORMAT.md section 17): who may hold which key, as signed
        // entries. Grants gain their granter's signature, and a kind for the audit reason key
        // (rebuilt: SQLite cannot change a CHECK constraint in place). A vault upgraded from
        // format 5 has no entries until an admin's first unlock writes the anchor.
        try db.execute(
          sql: """
            CREATE TABLE directory_entries (
              seq INTEGER PRIMARY KEY,
              body BLOB NOT NULL,
              signature BLOB NOT NULL CHECK (length(signature) = 64),
              recorded_at TEXT NOT NULL
            );
            CREATE TABLE key_grants_v6 (
              id INTEGER PRIMARY KEY,
              key_kind TEXT NOT NULL CHECK (key_kind IN ('team', 'statistics', 'audit', 'audit-reason')),
              team_id INTEGER REFERENCES teams(id),
              key_version INTEGER NOT NULL,
              recipient_user_id INTEGER REFERENCES users(id),
              sealed_key BLOB NOT NULL,
              granted_by INTEGER REFERENCES users(id),
              granted_at TEXT NOT NULL,
              directory_length INTEGER,
              granter_signature BLOB
            );
            INSERT INTO key_grants_v6 (id, key_kind, team_id, key_version, recipient_user_id, sealed_key, granted_by, granted_at)
              SELECT id, key_kind, team_id, key_version, recipient_user_id, sealed_key, granted_by, granted_at FROM key_grants;
            DROP TABLE key_grants;
            ALTER TABLE key_grants_v6 RENAME TO key_grants;
            CREATE UNIQUE INDEX key_grants_unique
              ON key_grants(key_kind, coalesce(team_id, 0), key_version, coalesce(recipient_user_id, 0));
            ALTER TABLE audit_entries ADD COLUMN actor_salt BLOB;
            -- An erasure is complete once no page of the erased rows remains in the WAL; until then
            -- completed_at is NULL and the next command's checkpoint completes it.
            ALTER TABLE erasures ADD COLUMN completed_at TEXT;
            UPDATE erasures SET completed_at = erased_at;
            -- District is a statistical field, so its values come from a closed list an admin keeps
            -- (local-authority names, with ONS codes), never free text (docs/records.md).
            CREATE TABLE districts (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE COLLATE NOCASE,
              code TEXT UNIQUE COLLATE NOCASE,
              created_at TEXT NOT NULL
            );
            UPDATE vault_meta SET format_version = 6;
            """)
      })
    migrations.append(
      StoreMigration("v7-episodes") { db in
        // A session or an outcome assessment may name the referral (episode of support) it
        // belongs to, so reports can count per referral as councils do (a statistics field: the
        // referral's id as text); a referral may carry the service's own id for it (a team field);
        // services and agencies gain the name a report prints for them. Column marks are comments
        // CaseFileRekey reads (`/* S */` where ALTER TABLE puts the column on the closing line).
        try db.execute(
          sql: """
            ALTER TABLE support_sessions ADD COLUMN referral BLOB /* S */;
            ALTER TABLE outcome_assessments ADD COLUMN referral BLOB /* S */;
            ALTER TABLE referrals ADD COLUMN external_id BLOB /* T */;
            ALTER TABLE services ADD COLUMN display_name TEXT;
            ALTER TABLE partner_agencies ADD COLUMN display_name TEXT;
            UPDATE vault_meta SET format_version = 7;
            """)
      })
    migrations.append(
      StoreMigration("v8-release-ledger") { db in
        // Every released commissioner's report, so a second, different release of the same period
        // is refused unless it is an explicit revision (docs/export.md, "Release ledger"). Each row
        // names the audit entry written in the same transaction, which carries the same facts; the
        // index on action lets a reader count those entries and so notice a deleted row.
        try db.execute(
          sql: """
            CREATE TABLE report_releases (
              id INTEGER PRIMARY KEY,
              period_from TEXT NOT NULL,
              period_to TEXT NOT NULL,
              revision INTEGER NOT NULL,
              figures_sha256 TEXT NOT NULL,
              audit_seq INTEGER NOT NULL UNIQUE
            );
            CREATE INDEX report_releases_period ON report_releases(period_from, period_to);
            CREATE INDEX audit_entries_action ON audit_entries(action);
            UPDATE vault_meta SET format_version = 8;
            """)
      })
    migrations.append(
      StoreMigration("v9-caseload") { db in
        // The caseload index (docs/FORMAT.md, "Caseload index"): one sealed entry per survivor
        // under a key derived from the team key. The triggers delete a survivor's entry in the
        // same transaction as any change to their case, so an entry is never stale, only missing;
        // the next caseload read rebuilds it. Buckets seal 64 entries together (a caseload opens
        // one envelope per 64 cases); a bucket is deleted whenever one of its entries is written
        // or deleted, and sealed again from its entries. Clustered by team, so a team's caseload
        // is read from contiguous pages. Services gain their waiting-time targets.
        var sql = """
          CREATE TABLE caseload_entries (
            team_id INTEGER NOT NULL REFERENCES teams(id),
            survivor_id INTEGER NOT NULL REFERENCES survivors(id) ON DELETE CASCADE,
            team_key_version INTEGER NOT NULL,
            facts BLOB NOT NULL,
            PRIMARY KEY (team_id, survivor_id)
          ) WITHOUT ROWID;
          CREATE UNIQUE INDEX caseload_entries_survivor ON caseload_entries(survivor_id);
          CREATE TABLE caseload_buckets (
            team_id INTEGER NOT NULL REFERENCES teams(id),
            bucket INTEGER NOT NULL,
            team_key_version INTEGER NOT NULL,
            entries INTEGER NOT NULL,
            facts BLOB NOT NULL,
            PRIMARY KEY (team_id, bucket)
          ) WITHOUT ROWID;
          CREATE TRIGGER caseload_bucket_stale_insert AFTER INSERT ON caseload_entries BEGIN
            DELETE FROM caseload_buckets WHERE team_id = NEW.team_id AND bucket = NEW.survivor_id / 64;
          END;
          CREATE TRIGGER caseload_bucket_stale_update AFTER UPDATE ON caseload_entries BEGIN
            DELETE FROM caseload_buckets WHERE team_id = OLD.team_id AND bucket = OLD.survivor_id / 64;
            DELETE FROM caseload_buckets WHERE team_id = NEW.team_id AND bucket = NEW.survivor_id / 64;
          END;
          CREATE TRIGGER caseload_bucket_stale_delete AFTER DELETE ON caseload_entries BEGIN
            DELETE FROM caseload_buckets WHERE team_id = OLD.team_id AND bucket = OLD.survivor_id / 64;
          END;
          ALTER TABLE services ADD COLUMN triage_target_days INTEGER;
          ALTER TABLE services ADD COLUMN allocation_target_days INTEGER;
          CREATE TRIGGER caseload_stale_survivor_update AFTER UPDATE ON survivors BEGIN
            DELETE FROM caseload_entries WHERE survivor_id IN (OLD.id, NEW.id);
          END;
          CREATE TRIGGER caseload_stale_survivor_delete AFTER DELETE ON survivors BEGIN
            DELETE FROM caseload_entries WHERE survivor_id = OLD.id;
            DELETE FROM caseload_buckets WHERE team_id = OLD.team_id AND bucket = OLD.id / 64;
          END;

          """
        for table in ["referrals", "support_sessions", "outcome_assessments", "consent_events"] {
          sql += """
            CREATE TRIGGER caseload_stale_\(table)_insert AFTER INSERT ON \(table) BEGIN
              DELETE FROM caseload_entries WHERE survivor_id = NEW.survivor_id;
            END;
            CREATE TRIGGER caseload_stale_\(table)_update AFTER UPDATE ON \(table) BEGIN
              DELETE FROM caseload_entries WHERE survivor_id IN (OLD.survivor_id, NEW.survivor_id);
            END;
            CREATE TRIGGER caseload_stale_\(table)_delete AFTER DELETE ON \(table) BEGIN
              DELETE FROM caseload_entries WHERE survivor_id = OLD.survivor_id;
            END;

            """
        }
        for (event, rows) in [
          ("insert", "NEW.referral_id"), ("update", "OLD.referral_id, NEW.referral_id"), ("delete", "OLD.referral_id"),
        ] {
          sql += """
            CREATE TRIGGER caseload_stale_referral_events_\(event) AFTER \(event.uppercased()) ON referral_events BEGIN
              DELETE FROM caseload_entries WHERE survivor_id IN (SELECT survivor_id FROM referrals WHERE id IN (\(rows)));
            END;

            """
        }
        sql += "UPDATE vault_meta SET format_version = 9;"
        try db.execute(sql: sql)
      })
    migrations.append(
      StoreMigration("v10-import-runs") { db in
        // Every import, so a second import of the same file is recognised (docs/import.md), and
        // the spellings an admin has taught the vault's closed lists (docs/records.md).
        try db.execute(
          sql: """
            CREATE TABLE import_runs (
              id INTEGER PRIMARY KEY,
              kind TEXT NOT NULL,
              file_sha256 TEXT NOT NULL,
              imported_by INTEGER NOT NULL REFERENCES users(id),
              imported_at TEXT NOT NULL,
              created INTEGER NOT NULL,
              updated INTEGER NOT NULL,
              unchanged INTEGER NOT NULL
            );
            CREATE INDEX import_runs_file ON import_runs(file_sha256);
            CREATE TABLE vocabulary_aliases (
              list TEXT NOT NULL,
              alias TEXT NOT NULL,
              term TEXT NOT NULL,
              added_by INTEGER NOT NULL REFERENCES users(id),
              added_at TEXT NOT NULL,
              PRIMARY KEY (list, alias)
            );
            UPDATE vault_meta SET format_version = 10;
            """)
      })
    migrations.append(
      StoreMigration("v11-statistics-key-wraps") { db in
        // Each survivor's statistics key wrapped a second time under a key derived from the
        // statistics secret (docs/FORMAT.md, "Statistics key wraps"), written by the first report
        // that agreed it: later reports open one small envelope per survivor instead of an X25519
        // agreement. A wrap goes with its survivor, and whenever their statistics key changes.
        try db.execute(
          sql: """
            CREATE TABLE statistics_key_wraps (
              survivor_id INTEGER PRIMARY KEY REFERENCES survivors(id) ON DELETE CASCADE,
              wrapped BLOB NOT NULL
            );
            CREATE TRIGGER statistics_key_wrap_stale AFTER UPDATE OF key_version, statistics_ephemeral_key ON survivors
            BEGIN
              DELETE FROM statistics_key_wraps WHERE survivor_id IN (OLD.id, NEW.id);
            END;
            UPDATE vault_meta SET format_version = 11;
            """)
      })
    migrations.append(
      StoreMigration("v12-audit-subtrees") { db in
        // The audit tree's perfect subtrees of 1,024 leaves (docs/FORMAT.md, "Stored subtrees"),
        // stored by writers as they complete, so an inclusion proof reads about n/1,024 hashes
        // instead of every leaf. Filled here from the stored leaf hashes of the log so far.
        try db.execute(
          sql: """
            CREATE TABLE audit_subtrees (
              block INTEGER PRIMARY KEY,
              hash BLOB NOT NULL
            );
            """)
        try AuditSubtrees.backfill(db)
        try db.execute(sql: "UPDATE vault_meta SET format_version = 12")
      })
    migrations.append(
      StoreMigration("v13-survivor-activity") { db in
        // Each survivor's last activity (the latest of their row's update and their records'
        // creation: plaintext timestamps the vault already holds), kept by triggers in the same
        // statement as the write, so `retention due` reads an index range instead of every
        // survivor's records (docs/FORMAT.md, "Survivor activity").
        var sql = """
          CREATE TABLE survivor_activity (
            survivor_id INTEGER PRIMARY KEY REFERENCES survivors(id) ON DELETE CASCADE,
            last_activity TEXT NOT NULL
          );
          CREATE INDEX survivor_activity_last ON survivor_activity(last_activity);
          CREATE TRIGGER survivor_activity_insert AFTER INSERT ON survivors BEGIN
            \(SurvivorActivity.touch(survivor: "NEW.id", at: "NEW.updated_at"))
          END;
          CREATE TRIGGER survivor_activity_update AFTER UPDATE OF updated_at ON survivors BEGIN
            \(SurvivorActivity.touch(survivor: "NEW.id", at: "NEW.updated_at"))
          END;
          CREATE TRIGGER survivor_activity_referral_events AFTER INSERT ON referral_events BEGIN
            \(SurvivorActivity.touch(survivor: "(SELECT survivor_id FROM referrals WHERE id = NEW.referral_id)", at: "NEW.created_at"))
          END;

          """
        for table in SurvivorActivity.childTables {
          sql += """
            CREATE TRIGGER survivor_activity_\(table) AFTER INSERT ON \(table) BEGIN
              \(SurvivorActivity.touch(survivor: "NEW.survivor_id", at: "NEW.created_at"))
            END;

            """
        }
        try db.execute(sql: sql)
        try SurvivorActivity.backfill(db)
        try db.execute(sql: "UPDATE vault_meta SET format_version = 13")
      })
    migrations.append(
      StoreMigration("v14-audit-time-index") { db in
        // The auditor's report and `audit log --since/--until` read one period of the log: an
        // index on the entry's time reads that period instead of every entry. Entries are appended
        // in time order, so the index grows at its right edge.
        try db.execute(
          sql: """
            CREATE INDEX audit_entries_time ON audit_entries(recorded_at);
            UPDATE vault_meta SET format_version = 14;
            """)
      })
    return migrations
  }()
}
