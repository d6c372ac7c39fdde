@preconcurrency import Crypto
import FieldRollCore
import Foundation
import GRDB

/// ``SyncStorage`` on one SQLite file in WAL mode (GRDB): the county's default, nothing to
/// install.
///
/// Writes are serialized by SQLite's single writer, so commit positions are handed out in commit
/// order and a pull can never skip a change that commits later. Reads run concurrently on WAL
/// snapshots. `synchronous = FULL`: an acknowledged push survives a power cut.
public final class SQLiteStorage: SyncStorage {
    public let serverNode: NodeID
    public let serverKey: Curve25519.Signing.PrivateKey
    let pool: DatabasePool

    /// Opens (creating and migrating if needed) `database`.
    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try SQLiteSchema.migrator.migrate(pool)
            (serverNode, serverKey) = try pool.write { db in try Self.loadIdentity(db) }
        } catch let error as DatabaseError {
            throw StorageError(.storageFailure, "cannot open \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// Applies pending migrations only; returns the names of those applied.
    public static func migrate(path: String) throws -> [String] {
        let pool = try DatabasePool(path: path)
        let before = try pool.read { try SQLiteSchema.migrator.appliedMigrations($0) }
        try SQLiteSchema.migrator.migrate(pool)
        let after = try pool.read { try SQLiteSchema.migrator.appliedMigrations($0) }
        return after.filter { !before.contains($0) }
    }

    static func loadIdentity(_ db: Database) throws -> (NodeID, Curve25519.Signing.PrivateKey) {
        if let node = try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'node'"),
            let keyText = try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'key'"),
            let raw = Data(base64Encoded: keyText), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw),
            let id = try? NodeID(node)
        {
            return (id, key)
        }
        let id = try NodeID("server-" + UUID().uuidString.lowercased().prefix(8))
        let key = Curve25519.Signing.PrivateKey()
        try db.execute(sql: "INSERT INTO server_state (key, value) VALUES ('node', ?), ('key', ?)", arguments: [id.rawValue, key.rawRepresentation.base64EncodedString()])
        return (id, key)
    }

    /// Runs a write transaction, turning SQLite failures into ``StorageError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw StorageError(.storageFailure, Self.describe(error))
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
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

    // MARK: Devices

    public func createDevice(name: String, role: Role, scope: RegionCode, codeHash: String, expiresAt: Int64, now: Int64) async throws -> NodeID {
        let id = try NodeID(UUID().uuidString.lowercased())
        try await write { db in
            try db.execute(
                sql: "INSERT INTO devices (id, name, role, scope, code_hash, code_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [id.rawValue, name, role.rawValue, scope.digits, codeHash, expiresAt, now])
            try Self.appendAudit(db, actor: "admin", action: "device.enrolment-issued", subject: id.rawValue, detail: "\(role.rawValue) \(name) scope \(scope)", now: now)
        }
        return id
    }

    public func redeem(codeHash: String, publicKey: Curve25519.Signing.PublicKey, tokenHash: String, proposedID: NodeID?, now: Int64) async throws -> DeviceIdentity {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE code_hash = ?", arguments: [codeHash]),
                row["redeemed_at"] as Int64? == nil, row["revoked_at"] as Int64? == nil
            else { throw ProblemDetails(code: .unauthorized, status: 401, title: "Not signed in", detail: "this enrolment code is unknown or was already used") }
            if let expires: Int64 = row["code_expires_at"], expires < now {
                throw ProblemDetails(code: .unauthorized, status: 401, title: "Not signed in", detail: "this enrolment code has expired; ask the central office for a new one")
            }
            let issued: String = row["id"]
            var id = issued
            if let proposedID, proposedID.rawValue != issued {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM devices WHERE id = ?", arguments: [proposedID.rawValue]) != true, proposedID != self.serverNode else {
                    throw ProblemDetails(code: .invalidRecord, status: 409, title: "Device id taken", detail: "device id \(proposedID) is already enrolled")
                }
                id = proposedID.rawValue
            }
            // The code is spent: clear its hash so it can never be redeemed again.
            try db.execute(
                sql: "UPDATE devices SET id = ?, code_hash = NULL, public_key = ?, token_hash = ?, redeemed_at = ?, last_seen_at = ? WHERE id = ?",
                arguments: [id, publicKey.base64, tokenHash, now, now, issued])
            try Self.appendAudit(db, actor: id, action: "device.enrolled", subject: id, detail: "issued as \(issued); public key \(publicKey.base64)", now: now)
            var identity = try Self.identity(row: row, publicKey: publicKey)
            identity.id = try NodeID(id)
            return identity
        }
    }

    static func identity(row: Row, publicKey: Curve25519.Signing.PublicKey) throws -> DeviceIdentity {
        let role = Role(rawValue: row["role"]) ?? .caseworker
        return DeviceIdentity(id: try NodeID(row["id"] as String), name: row["name"], role: role, scope: try RegionCode(row["scope"] as String), publicKey: publicKey)
    }

    public func identity(tokenHash: String, now: Int64) async throws -> DeviceIdentity {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE token_hash = ?", arguments: [tokenHash])
            guard let row, let keyText: String = row["public_key"] else {
                throw ProblemDetails(code: .unauthorized, status: 401, title: "Not signed in", detail: "the token is unknown; enrol the device again")
            }
            if row["revoked_at"] as Int64? != nil {
                throw ProblemDetails(code: .deviceRevoked, status: 401, title: "Device revoked", detail: "this device was revoked by the central office")
            }
            return try Self.identity(row: row, publicKey: try Curve25519.Signing.PublicKey(base64: keyText))
        }
    }

    public func revoke(_ device: NodeID, by actor: String, now: Int64) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE devices SET revoked_at = ?, code_hash = NULL WHERE id = ? AND revoked_at IS NULL", arguments: [now, device.rawValue])
            guard db.changesCount == 1 else {
                throw ProblemDetails(code: .notFound, status: 404, title: "Not found", detail: "no active device \(device)")
            }
            try Self.appendAudit(db, actor: "admin:\(actor)", action: "device.revoked", subject: device.rawValue, detail: "", now: now)
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY created_at, id").map { row in
                let status: DeviceRecord.Status =
                    row["revoked_at"] as Int64? != nil ? .revoked : row["redeemed_at"] as Int64? != nil ? .active : .pending
                return DeviceRecord(
                    id: try NodeID(row["id"] as String), name: row["name"], role: Role(rawValue: row["role"]) ?? .caseworker,
                    scope: try RegionCode(row["scope"] as String), status: status, createdAt: Instant(millis: row["created_at"]),
                    lastSeenAt: (row["last_seen_at"] as Int64?).map { Instant(millis: $0) })
            }
        }
    }

    // MARK: Sync

    public func push(_ changeSets: [ChangeSet], pusher: NodeID, writer: WriterContext, now: Int64, maxDrift: Int64) async throws -> PushResponse {
        let serverNode = self.serverNode
        return try await write { db in
            var clock = try Self.clock(db, node: serverNode)
            var chain = try AuditChain(db)
            var results: [ChangeResult] = []
            var keys: [NodeID: Curve25519.Signing.PublicKey?] = [:]
            for set in changeSets {
                let key: Curve25519.Signing.PublicKey?
                if let cached = keys[set.origin] { key = cached } else {
                    key = try Self.publicKey(db, of: set.origin, serverNode: serverNode, serverKey: self.serverKey)
                    keys[set.origin] = key
                }
                // The whole set stands or falls with its signature and origin.
                var refusal: (ErrorCode, String)?
                if set.origin != pusher && !writer.isServer {
                    refusal = (.forbidden, "change set \(set.id) was made by \(set.origin); a device pushes only its own change sets")
                } else if let key {
                    do { try set.verifySignature(with: key) } catch {
                        refusal = (.badSignature, "change set \(set.id): \((error as? SignatureError)?.message ?? "\(error)")")
                    }
                } else {
                    refusal = (.badSignature, "change set \(set.id): origin \(set.origin) is not an active device")
                }
                for change in set.changes {
                    if let prior = try Self.priorResult(db, change.id) {
                        results.append(prior)
                        continue
                    }
                    let result: ChangeResult
                    if let (code, detail) = refusal {
                        result = ChangeResult(change: change.id, status: .refused, code: code, detail: detail)
                    } else {
                        result = try Self.apply(db, change, set: set, originKey: key, writer: writer, now: now, maxDrift: maxDrift, clock: &clock, audit: &chain)
                    }
                    try Self.saveResult(db, result, device: pusher)
                    results.append(result)
                }
            }
            let serverTime = clock.tick(now: now)
            try Self.saveClock(db, clock)
            try chain.save(db)
            return PushResponse(results: results, serverTime: serverTime)
        }
    }

    static func apply(
        _ db: Database, _ change: Change, set: ChangeSet, originKey: Curve25519.Signing.PublicKey?, writer: WriterContext,
        now: Int64, maxDrift: Int64, clock: inout HybridLogicalClock, audit: inout AuditChain
    ) throws -> ChangeResult {
        let existing = try record(db, change.entity, change.record.lowercased())
        let decision = ChangeApplier.decide(change, origin: set.origin, originKey: originKey, writer: writer, existing: existing, now: now, maxDrift: maxDrift)
        var conflictIDs: [String] = []
        if let record = decision.record {
            if case .writes(let writes) = change.payload {
                for w in writes { _ = try? clock.receive(w.stamp, now: now) }
            }
            let position = try appendChange(db, change, set: set)
            try db.execute(
                sql: "INSERT OR REPLACE INTO records (entity, id, region, content, position) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.entity.rawValue, record.id, record.region.digits, CanonicalJSON.string(record.contentJSON), position])
            for digest in record.blobReferences {
                try db.execute(sql: "INSERT OR IGNORE INTO blob_refs (sha256, region) VALUES (?, ?)", arguments: [digest.hex, record.region.digits])
            }
            for edit in decision.conflicts {
                let id = UUID().uuidString.lowercased()
                conflictIDs.append(id)
                try db.execute(
                    sql: "INSERT INTO conflicts (id, entity, record, region, field, winner, loser, change_id, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [id, change.entity.rawValue, record.id, record.region.digits, edit.field, try encode(edit.winner), try encode(edit.loser), change.id.description, now])
            }
            try audit.append(db, actor: set.origin.rawValue, action: "change.\(decision.status.rawValue)", subject: "\(change.entity.rawValue)/\(record.id)", detail: "change \(change.id) position \(position)", now: now)
        }
        return ChangeResult(change: change.id, status: decision.status, code: decision.code, detail: decision.detail, conflicts: conflictIDs.isEmpty ? nil : conflictIDs)
    }

    static func encode<T: Encodable>(_ value: T) throws -> String { CanonicalJSON.string(try JSONValue(encoding: value)) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try JSONDecoder().decode(T.self, from: Data(text.utf8)) }

    static func record(_ db: Database, _ entity: EntityKind, _ id: String) throws -> StoredRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT region, content FROM records WHERE entity = ? AND id = ?"), arguments: [entity.rawValue, id])
        else { return nil }
        return try StoredRecord(entity: entity, id: id, region: RegionCode(row["region"] as String), json: JSONValue(parsing: (row["content"] as String).utf8))
    }

    static func appendChange(_ db: Database, _ change: Change, set: ChangeSet) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO changes (change_id, change_set_id, origin, region, body) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [change.id.description, set.id.description, set.origin.rawValue, change.region.digits, CanonicalJSON.string(change.json)])
        return db.lastInsertedRowID
    }

    static func priorResult(_ db: Database, _ id: ChangeID) throws -> ChangeResult? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT status, code, detail FROM change_results WHERE change_id = ?"), arguments: [id.description])
        else { return nil }
        let status = ChangeResult.Status(rawValue: row["status"]) ?? .refused
        // A retry of an accepted change is acknowledged as a duplicate; a refusal is repeated.
        if status == .refused {
            return ChangeResult(change: id, status: .refused, code: (row["code"] as String?).map(ErrorCode.init(rawValue:)), detail: row["detail"])
        }
        return ChangeResult(change: id, status: .duplicate)
    }

    static func saveResult(_ db: Database, _ result: ChangeResult, device: NodeID) throws {
        // A clock-skew refusal is not final: the device re-stamps and retries with the same id.
        if result.code == .clockSkew { return }
        try db.cachedStatement(sql: "INSERT INTO change_results (change_id, device, status, code, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [result.change.description, device.rawValue, result.status.rawValue, result.code?.rawValue, result.detail])
    }

    static func publicKey(_ db: Database, of origin: NodeID, serverNode: NodeID, serverKey: Curve25519.Signing.PrivateKey) throws -> Curve25519.Signing.PublicKey? {
        if origin == serverNode { return serverKey.publicKey }
        guard let text = try String.fetchOne(db, sql: "SELECT public_key FROM devices WHERE id = ? AND revoked_at IS NULL", arguments: [origin.rawValue]) else { return nil }
        return try? Curve25519.Signing.PublicKey(base64: text)
    }

    static func clock(_ db: Database, node: NodeID) throws -> HybridLogicalClock {
        let last = try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'clock'").flatMap { try? HLCTimestamp($0) }
        return HybridLogicalClock(node: node, last: last)
    }

    static func saveClock(_ db: Database, _ clock: HybridLogicalClock) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO server_state (key, value) VALUES ('clock', ?)", arguments: [clock.last.description])
    }

    public func pull(after position: Int64, scope: RegionCode, limit: Int, now: Int64) async throws -> PullPage {
        let node = serverNode
        return try await read { db in
            let (lo, hi) = Self.range(scope)
            let rows = try Row.fetchAll(
                db, sql: "SELECT position, change_set_id, origin, body FROM changes WHERE position > ? AND region BETWEEN ? AND ? ORDER BY position LIMIT ?",
                arguments: [position, lo, hi, limit + 1])
            var changes: [PulledChange] = []
            for row in rows.prefix(limit) {
                changes.append(
                    PulledChange(
                        position: row["position"], origin: try NodeID(row["origin"] as String), changeSet: try ChangeSetID(row["change_set_id"] as String),
                        change: try Change(json: JSONValue(parsing: (row["body"] as String).utf8))))
            }
            var last = changes.last?.position ?? position
            if changes.isEmpty {
                // Nothing in scope: move the cursor to the head so the next pull starts there.
                last = max(position, try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM changes") ?? 0)
            }
            var clock = try Self.clock(db, node: node)
            return PullPage(changes: changes, cursor: SyncCursor(issuer: node, position: last), more: rows.count > limit, serverTime: clock.tick(now: now))
        }
    }

    static func range(_ scope: RegionCode) -> (String, String) { scope.codeRange }

    public func records(of entity: EntityKind, in scope: RegionCode?) async throws -> [StoredRecord] {
        try await read { db in
            let (lo, hi) = scope.map(Self.range) ?? ("000000000000", "999999999999")
            return try Row.fetchAll(db, sql: "SELECT id, region, content FROM records WHERE entity = ? AND region BETWEEN ? AND ? ORDER BY region, id", arguments: [entity.rawValue, lo, hi])
                .map { try StoredRecord(entity: entity, id: $0["id"], region: RegionCode($0["region"] as String), json: JSONValue(parsing: ($0["content"] as String).utf8)) }
        }
    }

    // MARK: Blobs

    public func recordBlob(_ digest: FieldRollCore.SHA256Digest, size: Int64, uploader: NodeID, now: Int64) async throws {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO blobs (sha256, size, uploader, created_at) VALUES (?, ?, ?, ?)", arguments: [digest.hex, size, uploader.rawValue, now])
        }
    }

    public func blobVisible(_ digest: FieldRollCore.SHA256Digest, scope: RegionCode, device: NodeID) async throws -> Bool {
        try await read { db in
            let (lo, hi) = Self.range(scope)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM blob_refs WHERE sha256 = ? AND region BETWEEN ? AND ?", arguments: [digest.hex, lo, hi]) == true { return true }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM blobs WHERE sha256 = ? AND uploader = ?", arguments: [digest.hex, device.rawValue]) == true
        }
    }

    // MARK: Conflicts

    public func conflicts(includeResolved: Bool, scope: RegionCode?) async throws -> [ConflictRecord] {
        try await read { db in
            let (lo, hi) = scope.map(Self.range) ?? ("000000000000", "999999999999")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM conflicts WHERE region BETWEEN ? AND ? \(includeResolved ? "" : "AND resolved_at IS NULL") ORDER BY detected_at, id",
                arguments: [lo, hi]
            ).map(Self.conflict)
        }
    }

    static func conflict(_ row: Row) throws -> ConflictRecord {
        ConflictRecord(
            id: row["id"], entity: EntityKind(rawValue: row["entity"]) ?? .household, record: row["record"], region: try RegionCode(row["region"] as String),
            field: row["field"], winner: try decode(StampedValue.self, row["winner"]), loser: try decode(StampedValue.self, row["loser"]),
            change: try ChangeID(row["change_id"] as String), detectedAt: Instant(millis: row["detected_at"]),
            resolvedAt: (row["resolved_at"] as Int64?).map { Instant(millis: $0) }, resolvedBy: row["resolved_by"], resolution: row["resolution"])
    }

    public func resolveConflict(id: String, chooseLoser: Bool, by actor: String, now: Int64) async throws -> ConflictRecord {
        let node = serverNode, key = serverKey
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conflicts WHERE id = ?", arguments: [id]) else {
                throw ProblemDetails(code: .notFound, status: 404, title: "Not found", detail: "no conflict \(id)")
            }
            var conflict = try Self.conflict(row)
            guard conflict.resolvedAt == nil else {
                throw ProblemDetails(code: .invalidRecord, status: 409, title: "Already resolved", detail: "conflict \(id) was resolved by \(conflict.resolvedBy ?? "?")")
            }
            if chooseLoser {
                // Choosing the other value is a new write, stamped by the server after everything it has seen.
                var clock = try Self.clock(db, node: node)
                let current = try Self.record(db, conflict.entity, conflict.record)
                var base: HLCTimestamp?
                if case .state(let s)? = current?.content { base = s.fields[conflict.field]?.stamp; if let b = base { _ = try? clock.receive(b, now: now) } }
                let stamp = clock.tick(now: now)
                let change = Change(entity: conflict.entity, record: conflict.record, region: conflict.region,
                                    payload: .writes([FieldWrite(field: conflict.field, value: conflict.loser.value, stamp: stamp, base: base)]))
                let set = try ChangeSet(origin: node, stamp: stamp, changes: [change]).signed(with: key)
                let writer = WriterContext(role: .admin, scope: conflict.region.ancestor(at: .province), isServer: true)
                var chain = try AuditChain(db)
                let result = try Self.apply(db, change, set: set, originKey: key.publicKey, writer: writer, now: now, maxDrift: HybridLogicalClock.defaultMaxDrift, clock: &clock, audit: &chain)
                try chain.save(db)
                guard result.status != .refused else {
                    throw ProblemDetails(code: result.code ?? .invalidRecord, status: 422, title: "Cannot apply", detail: result.detail)
                }
                try Self.saveResult(db, result, device: node)
                try Self.saveClock(db, clock)
            }
            conflict.resolvedAt = Instant(millis: now)
            conflict.resolvedBy = actor
            conflict.resolution = chooseLoser ? "chose-loser" : "kept-winner"
            try db.execute(sql: "UPDATE conflicts SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?", arguments: [now, actor, conflict.resolution, id])
            try Self.appendAudit(db, actor: "admin:\(actor)", action: "conflict.resolved", subject: id, detail: conflict.resolution ?? "", now: now)
            return conflict
        }
    }

    // MARK: Audit

    public func audit(actor: String, action: String, subject: String, detail: String, now: Int64) async throws {
        try await write { db in try Self.appendAudit(db, actor: "admin:\(actor)", action: action, subject: subject, detail: detail, now: now) }
    }

    static func appendAudit(_ db: Database, actor: String, action: String, subject: String, detail: String, now: Int64) throws {
        var chain = try AuditChain(db)
        try chain.append(db, actor: actor, action: action, subject: subject, detail: detail, now: now)
        try chain.save(db)
    }

    /// The head of the audit chain, read once per transaction and written back at its end.
    struct AuditChain {
        var seq: Int64
        var hash: String

        init(_ db: Database) throws {
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            seq = head?["seq"] ?? 0
            hash = head?["hash"] ?? AuditEntry.genesis
        }

        mutating func append(_ db: Database, actor: String, action: String, subject: String, detail: String, now: Int64) throws {
            let next = seq + 1
            let h = AuditEntry.hash(seq: next, at: Instant(millis: now), actor: actor, action: action, subject: subject, detail: detail, previous: hash)
            try db.cachedStatement(sql: "INSERT INTO audit_log (seq, at, actor, action, subject, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [next, now, actor, action, subject, detail, hash, h])
            seq = next
            hash = h
        }

        func save(_ db: Database) throws {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO server_state (key, value) VALUES ('audit_head', ?)").execute(arguments: ["\(seq):\(hash)"])
        }
    }

    public func verifyAudit() async throws -> AuditVerification {
        try await read { db in
            var previous = AuditEntry.genesis
            var expected: Int64 = 1
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
            while let row = try cursor.next() {
                let seq: Int64 = row["seq"]
                if seq != expected { return AuditVerification(entries: expected - 1, firstBad: (expected, "entry \(expected) is missing")) }
                if row["previous_hash"] as String != previous { return AuditVerification(entries: seq - 1, firstBad: (seq, "entry \(seq) does not follow entry \(seq - 1)")) }
                let hash = AuditEntry.hash(seq: seq, at: Instant(millis: row["at"]), actor: row["actor"], action: row["action"], subject: row["subject"], detail: row["detail"], previous: previous)
                if hash != row["hash"] as String { return AuditVerification(entries: seq - 1, firstBad: (seq, "entry \(seq) was altered")) }
                previous = hash
                expected += 1
            }
            let count = expected - 1
            let head = try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'audit_head'")
            if let head, head != "\(count):\(previous)" {
                return AuditVerification(entries: count, firstBad: (count + 1, "entries after \(count) were removed (the recorded head is \(head.prefix(24))…)"))
            }
            return AuditVerification(entries: count, firstBad: nil)
        }
    }
}
