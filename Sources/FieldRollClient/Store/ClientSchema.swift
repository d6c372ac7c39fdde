import GRDB

/// The device store's schema, as versioned migrations. A released migration never changes; a
/// store made by an older version is brought up to date when it is opened.
enum ClientSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                    -- Field-merged records (households, members, the pulled roll). Sensitive field
                    -- values inside `state` are sealed; stamps stay readable for the merge.
                    CREATE TABLE records (
                        entity TEXT NOT NULL,
                        id TEXT NOT NULL,
                        region TEXT NOT NULL,
                        household_id TEXT,
                        state TEXT NOT NULL,
                        PRIMARY KEY (entity, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX records_region ON records(entity, region);
                    CREATE INDEX records_household ON records(household_id, entity);
                    -- Immutable records (visits, photos, check-ins, review actions), sealed whole.
                    CREATE TABLE bodies (
                        entity TEXT NOT NULL,
                        id TEXT NOT NULL,
                        region TEXT NOT NULL,
                        household_id TEXT,
                        member_id TEXT,
                        at INTEGER,
                        body BLOB NOT NULL,
                        PRIMARY KEY (entity, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX bodies_household ON bodies(household_id, entity);
                    -- Change sets not yet acknowledged by the server, in the order they were made.
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        change_set_id TEXT NOT NULL UNIQUE,
                        body BLOB NOT NULL,
                        changes INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE photos (
                        sha256 TEXT PRIMARY KEY,
                        size INTEGER NOT NULL,
                        media_type TEXT NOT NULL,
                        uploaded INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("v2") { db in
            // Sync bookkeeping per server, and the index check-ins-due needs.
            try db.execute(
                sql: """
                    CREATE TABLE sync_state (
                        server TEXT PRIMARY KEY,
                        cursor TEXT,
                        last_sync_at INTEGER
                    ) WITHOUT ROWID;
                    CREATE INDEX bodies_member ON bodies(member_id, entity, at);
                    """)
        }
        m.registerMigration("v3") { db in
            // Changes the server refused for good: kept, sealed, for a person to look at.
            try db.execute(
                sql: """
                    CREATE TABLE rejected (
                        change_id TEXT PRIMARY KEY,
                        change_set_id TEXT NOT NULL,
                        code TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        body BLOB NOT NULL,
                        at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration("v4-sent") { db in
            // Change sets the server acknowledged, kept (sealed) so they can be sent again if the
            // server is restored from a backup that predates them.
            try db.execute(
                sql: """
                    CREATE TABLE sent (
                        seq INTEGER PRIMARY KEY,
                        change_set_id TEXT NOT NULL UNIQUE,
                        body BLOB NOT NULL,
                        changes INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    """)
        }
        m.registerMigration("v5-photo-downloads") { db in
            // Photos of other devices: every photo record's content address, so the device knows
            // which bytes it lacks without opening each sealed record; and which held photos
            // were downloaded rather than taken here. Rows for records stored before this
            // migration are filled in by the first sync (the records are sealed; SQL cannot
            // read them), see `DeviceStore.indexPhotoRecords`.
            try db.execute(
                sql: """
                    ALTER TABLE photos ADD COLUMN downloaded INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE photo_refs (
                        photo_id TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        media_type TEXT NOT NULL,
                        region TEXT NOT NULL,
                        at INTEGER
                    ) WITHOUT ROWID;
                    CREATE INDEX photo_refs_sha256 ON photo_refs(sha256);
                    """)
        }
        m.registerMigration("v6-conflicts") { db in
            // The open conflicts of the device's scope, as the last pull page listed them; each
            // sealed whole (their values may be sensitive fields).
            try db.execute(
                sql: """
                    CREATE TABLE conflicts (
                        id TEXT PRIMARY KEY,
                        detected_at INTEGER NOT NULL,
                        body BLOB NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }
}
