import FieldRollCore

/// Everything the server keeps, behind narrow interfaces split by concern. SQLite
/// (``SQLiteStorage``, the default) and PostgreSQL (``PostgresStorage``) implement it; both
/// pass the same contract suite.
///
/// Storage decides nothing. Authentication, signatures, scope, idempotency, merge, conflicts
/// and audit are the ``SyncPipeline``'s: it asks storage to read rows and, in one transaction,
/// to read a ``WriteSnapshot`` and write the ``WriteSet`` it computed from it
/// (``TransactionalStorage/write(reading:_:)``). What only reads takes a snapshot that never
/// waits for the writers (``TransactionalStorage/read(_:)``).
public typealias ServerStorage = TransactionalStorage & RecordStorage & DeviceStorage & BlobMetadataStorage & ConflictStorage & AuditStorage
    & FlagStorage & StaffStorage & ResultStorage & PlaceNameStorage & StorageAdministration

/// The one way to write: read a snapshot, let the caller decide, write what it decided — all in
/// one transaction that also serializes every writer (on PostgreSQL, across processes), so
/// positions are handed out in commit order. Beside it, the way to read several rows
/// consistently without queueing behind a writer.
public protocol TransactionalStorage: Sendable {
    /// Reads what `request` names from one consistent snapshot, without taking the writers'
    /// lock: a read never waits for a write in progress, nor holds one up.
    ///
    /// The snapshot is the state after some committed transaction (never half of one). SQLite
    /// reads a WAL snapshot (GRDB's `DatabasePool.read`); PostgreSQL a `REPEATABLE READ READ ONLY`
    /// transaction. Use it for what only looks (a page, a thumbnail's record); a decision that
    /// leads to a write reads inside ``write(reading:_:)`` instead, so nothing changes under it.
    ///
    /// ```swift
    /// let snapshot = try await storage.read(ReadRequest(records: [key]))
    /// let stored = snapshot.records[key]
    /// ```
    /// - Throws: ``StorageError`` (`storage-failure`) when the database fails.
    func read(_ request: ReadRequest) async throws -> WriteSnapshot

    /// Opens a write transaction, locks the ``SyncHead``, reads what `request` names, passes the
    /// snapshot to `decide`, writes the returned ``WriteSet`` and commits.
    ///
    /// `decide` runs inside the transaction and must be pure and quick: no I/O. If it throws,
    /// the transaction rolls back and the error is rethrown.
    /// - Throws: ``StorageError`` (`storage-failure`) when the database fails; nothing is written.
    func write<R: Sendable>(reading request: ReadRequest, _ decide: @escaping @Sendable (WriteSnapshot) throws -> (WriteSet, R))
        async throws -> R
}

/// Records and the commit log.
public protocol RecordStorage: Sendable {
    /// Records of one kind whose region lies in `scope` (nil: everywhere), ordered by region and id.
    func records(of entity: EntityKind, in scope: RegionCode?) async throws -> [StoredRecord]
    /// Up to `limit` logged changes after `position` whose region lies in `scope`, in position order.
    func changes(after position: Int64, in scope: RegionCode, limit: Int) async throws -> [LoggedChange]
    /// The current head (last position, generation, clock, audit head), read without locking.
    func head() async throws -> SyncHead
}

/// Devices and their credentials. Writes go through ``TransactionalStorage``.
public protocol DeviceStorage: Sendable {
    /// The device holding a token hash, whatever its status.
    func device(tokenHash: String) async throws -> DeviceRow?
    /// The devices with these ids.
    func devices(_ ids: [NodeID]) async throws -> [DeviceRow]
    /// Every device, in creation order.
    func allDevices() async throws -> [DeviceRow]
    /// Notes when a device was last seen (best effort, outside the audit chain).
    func touch(_ device: NodeID, at millis: Int64) async throws
}

