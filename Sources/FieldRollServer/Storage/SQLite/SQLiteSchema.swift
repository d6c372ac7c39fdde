import GRDB

/// The server's SQLite schema, as versioned migrations. A migration never changes once
/// released; a new one is added instead.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE server_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE devices (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        code_hash TEXT UNIQUE,
                        code_expires_at INTEGER,
                        public_key TEXT,
                        token_hash TEXT UNIQUE,
                        created_at INTEGER NOT NULL,
                        redeemed_at INTEGER,
                        revoked_at INTEGER,
                        last_seen_at INTEGER
                    );
                    CREATE TABLE records (
                        entity TEXT NOT NULL,
                        id TEXT NOT NULL,
                        region TEXT NOT NULL,
                        content TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        PRIMARY KEY (entity, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX records_region ON records(entity, region);
                    CREATE TABLE changes (
                        position INTEGER PRIMARY KEY AUTOINCREMENT,
                        change_id TEXT NOT NULL UNIQUE,
                        change_set_id TEXT NOT NULL,
                        origin TEXT NOT NULL,
                        region TEXT NOT NULL,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX changes_region ON changes(region, position);
                    CREATE TABLE change_results (
                        change_id TEXT PRIMARY KEY,
                        device TEXT NOT NULL,
                        status TEXT NOT NULL,
                        code TEXT,
                        detail TEXT
                    ) WITHOUT ROWID;
                    CREATE TABLE conflicts (
                        id TEXT PRIMARY KEY,
                        entity TEXT NOT NULL,
                        record TEXT NOT NULL,
                        region TEXT NOT NULL,
                        field TEXT NOT NULL,
                        winner TEXT NOT NULL,
                        loser TEXT NOT NULL,
                        change_id TEXT NOT NULL,
                        detected_at INTEGER NOT NULL,
                        resolved_at INTEGER,
                        resolved_by TEXT,
                        resolution TEXT
                    );
                    CREATE INDEX conflicts_open ON conflicts(resolved_at, region);
                    CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, uploader TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE blob_refs (sha256 TEXT NOT NULL, region TEXT NOT NULL, PRIMARY KEY (sha256, region)) WITHOUT ROWID;
                    CREATE TABLE audit_log (
                        seq INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        previous_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        m.registerMigration("v2-sync-head") { db in
            // One row that every write transaction reads and rewrites: the commit log's last
            // position, the restore generation, the server clock and the audit chain's head.
            try db.execute(
                sql: """
                    CREATE TABLE sync_head (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        position INTEGER NOT NULL,
                        generation INTEGER NOT NULL,
                        clock TEXT,
                        audit_seq INTEGER NOT NULL,
                        audit_hash TEXT NOT NULL
                    );
                    INSERT INTO sync_head (id, position, generation, clock, audit_seq, audit_hash) VALUES (
                        1,
                        COALESCE((SELECT MAX(position) FROM changes), 0),
                        0,
                        (SELECT value FROM server_state WHERE key = 'clock'),
                        COALESCE((SELECT MAX(seq) FROM audit_log), 0),
                        COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '\(String(repeating: "0", count: 64))')
                    );
                    DELETE FROM server_state WHERE key IN ('clock', 'audit_head');
                    """)
        }
        m.registerMigration("v3-crosscheck-flags") { db in
            // Cross-check flags: whole flags as JSON, with the columns lists are filtered on.
            try db.execute(
                sql: """
                    CREATE TABLE crosscheck_flags (
                        id TEXT PRIMARY KEY,
                        household TEXT NOT NULL,
                        region TEXT NOT NULL,
                        source TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        raised_at INTEGER NOT NULL,
                        body TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX crosscheck_flags_household ON crosscheck_flags(household);
                    CREATE INDEX crosscheck_flags_region ON crosscheck_flags(region, raised_at);
                    """)
        }
        m.registerMigration("v4-console-staff") { db in
            // The web console's staff accounts (bcrypt hashes) and their server-side sessions
            // (the SHA-256 of each cookie's token, never the token).
            try db.execute(
                sql: """
                    CREATE TABLE staff (
                        name TEXT PRIMARY KEY,
                        role TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        password_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        password_changed_at INTEGER NOT NULL,
                        disabled_at INTEGER,
                        failed_logins INTEGER NOT NULL,
                        locked_until INTEGER
                    ) WITHOUT ROWID;
                    CREATE TABLE console_sessions (
                        token_hash TEXT PRIMARY KEY,
                        staff TEXT NOT NULL,
                        csrf_token TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX console_sessions_staff ON console_sessions(staff);
                    CREATE INDEX console_sessions_expiry ON console_sessions(expires_at);
                    """)
        }
        m.registerMigration("v5-change-result-conflicts") { db in
            // The conflict records a change's answer named, kept with the answer as PostgreSQL
            // keeps them (a JSON array of ids; NULL: none).
            try db.execute(sql: "ALTER TABLE change_results ADD COLUMN conflicts TEXT")
        }
        m.registerMigration("v6-change-records") { db in
            // Which record each logged change wrote, so a record's writes are found without
            // reading the whole log (the merge checks a write against every concurrent one).
            try db.execute(
                sql: """
                    ALTER TABLE changes ADD COLUMN entity TEXT;
                    ALTER TABLE changes ADD COLUMN record TEXT;
                    UPDATE changes SET entity = json_extract(body, '$.entity'), record = json_extract(body, '$.record');
                    CREATE INDEX changes_record ON changes(entity, record, position);
                    """)
        }
        m.registerMigration("v7-region-names") { db in
            // The place names of the national division list, by 12-digit code.
            try db.execute(
                sql: "CREATE TABLE region_names (code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL) WITHOUT ROWID")
        }
        return m
    }
}
