@preconcurrency import Crypto
import FieldRollCore
import Foundation
import GRDB

/// ``ServerStorage`` on one SQLite file in WAL mode (GRDB): the county's default, nothing to
/// install.
///
/// Writes are serialized by SQLite's single writer, so positions are handed out in commit order
/// and a pull can never skip a change that commits later. Reads run concurrently on WAL
/// snapshots. `synchronous = FULL`: an acknowledged push survives a power cut.
public final class SQLiteStorage: ServerStorage {
    public var backend: String { "sqlite" }
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens the database at `path` and applies pending migrations.
    /// - Parameter create: make the file if it is missing (`fieldroll-server init`); when false
    ///   a missing file is `no-server`, so a mistyped `--data` never starts an empty server.
    /// - Throws: ``StorageError`` with `no-server` or `storage-failure`.
    public static func open(path: String, create: Bool) throws -> SQLiteStorage {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw StorageError(.noServer, "no FieldRoll server at \(path); create one with `fieldroll-server init`, or check --data")
        }
        return try SQLiteStorage(path: path)
    }

    init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try SQLiteSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StorageError(.storageFailure, "cannot open \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// Applies pending migrations only; returns the names of those applied.
    public func migrate() throws -> [String] {
        let before = try pool.read { try SQLiteSchema.migrator.appliedMigrations($0) }
        try SQLiteSchema.migrator.migrate(pool)
        let after = try pool.read { try SQLiteSchema.migrator.appliedMigrations($0) }
        return after.filter { !before.contains($0) }
    }

    // MARK: Transactions

    func writeDB<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw StorageError(.storageFailure, Self.describe(error))
        }
    }

    func readDB<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw StorageError(.storageFailure, Self.describe(error))
        }
    }

    static func describe(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_FULL: "the server's disk is full; nothing was written"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database is busy; nothing was written, try again"
        case .SQLITE_READONLY: "the database is read-only; nothing was written"
        default: "database error \(error.resultCode): \(error.message ?? "")"
        }
    }

    public func write<R: Sendable>(reading request: ReadRequest, _ decide: @escaping @Sendable (WriteSnapshot) throws -> (WriteSet, R))
        async throws -> R
    {
        try await writeDB { db in
            let snapshot = try SQLiteRows.snapshot(db, request)
            let (set, result) = try decide(snapshot)
            try SQLiteRows.save(db, set)
            return result
        }
    }

    public func read(_ request: ReadRequest) async throws -> WriteSnapshot {
        try await readDB { db in try SQLiteRows.snapshot(db, request) }
    }

    // MARK: Records

    public func records(of entity: EntityKind, in scope: RegionCode?) async throws -> [StoredRecord] {
        try await readDB { db in
            let (lo, hi) = scope?.codeRange ?? ("000000000000", "999999999999")
            return try Row.fetchAll(
                db, sql: "SELECT id, region, content FROM records WHERE entity = ? AND region BETWEEN ? AND ? ORDER BY region, id",
                arguments: [entity.rawValue, lo, hi]
            ).map { try SQLiteRows.record(entity, $0) }
        }
    }

    public func changes(after position: Int64, in scope: RegionCode, limit: Int) async throws -> [LoggedChange] {
        try await readDB { db in
            let (lo, hi) = scope.codeRange
            // A village is one code: the (region, position) index answers it directly, however
            // many later changes other regions hold. A wider scope is a range of codes, which
            // SQLite walks in position order.
            if lo == hi {
                return try Row.fetchAll(
                    db.cachedStatement(
                        sql:
                            "SELECT position, change_id, change_set_id, origin, region, body, entity, record FROM changes WHERE region = ? AND position > ? ORDER BY position LIMIT ?"
                    ),
                    arguments: [lo, position, limit]
                ).map(SQLiteRows.change)
            }
            return try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT position, change_id, change_set_id, origin, region, body, entity, record FROM changes WHERE position > ? AND region BETWEEN ? AND ? ORDER BY position LIMIT ?"
                ),
                arguments: [position, lo, hi, limit]
            ).map(SQLiteRows.change)
        }
    }

    public func head() async throws -> SyncHead {
        try await readDB { db in try SQLiteRows.head(db) }
    }

    // MARK: Devices

    public func device(tokenHash: String) async throws -> DeviceRow? {
        try await readDB { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM devices WHERE token_hash = ?"), arguments: [tokenHash]).map(
                SQLiteRows.device)
        }
    }

    public func devices(_ ids: [NodeID]) async throws -> [DeviceRow] {
        try await readDB { db in try SQLiteRows.devices(db, ids: ids) }
    }

    public func allDevices() async throws -> [DeviceRow] {
        try await readDB { db in try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY created_at, id").map(SQLiteRows.device) }
    }

    public func touch(_ device: NodeID, at millis: Int64) async throws {
        try await writeDB { db in
            try db.execute(sql: "UPDATE devices SET last_seen_at = ? WHERE id = ?", arguments: [millis, device.rawValue])
        }
    }

    // MARK: Blobs

    public func recordBlob(_ digest: FieldRollCore.SHA256Digest, size: Int64, uploader: NodeID, at millis: Int64) async throws {
        try await writeDB { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO blobs (sha256, size, uploader, created_at) VALUES (?, ?, ?, ?)",
                arguments: [digest.hex, size, uploader.rawValue, millis])
        }
    }

    public func blobVisible(_ digest: FieldRollCore.SHA256Digest, scope: RegionCode, device: NodeID) async throws -> Bool {
        try await readDB { db in
            let (lo, hi) = scope.codeRange
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM blob_refs WHERE sha256 = ? AND region BETWEEN ? AND ?", arguments: [digest.hex, lo, hi]) == true
            {
                return true
            }
            return try Bool.fetchOne(
                db, sql: "SELECT 1 FROM blobs WHERE sha256 = ? AND uploader = ?", arguments: [digest.hex, device.rawValue]) == true
        }
    }

    // MARK: Conflicts

    public func conflicts(includeResolved: Bool, scope: RegionCode?) async throws -> [ConflictRecord] {
        try await readDB { db in
            let (lo, hi) = scope?.codeRange ?? ("000000000000", "999999999999")
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM conflicts WHERE region BETWEEN ? AND ? \(includeResolved ? "" : "AND resolved_at IS NULL") ORDER BY detected_at, id",
                arguments: [lo, hi]
            ).map(SQLiteRows.conflict)
        }
    }

    // MARK: Cross-check flags

    public func flags(in scope: RegionCode?) async throws -> [CrossCheckFlag] {
        try await readDB { db in
            let (lo, hi) = scope?.codeRange ?? ("000000000000", "999999999999")
            return try String.fetchAll(
                db, sql: "SELECT body FROM crosscheck_flags WHERE region BETWEEN ? AND ? ORDER BY raised_at, id", arguments: [lo, hi]
            ).map { try CrossCheckFlag(storedBody: $0) }
        }
    }

    // MARK: Results

    public func refusalCounts() async throws -> [RefusalCount] {
        try await readDB { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT device, COALESCE(code, 'unknown') AS code, COUNT(*) AS n FROM change_results
                    WHERE status = 'refused' GROUP BY device, COALESCE(code, 'unknown') ORDER BY device, code
                    """
            ).map { row in
                RefusalCount(device: try NodeID(row["device"] as String), code: row["code"], count: row["n"])
            }
        }
    }

    // MARK: Staff

    public func staff(named name: String) async throws -> StaffAccount? {
        try await readDB { db in try Row.fetchOne(db, sql: "SELECT * FROM staff WHERE name = ?", arguments: [name]).map(SQLiteRows.staff) }
    }

    public func allStaff() async throws -> [StaffAccount] {
        try await readDB { db in try Row.fetchAll(db, sql: "SELECT * FROM staff ORDER BY name").map(SQLiteRows.staff) }
    }

    public func session(tokenHash: String) async throws -> ConsoleSession? {
        try await readDB { db in
            try Row.fetchOne(db, sql: "SELECT * FROM console_sessions WHERE token_hash = ?", arguments: [tokenHash]).map(SQLiteRows.session)
        }
    }

    public func insertSession(_ session: ConsoleSession) async throws {
        try await writeDB { db in
            try db.execute(
                sql: "INSERT INTO console_sessions (token_hash, staff, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [session.tokenHash, session.staff, session.csrfToken, session.createdAt, session.expiresAt])
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await writeDB { db in try db.execute(sql: "DELETE FROM console_sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    public func deleteExpiredSessions(now: Int64) async throws {
        try await writeDB { db in try db.execute(sql: "DELETE FROM console_sessions WHERE expires_at <= ?", arguments: [now]) }
    }

    // MARK: Place names

    public func placeNames() async throws -> [PlaceName] {
        try await readDB { db in
            try Row.fetchAll(db, sql: "SELECT code, name, level FROM region_names ORDER BY code").map(SQLiteRows.placeName)
        }
    }

    // MARK: Audit

    public func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntry] {
        try await readDB { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]).map(
                SQLiteRows.audit)
        }
    }

    // MARK: Administration

    public func identity() async throws -> ServerIdentity? {
        try await readDB { db in try SQLiteRows.identity(db) }
    }

    public func initialize(_ identity: ServerIdentity) async throws {
        try await writeDB { db in
            if try SQLiteRows.identity(db) != nil {
                throw StorageError(.alreadyInitialized, "\(self.path) already holds a FieldRoll server")
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO server_state (key, value) VALUES ('node', ?), ('key', ?)",
                arguments: [identity.node.rawValue, identity.key.rawRepresentation.base64EncodedString()])
        }
    }

    public func ping() async throws {
        _ = try await readDB { db in try Int.fetchOne(db, sql: "SELECT position FROM sync_head WHERE id = 1") }
    }

    /// Copies the database with SQLite's online backup, page by page, while writers go on; the
    /// copy is the state of one committed transaction.
    public func backup(to directory: String) async throws -> [String] {
        let target = directory + "/fieldroll.sqlite"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            let copy = try DatabaseQueue(path: target)
            try pool.backup(to: copy)
            try copy.close()
        } catch let error as DatabaseError {
            throw StorageError(.storageFailure, "backup failed: \(Self.describe(error))")
        }
        return [target]
    }

    public func close() async { try? pool.close() }
}