/// Which blobs exist and who may read them; the bytes live in the ``BlobStore`` folder.
public protocol BlobMetadataStorage: Sendable {
    /// Notes that a device uploaded a blob (so it may read it back). Idempotent.
    func recordBlob(_ digest: SHA256Digest, size: Int64, uploader: NodeID, at millis: Int64) async throws
    /// Whether a blob is referenced by a record in `scope`, or was uploaded by `device`.
    func blobVisible(_ digest: SHA256Digest, scope: RegionCode, device: NodeID) async throws -> Bool
}

/// Conflict records. Writes go through ``TransactionalStorage``.
public protocol ConflictStorage: Sendable {
    /// Conflicts inside `scope` (nil: everywhere), oldest first.
    func conflicts(includeResolved: Bool, scope: RegionCode?) async throws -> [ConflictRecord]
}

/// The answers the server kept for pushed changes, so a retried push changes nothing twice.
/// The server keeps the answer (status, code, detail, which device) but never the body of a
/// refused change: there is no quarantine of refused uploads to look into, only their count.
public protocol ResultStorage: Sendable {
    /// Refused changes counted by the device that pushed them and the refusal's code, by device then code.
    func refusalCounts() async throws -> [RefusalCount]
}

/// How many changes one device had refused with one code.
public struct RefusalCount: Sendable, Hashable {
    public var device: NodeID
    public var code: String
    public var count: Int

    public init(device: NodeID, code: String, count: Int) {
        self.device = device
        self.code = code
        self.count = count
    }
}

/// Cross-check flags: households whose declared situation other departments' data (or the rolls)
/// contradicts. Written through ``TransactionalStorage``; a flag once stored is never changed.
public protocol FlagStorage: Sendable {
    /// Flags of households inside `scope` (nil: everywhere), oldest first (by time raised, then id).
    func flags(in scope: RegionCode?) async throws -> [CrossCheckFlag]
}

/// Staff accounts and console sessions. Account changes are written through
/// ``TransactionalStorage`` (with their audit entry); sessions, which are not audited one by one,
/// are written here directly.
public protocol StaffStorage: Sendable {
    /// The account with this sign-in name, whatever its status.
    func staff(named name: String) async throws -> StaffAccount?
    /// Every account, by name.
    func allStaff() async throws -> [StaffAccount]
    /// The session whose token has this SHA-256 (hex), expired or not.
    func session(tokenHash: String) async throws -> ConsoleSession?
    /// Stores a new session.
    func insertSession(_ session: ConsoleSession) async throws
    /// Ends one session (sign-out). Ending a session that does not exist is not an error.
    func deleteSession(tokenHash: String) async throws
    /// Removes the sessions that expired at or before `now`.
    func deleteExpiredSessions(now: Int64) async throws
}

/// The place names the office imported from the national division list: code, name, level.
/// Written through ``TransactionalStorage`` (``WriteSet/placeNames``, upserts by code, with the
/// import's audit entry); never deleted.
public protocol PlaceNameStorage: Sendable {
    /// Every stored place name, by code.
    func placeNames() async throws -> [PlaceName]
}

/// The append-only audit log. Entries are written through ``TransactionalStorage``.
public protocol AuditStorage: Sendable {
    /// Up to `limit` entries with `seq` greater than `after`, in order.
    func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntry]
}

/// Opening, identity, health and backups.
public protocol StorageAdministration: Sendable {
    /// `sqlite` or `postgres`.
    var backend: String { get }
    /// The server identity stored at `init`, or nil when this database holds no server.
    func identity() async throws -> ServerIdentity?
    /// Stores a new server's identity; fails with `already-initialized` if one exists.
    func initialize(_ identity: ServerIdentity) async throws
    /// A cheap query that proves the database answers (the readiness check).
    func ping() async throws
    /// Writes a consistent copy of the database into `directory` while the server runs.
    /// - Returns: the files written.
    func backup(to directory: String) async throws -> [String]
    /// Releases connections.
    func close() async
}

/// Storage failed (disk full, database locked past its timeout, damaged file, server gone).
/// Nothing was written by the operation that failed.
public struct StorageError: FieldRollError {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode = .storageFailure, _ message: String) {
        self.code = code
        self.message = message
    }
}
