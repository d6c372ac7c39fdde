@preconcurrency import Crypto
import FieldRollCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// ``ServerStorage`` on PostgreSQL (postgres-nio's connection pool): for a central office that
/// runs several stateless server processes behind a proxy, all state in one database.
///
/// Every write transaction starts by locking the single `sync_head` row (`SELECT … FOR UPDATE`),
/// so writers are serialized across processes and positions become visible in the order they
/// were handed out: a pull never skips a change that commits after it. Reads take no lock.
///
/// ```swift
/// let storage = try await PostgresStorage.open(url: "postgres://fieldroll:…@127.0.0.1/fieldroll", logger: logger)
/// defer { Task { await storage.close() } }
/// ```
public final class PostgresStorage: ServerStorage {
    public var backend: String { "postgres" }
    let client: PostgresClient
    let location: PostgresLocation
    let logger: Logger
    let runner: Task<Void, Never>
    /// How long an operation waits for the database before it fails with `storage-failure`, in
    /// seconds (``ServerConfiguration/storageTimeout``).
    let timeout: Double
    /// Whether PostgreSQL still answers, for operations that run long (``withConnection(_:)``).
    let liveness = DatabaseLiveness()

    init(client: PostgresClient, location: PostgresLocation, logger: Logger, runner: Task<Void, Never>, timeout: Double) {
        self.client = client
        self.location = location
        self.logger = logger
        self.runner = runner
        self.timeout = timeout
    }

    /// Connects (within the URL's `connect_timeout`, 10 seconds by default), applies pending migrations, and returns the storage.
    /// - Parameter timeout: how long an operation later waits for the database (a connection
    ///   from the pool) before failing with `storage-failure`, in seconds.
    /// - Throws: ``StorageError`` — `invalid-configuration` for a bad URL, `storage-failure` when
    ///   the server cannot be reached or refuses the sign-in.
    public static func open(url: String, logger: Logger, timeout: Double = ServerConfiguration.defaultStorageTimeout) async throws
        -> PostgresStorage
    {
        let location = try PostgresLocation(url: url)
        do {
            try await Deadline.run(seconds: Double(location.connectTimeout)) { try await probe(location, logger: logger) }
        } catch let error as StorageError {
            throw error
        } catch is Deadline.Expired {
            throw StorageError(.storageFailure, "cannot reach PostgreSQL at \(location.address) within \(location.connectTimeout) s")
        } catch {
            throw StorageError(
                .storageFailure, "cannot open PostgreSQL at \(location.address)/\(location.database): \(Self.describe(error))")
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password, database: location.database,
            tls: try tls(for: location))
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 16
        let background = Logger(label: logger.label) { _ in PoolLogHandler(wrapping: logger.handler) }
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let runner = Task { await client.run() }
        let storage = PostgresStorage(client: client, location: location, logger: logger, runner: runner, timeout: max(0.1, timeout))
        do {
            // The pool's first connection may take the whole connect_timeout: not the request bound.
            try await Deadline.run(seconds: Double(location.connectTimeout)) { _ = try await client.query("SELECT 1", logger: logger) }
            _ = try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            runner.cancel()
            if error is Deadline.Expired {
                throw StorageError(.storageFailure, "cannot reach PostgreSQL at \(location.address) within \(location.connectTimeout) s")
            }
            throw StorageError(
                .storageFailure, "cannot open PostgreSQL at \(location.address)/\(location.database): \(Self.describe(error))")
        }
        return storage
    }

