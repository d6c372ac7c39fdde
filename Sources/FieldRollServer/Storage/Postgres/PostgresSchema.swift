import Logging
import PostgresNIO

/// The server's PostgreSQL schema, as versioned migrations recorded in `schema_migrations`.
///
/// A migration never changes once released; a new one is added instead. ``migrate(_:logger:)``
/// runs every pending migration in one transaction under a transaction-level advisory lock, so
/// two server processes starting at once against the same database neither race nor apply a
/// migration twice: the second waits, then finds nothing left to do.
///
/// Text columns that are ordered or range-scanned (regions, record ids) use the `"C"`
/// collation, so `region BETWEEN lo AND hi` and `ORDER BY region, id` mean byte order whatever
/// locale the database was created with — the same order SQLite uses.
enum PostgresSchema {
    /// One schema version: the statements that move the schema to it.
    struct Migration: Sendable {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// The advisory lock key that serializes migrations (the ASCII of "FieldRol").
    static let migrationLockKey: Int64 = 0x4669_656C_6452_6F6C

    /// Every migration, oldest first.
    static let migrations: [Migration] = [v1, v2, v3, v4, v5]

    static let v1 = Migration(
        version: 1, name: "v1",
        statements: [
            "CREATE TABLE server_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE sync_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                position BIGINT NOT NULL,
                generation BIGINT NOT NULL,
                clock TEXT,
                audit_seq BIGINT NOT NULL,
                audit_hash TEXT NOT NULL
            )
            """,
            "INSERT INTO sync_head (id, position, generation, clock, audit_seq, audit_hash) VALUES (1, 0, 0, NULL, 0, '\(String(repeating: "0", count: 64))')",
            """
            CREATE TABLE devices (
                id TEXT COLLATE "C" PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                scope TEXT COLLATE "C" NOT NULL,
                code_hash TEXT UNIQUE,
                code_expires_at BIGINT,
                public_key TEXT,
                token_hash TEXT UNIQUE,
                created_at BIGINT NOT NULL,
                redeemed_at BIGINT,
                revoked_at BIGINT,
                last_seen_at BIGINT
            )
            """,
            """
            CREATE TABLE records (
                entity TEXT COLLATE "C" NOT NULL,
                id TEXT COLLATE "C" NOT NULL,
                region TEXT COLLATE "C" NOT NULL,
                content TEXT NOT NULL,
                position BIGINT NOT NULL,
                PRIMARY KEY (entity, id)
            )
            """,
            "CREATE INDEX records_region ON records (entity, region)",
            """
            CREATE TABLE changes (
                position BIGINT PRIMARY KEY,
                change_id TEXT NOT NULL UNIQUE,
                change_set_id TEXT NOT NULL,
                origin TEXT NOT NULL,
                region TEXT COLLATE "C" NOT NULL,
                body TEXT NOT NULL
            )
            """,
            "CREATE INDEX changes_region ON changes (region, position)",
            """
            CREATE TABLE change_results (
                change_id TEXT PRIMARY KEY,
                device TEXT NOT NULL,
                status TEXT NOT NULL,
                code TEXT,
                detail TEXT,
                conflicts TEXT
            )
            """,
            """
            CREATE TABLE conflicts (
                id TEXT COLLATE "C" PRIMARY KEY,
                entity TEXT NOT NULL,
                record TEXT NOT NULL,
                region TEXT COLLATE "C" NOT NULL,
                field TEXT NOT NULL,
                winner TEXT NOT NULL,
                loser TEXT NOT NULL,
                change_id TEXT NOT NULL,
                detected_at BIGINT NOT NULL,
                resolved_at BIGINT,
                resolved_by TEXT,
                resolution TEXT
            )
            """,
            "CREATE INDEX conflicts_open ON conflicts (resolved_at, region)",
            "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, uploader TEXT NOT NULL, created_at BIGINT NOT NULL)",
            "CREATE TABLE blob_refs (sha256 TEXT NOT NULL, region TEXT COLLATE \"C\" NOT NULL, PRIMARY KEY (sha256, region))",
            """
            CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'restrict_violation';
            END
            $$
            """,
            """
            CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
            """,
            """
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
            """,
        ])

    /// Cross-check flags: whole flags as JSON, with the columns lists are filtered on.
    static let v2 = Migration(
        version: 2, name: "v2-crosscheck-flags",
        statements: [
            """
            CREATE TABLE crosscheck_flags (
                id TEXT COLLATE "C" PRIMARY KEY,
                household TEXT COLLATE "C" NOT NULL,
                region TEXT COLLATE "C" NOT NULL,
                source TEXT NOT NULL,
                rule TEXT NOT NULL,
                raised_at BIGINT NOT NULL,
                body TEXT NOT NULL
            )
            """,
            "CREATE INDEX crosscheck_flags_household ON crosscheck_flags (household)",
            "CREATE INDEX crosscheck_flags_region ON crosscheck_flags (region, raised_at)",
        ])

    /// The web console's staff accounts (bcrypt hashes) and their server-side sessions (the
    /// SHA-256 of each cookie's token, never the token).
    static let v3 = Migration(
        version: 3, name: "v3-console-staff",
        statements: [
            """
            CREATE TABLE staff (
                name TEXT COLLATE "C" PRIMARY KEY,
                role TEXT NOT NULL,
                scope TEXT COLLATE "C" NOT NULL,
                password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                password_changed_at BIGINT NOT NULL,
                disabled_at BIGINT,
                failed_logins INTEGER NOT NULL,
                locked_until BIGINT
            )
            """,
            """
            CREATE TABLE console_sessions (
                token_hash TEXT COLLATE "C" PRIMARY KEY,
                staff TEXT COLLATE "C" NOT NULL,
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX console_sessions_staff ON console_sessions (staff)",
            "CREATE INDEX console_sessions_expiry ON console_sessions (expires_at)",
        ])

    /// Which record each logged change wrote, so a record's writes are found without reading the
    /// whole log (the merge checks a write against every concurrent one).
    static let v4 = Migration(
        version: 4, name: "v4-change-records",
        statements: [
            #"ALTER TABLE changes ADD COLUMN entity TEXT COLLATE "C", ADD COLUMN record TEXT COLLATE "C""#,
            "UPDATE changes SET entity = body::jsonb->>'entity', record = body::jsonb->>'record'",
            "CREATE INDEX changes_record ON changes (entity, record, position)",
        ])

    /// The place names of the national division list, by 12-digit code.
    static let v5 = Migration(
        version: 5, name: "v5-region-names",
        statements: [
            #"CREATE TABLE region_names (code TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL)"#
        ])

    /// Applies pending migrations; returns the names of those applied (empty when up to date).
    ///
    /// Everything happens in one transaction: a failing migration leaves the schema as it was.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(
                    Int.self)
                {
                    applied.insert(version)
                }
                var names: [String] = []
                for migration in migrations where !applied.contains(migration.version) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                    names.append(migration.name)
                }
                try await connection.query("COMMIT", logger: logger)
                return names
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