    /// A one-line reason for a database failure, never echoing a password.
    static func describe(_ error: any Error) -> String {
        if let e = error as? StorageError { return e.message }
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message }
            if let underlying = e.underlying { return String(describing: underlying).prefix(200).description }
            return String(describing: e.code)
        }
        return String(describing: error).prefix(200).description
    }

    /// The TLS configuration for the URL's `sslmode` and `sslrootcert` (nil: plain TCP).
    static func tlsConfiguration(for location: PostgresLocation) throws(StorageError) -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            if let file = location.rootCertificate {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw StorageError(.invalidConfiguration, "sslrootcert \(file) cannot be read")
                }
                configuration.trustRoots = .file(file)
            }
        }
        return configuration
    }

    /// The pool's TLS setting.
    static func tls(for location: PostgresLocation) throws(StorageError) -> PostgresClient.Configuration.TLS {
        guard let configuration = try tlsConfiguration(for: location) else { return .disable }
        return location.tls == .prefer ? .prefer(configuration) : .require(configuration)
    }

    /// One direct connection before the pool starts, so that a refused password, an untrusted
    /// certificate or a closed port is reported as itself and at once (the pool only retries).
    static func probe(_ location: PostgresLocation, logger: Logger) async throws {
        let tls: PostgresConnection.Configuration.TLS
        if let configuration = try tlsConfiguration(for: location) {
            let context = try NIOSSLContext(configuration: configuration)
            tls = location.tls == .prefer ? .prefer(context) : .require(context)
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password, database: location.database,
            tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    /// An error thrown by a write's `decide` closure: passed back to the caller as it was.
    struct DecisionFailure: Error {
        var underlying: any Error
    }

    /// Runs `body`, turning database failures into ``StorageError`` (logged as errors: a lost
    /// connection, a database gone) and letting the pipeline's own errors through unchanged.
    func translating<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as StorageError {
            if error.code == .storageFailure { logger.error("\(error.message)") }
            throw error
        } catch let error as any FieldRollError {
            throw error
        } catch let error as DecisionFailure {
            throw error.underlying
        } catch {
            let failure = StorageError(.storageFailure, "PostgreSQL: \(Self.describe(error))")
            logger.error("\(failure.message)")
            throw failure
        }
    }

    /// Runs `body` on a connection from the pool, waiting for one at most ``timeout`` seconds.
    ///
    /// The pool waits for a connection however long the database stays away (it keeps trying
    /// to connect); a request must not. When no connection comes within most of the timeout,
    /// a connection of its own (in the rest of it) tells a busy pool, which is waited for,
    /// from a database that is gone or silent, which fails at once.
    ///
    /// Once `body` has its connection, its length is not bounded (an import may take long) but
    /// the database's liveness is: each ``timeout`` seconds `body` runs, it asks
    /// ``DatabaseLiveness`` whether the database answers — yes when any operation completed in
    /// the last period, else one shared probe on a connection of its own. After two silent
    /// periods in a row (a host that hangs, a link that drops packets silently), `body`'s
    /// connection is closed — the database rolls back whatever it had not committed — and the
    /// call fails.
    /// - Throws: ``StorageError`` `storage-failure` when the database does not answer.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (leased, signal) = AsyncStream<Void>.makeStream()
        let client = self.client
        let held = Mutex<PostgresConnection?>(nil)
        let work = Task {
            defer { signal.finish() }
            return try await client.withConnection { connection in
                held.withLock { $0 = connection }
                signal.finish()
                return try await body(connection)
            }
        }
        return try await withTaskCancellationHandler {
            let probeSeconds = min(2, timeout / 2)
            do {
                try await Deadline.run(seconds: timeout - probeSeconds) { for await _ in leased {} }
            } catch is Deadline.Expired {
                let location = self.location
                let logger = self.logger
                do {
                    try await Deadline.run(seconds: probeSeconds) { try await Self.probe(location, logger: logger) }
                } catch {
                    work.cancel()
                    let why = error is Deadline.Expired ? "no answer" : Self.describe(error)
                    throw StorageError(
                        .storageFailure,
                        "PostgreSQL at \(location.address) does not answer within \(Self.seconds(timeout)) s (\(why)); nothing was done, try again"
                    )
                }
            }
            // Two silent periods in a row, not one: a busy database is slow, a gone one is silent.
            var silent = 0
            while true {
                do {
                    let value = try await Deadline.run(seconds: timeout) { try await work.value }
                    liveness.noteAlive()
                    return value
                } catch is Deadline.Expired {}
                let location = self.location
                let logger = self.logger
                if await liveness.answers(within: timeout, probe: { try await Self.probe(location, logger: logger) }) {
                    silent = 0
                    continue
                }
                silent += 1
                if silent < 2 { continue }
                work.cancel()
                // Closed here, the connection's query fails at once; the server, when it answers
                // again, finds the connection gone and rolls its transaction back.
                if let connection = held.withLock({ $0 }) { Task { try? await connection.close() } }
                let failure = StorageError(
                    .storageFailure,
                    "PostgreSQL at \(location.address) stopped answering during the operation (no answer); what it had not committed "
                        + "is rolled back, try again")
                logger.error("\(failure.message)")
                throw failure
            }
        } onCancel: {
            work.cancel()
        }
    }

    /// `5` or `2.5`, for messages.
    static func seconds(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }

    /// Rows of one query, decoded; on a connection from the pool unless one is given.
    func rows<each T: PostgresDecodable & Sendable>(
        _ query: PostgresQuery, on connection: PostgresConnection? = nil, as: (repeat each T).Type
    )
        async throws
        -> [(repeat each T)]
    {
        guard let connection else {
            return try await withConnection { connection in try await self.rows(query, on: connection, as: (repeat each T).self) }
        }
        var out: [(repeat each T)] = []
        for try await row in try await connection.query(query, logger: logger).decode((repeat each T).self) { out.append(row) }
        return out
    }

    /// Runs one statement on a connection from the pool, its rows (if any) left unread.
    func execute(_ query: PostgresQuery) async throws {
        try await withConnection { connection in _ = try await connection.query(query, logger: self.logger) }
    }

    // MARK: Transactions

    public func write<R: Sendable>(reading request: ReadRequest, _ decide: @escaping @Sendable (WriteSnapshot) throws -> (WriteSet, R))
        async throws -> R
    {
        try await translating {
            try await withConnection { [self] connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let snapshot = try await self.snapshot(request, on: connection, locking: true)
                    let decided: (WriteSet, R)
                    do { decided = try decide(snapshot) } catch { throw DecisionFailure(underlying: error) }
                    let (set, result) = decided
                    try await self.save(set, on: connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Runs one `REPEATABLE READ READ ONLY` transaction: every query sees the database as of its
    /// first, and nothing waits for the `sync_head` lock the writers take.
    public func read(_ request: ReadRequest) async throws -> WriteSnapshot {
        try await translating {
            try await withConnection { [self] connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                do {
                    let snapshot = try await self.snapshot(request, on: connection, locking: false)
                    try await connection.query("COMMIT", logger: logger)
                    return snapshot
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Reads what `request` names inside the transaction open on `c`; with `locking`, first
    /// locks the `sync_head` row (a write transaction).
    func snapshot(_ request: ReadRequest, on c: PostgresConnection, locking: Bool) async throws -> WriteSnapshot {
        let heads = try await rows(
            "SELECT position, generation, clock, audit_seq, audit_hash FROM sync_head WHERE id = 1 \(unescaped: locking ? "FOR UPDATE" : "")",
            on: c, as: (Int64, Int64, String?, Int64, String).self)
        guard let first = heads.first else {
            throw StorageError(.storageFailure, "the sync_head row is missing; the database may be damaged")
        }
        var snapshot = WriteSnapshot(head: try PostgresRows.head(first))
        if !request.records.isEmpty {
            let entities = request.records.map(\.entity.rawValue)
            let ids = request.records.map(\.id)
            for (entity, id, region, content, position) in try await rows(
                """
                SELECT r.entity, r.id, r.region, r.content, r.position FROM records r
                JOIN UNNEST(\(entities)::text[], \(ids)::text[]) AS k(e, i) ON r.entity = k.e AND r.id = k.i
                """, on: c, as: (String, String, String, String, Int64).self)
            {
                let record = try PostgresRows.record((entity, id, region, content))
                snapshot.records[RecordKey(record.entity, record.id)] = record
                snapshot.positions[RecordKey(record.entity, record.id)] = position
            }
        }
        for read in request.scopes {
            let (lo, hi) = read.scope?.codeRange ?? ("000000000000", "999999999999")
            for (entity, id, region, content, position) in try await rows(
                "SELECT entity, id, region, content, position FROM records WHERE entity = \(read.entity.rawValue) AND region BETWEEN \(lo) AND \(hi)",
                on: c, as: (String, String, String, String, Int64).self)
            {
                let record = try PostgresRows.record((entity, id, region, content))
                snapshot.records[RecordKey(record.entity, record.id)] = record
                snapshot.positions[RecordKey(record.entity, record.id)] = position
            }
        }
        if !request.changeIDs.isEmpty {
            let ids = request.changeIDs.map(\.description)
            for row in try await rows(
                "SELECT change_id, device, status, code, detail, conflicts FROM change_results WHERE change_id = ANY(\(ids)::text[])",
                on: c,
                as: (String, String, String, String?, String?, String?).self)
            {
                let stored = try PostgresRows.result(row)
                snapshot.results[stored.result.change] = stored
            }
        }
        if !request.deviceIDs.isEmpty || request.deviceCodeHash != nil {
            let ids = request.deviceIDs.map(\.rawValue)
            snapshot.devices = try await rows(
                "SELECT \(unescaped: PostgresRows.deviceColumns) FROM devices WHERE id = ANY(\(ids)::text[]) OR code_hash = \(request.deviceCodeHash ?? "")",
                on: c, as: PostgresRows.DeviceRowColumns.self
            ).map(PostgresRows.device)
        }
        if !request.conflictIDs.isEmpty {
            snapshot.conflicts = try await rows(
                "SELECT \(unescaped: PostgresRows.conflictColumns) FROM conflicts WHERE id = ANY(\(request.conflictIDs)::text[])", on: c,
                as: PostgresRows.ConflictRow.self
            ).map(PostgresRows.conflict)
        }
        if !request.flagHouseholds.isEmpty {
            let households = Array(Set(request.flagHouseholds.map(\.description)))
            snapshot.flags = try await rows(
                "SELECT body FROM crosscheck_flags WHERE household = ANY(\(households)::text[]) ORDER BY raised_at, id", on: c,
                as: (String).self
            ).map { try CrossCheckFlag(storedBody: $0) }
        }
        if !request.staffNames.isEmpty {
            snapshot.staff = try await rows(
                "SELECT \(unescaped: PostgresRows.staffColumns) FROM staff WHERE name = ANY(\(Array(Set(request.staffNames)))::text[])",
                on: c,
                as: PostgresRows.StaffRow.self
            ).map(PostgresRows.staff)
        }
        if !request.histories.isEmpty {
            let keys = Array(Set(request.histories))
            for (position, entity, id, body) in try await rows(
                """
                SELECT c.position, c.entity, c.record, c.body FROM changes c
                JOIN UNNEST(\(keys.map(\.entity.rawValue))::text[], \(keys.map(\.id))::text[]) AS k(e, i) ON c.entity = k.e AND c.record = k.i
                ORDER BY c.position
                """, on: c, as: (Int64, String, String, String).self)
            {
                guard let kind = EntityKind(rawValue: entity) else { continue }
                let writes = try PostgresRows.fieldWrites(position, body)
                if !writes.isEmpty { snapshot.history[RecordKey(kind, id), default: []] += writes }
            }
        }
        return snapshot
    }

    func save(_ set: WriteSet, on c: PostgresConnection) async throws {
        for write in set.devices {
            let r = write.row
            if let old = write.replacing, old != r.id {
                try await c.query("DELETE FROM devices WHERE id = \(old.rawValue)", logger: logger)
            }
            try await c.query(
                """
                INSERT INTO devices (\(unescaped: PostgresRows.deviceColumns)) VALUES (
                    \(r.id.rawValue), \(r.name), \(r.role.rawValue), \(r.scope.digits), \(r.codeHash), \(r.codeExpiresAt), \(r.publicKey),
                    \(r.tokenHash), \(r.createdAt), \(r.redeemedAt), \(r.revokedAt), \(r.lastSeenAt))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, scope = EXCLUDED.scope, code_hash = EXCLUDED.code_hash,
                    code_expires_at = EXCLUDED.code_expires_at, public_key = EXCLUDED.public_key, token_hash = EXCLUDED.token_hash,
                    created_at = EXCLUDED.created_at, redeemed_at = EXCLUDED.redeemed_at, revoked_at = EXCLUDED.revoked_at, last_seen_at = EXCLUDED.last_seen_at
                """, logger: logger)
        }
        if !set.changes.isEmpty {
            let ch = set.changes
            try await c.query(
                """
                INSERT INTO changes (position, change_id, change_set_id, origin, region, body, entity, record)
                SELECT * FROM UNNEST(\(ch.map(\.position))::int8[], \(ch.map(\.changeID.description))::text[], \(ch.map(\.changeSet.description))::text[],
                    \(ch.map(\.origin.rawValue))::text[], \(ch.map(\.region.digits))::text[], \(ch.map(\.body))::text[],
                    \(NullableArray(ch.map { $0.record?.entity.rawValue }))::text[], \(NullableArray(ch.map { $0.record?.id }))::text[])
                """, logger: logger)
        }
        if !set.records.isEmpty {
            let rs = set.records
            try await c.query(
                """
                INSERT INTO records (entity, id, region, content, position)
                SELECT * FROM UNNEST(\(rs.map(\.entity.rawValue))::text[], \(rs.map(\.id))::text[], \(rs.map(\.region.digits))::text[],
                    \(rs.map { CanonicalJSON.string($0.contentJSON) })::text[], \(rs.map { set.recordPositions[RecordKey($0.entity, $0.id)] ?? 0 })::int8[])
                ON CONFLICT (entity, id) DO UPDATE SET region = EXCLUDED.region, content = EXCLUDED.content, position = EXCLUDED.position
                """, logger: logger)
        }
        if !set.results.isEmpty {
            let rs = set.results
            try await c.query(
                """
                INSERT INTO change_results (change_id, device, status, code, detail, conflicts)
                SELECT * FROM UNNEST(\(rs.map(\.result.change.description))::text[], \(rs.map(\.device.rawValue))::text[],
                    \(rs.map(\.result.status.rawValue))::text[], \(NullableArray(rs.map { $0.result.code?.rawValue }))::text[],
                    \(NullableArray(rs.map(\.result.detail)))::text[], \(NullableArray(rs.map { PostgresRows.conflictsText($0.result.conflicts) }))::text[])
                ON CONFLICT (change_id) DO NOTHING
                """, logger: logger)
        }
        for k in set.conflicts {
            try await c.query(
                """
                INSERT INTO conflicts (\(unescaped: PostgresRows.conflictColumns)) VALUES (
                    \(k.id), \(k.entity.rawValue), \(k.record), \(k.region.digits), \(k.field), \(try PostgresRows.stampedText(k.winner)),
                    \(try PostgresRows.stampedText(k.loser)), \(k.change.description), \(k.detectedAt.millis), \(k.resolvedAt?.millis), \(k.resolvedBy), \(k.resolution))
                ON CONFLICT (id) DO UPDATE SET resolved_at = EXCLUDED.resolved_at, resolved_by = EXCLUDED.resolved_by, resolution = EXCLUDED.resolution
                """, logger: logger)
        }
        if !set.blobReferences.isEmpty {
            let refs = set.blobReferences
            try await c.query(
                """
                INSERT INTO blob_refs (sha256, region) SELECT * FROM UNNEST(\(refs.map(\.digest.hex))::text[], \(refs.map(\.region.digits))::text[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if !set.flags.isEmpty {
            let f = set.flags
            try await c.query(
                """
                INSERT INTO crosscheck_flags (id, household, region, source, rule, raised_at, body)
                SELECT * FROM UNNEST(\(f.map(\.id))::text[], \(f.map(\.household.description))::text[], \(f.map(\.region.digits))::text[],
                    \(f.map(\.source.rawValue))::text[], \(f.map(\.rule.rawValue))::text[], \(f.map(\.raisedAt.millis))::int8[],
                    \(try f.map { try $0.storedBody() })::text[])
                """, logger: logger)
        }
        for a in set.staff {
            try await c.query(
                """
                INSERT INTO staff (\(unescaped: PostgresRows.staffColumns)) VALUES (
                    \(a.name), \(a.role.rawValue), \(a.scope.digits), \(a.passwordHash), \(a.createdAt), \(a.passwordChangedAt), \(a.disabledAt),
                    \(Int32(clamping: a.failedLogins)), \(a.lockedUntil))
                ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, scope = EXCLUDED.scope, password_hash = EXCLUDED.password_hash,
                    password_changed_at = EXCLUDED.password_changed_at, disabled_at = EXCLUDED.disabled_at,
                    failed_logins = EXCLUDED.failed_logins, locked_until = EXCLUDED.locked_until
                """, logger: logger)
        }
        if !set.endSessionsOf.isEmpty {
            try await c.query("DELETE FROM console_sessions WHERE staff = ANY(\(set.endSessionsOf)::text[])", logger: logger)
        }
        // In slices, so the national list (some 700,000 villages) is not one giant statement.
        for start in stride(from: 0, to: set.placeNames.count, by: 5_000) {
            let p = set.placeNames[start..<min(start + 5_000, set.placeNames.count)]
            try await c.query(
                """
                INSERT INTO region_names (\(unescaped: PostgresRows.placeNameColumns))
                SELECT * FROM UNNEST(\(p.map(\.code.digits))::text[], \(p.map(\.name))::text[], \(p.map(\.level.englishName))::text[])
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level
                """, logger: logger)
        }
        if !set.audit.isEmpty {
            let a = set.audit
            try await c.query(
                """
                INSERT INTO audit_log (seq, at, actor, action, subject, detail, previous_hash, hash)
                SELECT * FROM UNNEST(\(a.map(\.seq))::int8[], \(a.map(\.at.millis))::int8[], \(a.map(\.actor))::text[], \(a.map(\.action))::text[],
                    \(a.map(\.subject))::text[], \(a.map(\.detail))::text[], \(a.map(\.previousHash))::text[], \(a.map(\.hash))::text[])
                """, logger: logger)
        }
        if let h = set.head {
            try await c.query(
                """
                UPDATE sync_head SET position = \(h.position), generation = \(h.generation), clock = \(h.clock?.description),
                    audit_seq = \(h.auditSeq), audit_hash = \(h.auditHash) WHERE id = 1
                """, logger: logger)
        }
    }

    // MARK: Records

    public func records(of entity: EntityKind, in scope: RegionCode?) async throws -> [StoredRecord] {
        let (lo, hi) = scope?.codeRange ?? ("000000000000", "999999999999")
        return try await translating {
            try await rows(
                "SELECT entity, id, region, content FROM records WHERE entity = \(entity.rawValue) AND region BETWEEN \(lo) AND \(hi) ORDER BY region, id",
                as: (String, String, String, String).self
            ).map(PostgresRows.record)
        }
    }

    public func changes(after position: Int64, in scope: RegionCode, limit: Int) async throws -> [LoggedChange] {
        let (lo, hi) = scope.codeRange
        return try await translating {
            try await rows(
                """
                SELECT \(unescaped: PostgresRows.changeColumns) FROM changes
                WHERE position > \(position) AND region BETWEEN \(lo) AND \(hi) ORDER BY position LIMIT \(Int64(limit))
                """, as: PostgresRows.ChangeRow.self
            ).map(PostgresRows.change)
        }
    }

    public func head() async throws -> SyncHead {
        try await translating {
            guard
                let row = try await rows(
                    "SELECT position, generation, clock, audit_seq, audit_hash FROM sync_head WHERE id = 1",
                    as: (Int64, Int64, String?, Int64, String).self
                ).first
            else { throw StorageError(.storageFailure, "the sync_head row is missing; the database may be damaged") }
            return try PostgresRows.head(row)
        }
    }

    // MARK: Devices

    public func device(tokenHash: String) async throws -> DeviceRow? {
        try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.deviceColumns) FROM devices WHERE token_hash = \(tokenHash)",
                as: PostgresRows.DeviceRowColumns.self
            ).first.map(PostgresRows.device)
        }
    }

    public func devices(_ ids: [NodeID]) async throws -> [DeviceRow] {
        guard !ids.isEmpty else { return [] }
        return try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.deviceColumns) FROM devices WHERE id = ANY(\(ids.map(\.rawValue))::text[])",
                as: PostgresRows.DeviceRowColumns.self
            ).map(PostgresRows.device)
        }
    }

    public func allDevices() async throws -> [DeviceRow] {
        try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.deviceColumns) FROM devices ORDER BY created_at, id",
                as: PostgresRows.DeviceRowColumns.self
            )
            .map(PostgresRows.device)
        }
    }

    public func touch(_ device: NodeID, at millis: Int64) async throws {
        try await translating {
            try await execute("UPDATE devices SET last_seen_at = \(millis) WHERE id = \(device.rawValue)")
        }
    }

    // MARK: Blobs

    public func recordBlob(_ digest: FieldRollCore.SHA256Digest, size: Int64, uploader: NodeID, at millis: Int64) async throws {
        try await translating {
            try await execute(
                "INSERT INTO blobs (sha256, size, uploader, created_at) VALUES (\(digest.hex), \(size), \(uploader.rawValue), \(millis)) ON CONFLICT DO NOTHING"
            )
        }
    }

    public func blobVisible(_ digest: FieldRollCore.SHA256Digest, scope: RegionCode, device: NodeID) async throws -> Bool {
        let (lo, hi) = scope.codeRange
        return try await translating {
            let found = try await rows(
                """
                SELECT 1 FROM blob_refs WHERE sha256 = \(digest.hex) AND region BETWEEN \(lo) AND \(hi)
                UNION ALL SELECT 1 FROM blobs WHERE sha256 = \(digest.hex) AND uploader = \(device.rawValue) LIMIT 1
                """, as: (Int32).self)
            return !found.isEmpty
        }
    }

    // MARK: Conflicts

    public func conflicts(includeResolved: Bool, scope: RegionCode?) async throws -> [ConflictRecord] {
        let (lo, hi) = scope?.codeRange ?? ("000000000000", "999999999999")
        return try await translating {
            try await rows(
                """
                SELECT \(unescaped: PostgresRows.conflictColumns) FROM conflicts
                WHERE region BETWEEN \(lo) AND \(hi) AND (\(includeResolved) OR resolved_at IS NULL) ORDER BY detected_at, id
                """, as: PostgresRows.ConflictRow.self
            ).map(PostgresRows.conflict)
        }
    }

    // MARK: Cross-check flags

    public func flags(in scope: RegionCode?) async throws -> [CrossCheckFlag] {
        let (lo, hi) = scope?.codeRange ?? ("000000000000", "999999999999")
        return try await translating {
            try await rows(
                "SELECT body FROM crosscheck_flags WHERE region BETWEEN \(lo) AND \(hi) ORDER BY raised_at, id", as: (String).self
            ).map { try CrossCheckFlag(storedBody: $0) }
        }
    }

    // MARK: Results

    public func refusalCounts() async throws -> [RefusalCount] {
        try await translating {
            try await rows(
                """
                SELECT device, COALESCE(code, 'unknown'), COUNT(*) FROM change_results
                WHERE status = 'refused' GROUP BY device, COALESCE(code, 'unknown') ORDER BY device, 2
                """, as: (String, String, Int64).self
            ).map { RefusalCount(device: try NodeID($0.0), code: $0.1, count: Int($0.2)) }
        }
    }

    // MARK: Staff

    public func staff(named name: String) async throws -> StaffAccount? {
        try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.staffColumns) FROM staff WHERE name = \(name)", as: PostgresRows.StaffRow.self
            ).first.map(PostgresRows.staff)
        }
    }

    public func allStaff() async throws -> [StaffAccount] {
        try await translating {
            try await rows("SELECT \(unescaped: PostgresRows.staffColumns) FROM staff ORDER BY name", as: PostgresRows.StaffRow.self).map(
                PostgresRows.staff)
        }
    }

    public func session(tokenHash: String) async throws -> ConsoleSession? {
        try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.sessionColumns) FROM console_sessions WHERE token_hash = \(tokenHash)",
                as: PostgresRows.SessionRow.self
            ).first.map(PostgresRows.session)
        }
    }

    public func insertSession(_ session: ConsoleSession) async throws {
        try await translating {
            try await execute(
                """
                INSERT INTO console_sessions (\(unescaped: PostgresRows.sessionColumns))
                VALUES (\(session.tokenHash), \(session.staff), \(session.csrfToken), \(session.createdAt), \(session.expiresAt))
                """)
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await translating {
            try await execute("DELETE FROM console_sessions WHERE token_hash = \(tokenHash)")
        }
    }

    public func deleteExpiredSessions(now: Int64) async throws {
        try await translating {
            try await execute("DELETE FROM console_sessions WHERE expires_at <= \(now)")
        }
    }

    // MARK: Place names

    public func placeNames() async throws -> [PlaceName] {
        try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.placeNameColumns) FROM region_names ORDER BY code", as: PostgresRows.PlaceNameRow.self
            ).map(PostgresRows.placeName)
        }
    }

    // MARK: Audit

    public func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntry] {
        try await translating {
            try await rows(
                "SELECT \(unescaped: PostgresRows.auditColumns) FROM audit_log WHERE seq > \(seq) ORDER BY seq LIMIT \(Int64(limit))",
                as: PostgresRows.AuditRow.self
            ).map(PostgresRows.audit)
        }
    }

    // MARK: Administration

    public func identity() async throws -> ServerIdentity? {
        try await translating {
            let pairs = try await rows("SELECT key, value FROM server_state WHERE key IN ('node', 'key')", as: (String, String).self)
            let values = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
            guard let node = values["node"], let keyText = values["key"] else { return nil }
            guard let id = try? NodeID(node), let raw = Data(base64Encoded: keyText),
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else {
                throw StorageError(.storageFailure, "the stored server identity cannot be read; the database may be damaged")
            }
            return ServerIdentity(node: id, key: key)
        }
    }

    public func initialize(_ identity: ServerIdentity) async throws {
        let keyText = identity.key.rawRepresentation.base64EncodedString()
        try await translating {
            try await withConnection { [self] c in
                try await c.query("BEGIN", logger: logger)
                do {
                    try await c.query("SELECT 1 FROM sync_head WHERE id = 1 FOR UPDATE", logger: logger)
                    let existing = try await self.rows("SELECT value FROM server_state WHERE key = 'node'", on: c, as: (String).self)
                    guard existing.isEmpty else {
                        throw StorageError(
                            .alreadyInitialized,
                            "PostgreSQL database \(location.database) at \(location.address) already holds a FieldRoll server")
                    }
                    try await c.query(
                        "INSERT INTO server_state (key, value) VALUES ('node', \(identity.node.rawValue)), ('key', \(keyText))",
                        logger: logger)
                    try await c.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await c.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    public func ping() async throws {
        try await translating { _ = try await rows("SELECT 1", as: (Int32).self) }
    }

    /// `pg_dump --format=custom` of the whole database into `directory/fieldroll.pgdump`: one
    /// consistent snapshot, taken while the server runs.
    public func backup(to directory: String) async throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + "/fieldroll.pgdump"
        let (arguments, environment) = PostgresTools.connection(location)
        try await PostgresTools.run(
            "pg_dump", arguments + ["--format=custom", "--no-owner", "--file", target, "--dbname", location.database],
            environment: environment)
        return [target]
    }

    /// Replaces the database at `url` by a `pg_dump` custom-format file, in one transaction.
    public static func restore(from dumpFile: String, url: String) async throws {
        let location = try PostgresLocation(url: url)
        guard FileManager.default.fileExists(atPath: dumpFile) else {
            throw StorageError(.notFound, "\(dumpFile) is missing from the backup")
        }
        let (arguments, environment) = PostgresTools.connection(location)
        try await PostgresTools.run(
            "pg_restore",
            arguments + ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", location.database, dumpFile],
            environment: environment)
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }
}
