@preconcurrency import Crypto
import FieldRollCore
import Foundation
import GRDB

/// How this device reaches its server: saved at enrolment (the token sealed like other secrets).
public struct EnrolmentRecord: Sendable, Codable, Hashable {
    /// Where the server is, and how to trust it.
    public var endpoint: ServerEndpoint
    /// The bearer token the server issued at enrolment (kept sealed; never logged).
    public var token: String
    /// The server's node id (the issuer of this device's pull cursors).
    public var server: NodeID
    /// The server's Ed25519 public key, base64: it signs the server's own change sets.
    public var serverPublicKey: String
    /// The role the office gave this device.
    public var role: Role
    /// The region this device works in: what it may write and what it pulls.
    public var scope: RegionCode

    /// An enrolment as the server granted it.
    public init(endpoint: ServerEndpoint, token: String, server: NodeID, serverPublicKey: String, role: Role, scope: RegionCode) {
        self.endpoint = endpoint
        self.token = token
        self.server = server
        self.serverPublicKey = serverPublicKey
        self.role = role
        self.scope = scope
    }
}

/// A change the server refused for good, kept on the device so nothing disappears unseen.
public struct RejectedChange: Sendable, Codable, Hashable {
    /// The refused change's id.
    public var change: ChangeID
    /// The kind of record it wrote.
    public var entity: EntityKind
    /// The record's id.
    public var record: String
    /// Why the server refused it (`scope-violation`, `invalid-record`, …).
    public var code: ErrorCode
    /// The server's explanation, for people.
    public var detail: String
}

extension DeviceStore {
    /// Saves the enrolment (server, token, scope).
    package func saveEnrolment(_ e: EnrolmentRecord) throws {
        let sealed = try vault.seal(CanonicalJSON.bytes(try JSONValue(encoding: e)))
        _ = try commit { tx in
            try tx.db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('enrolment', ?)", arguments: [sealed])
        }
    }

    /// The saved enrolment, if this device is enrolled.
    public func enrolment() throws -> EnrolmentRecord? { try openEnrolment(read(Self.sealedEnrolment)) }

    /// ``enrolment()`` for async callers (the sync engine).
    func enrolmentAsync() async throws -> EnrolmentRecord? { try openEnrolment(await read(Self.sealedEnrolment)) }

    private static let sealedEnrolment: @Sendable (Database) throws -> Data? = {
        try Data.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'enrolment'")
    }

    private func openEnrolment(_ sealed: Data?) throws -> EnrolmentRecord? {
        guard let sealed else { return nil }
        return try JSONValue(parsing: vault.open(sealed)).decode(as: EnrolmentRecord.self)
    }

    /// Photos not yet on the server: digest and size, oldest first.
    package func photosToUpload() throws -> [(digest: FieldRollCore.SHA256Digest, size: Int64)] { try read(Self.photosNotUploaded) }

    /// ``photosToUpload()`` for async callers.
    func photosToUploadAsync() async throws -> [(digest: FieldRollCore.SHA256Digest, size: Int64)] {
        try await read(Self.photosNotUploaded)
    }

    private static let photosNotUploaded: @Sendable (Database) throws -> [(digest: FieldRollCore.SHA256Digest, size: Int64)] = { db in
        try Row.fetchAll(db, sql: "SELECT sha256, size FROM photos WHERE uploaded = 0 ORDER BY created_at, sha256").map {
            (try FieldRollCore.SHA256Digest(hex: $0["sha256"] as String), $0["size"] as Int64)
        }
    }

    /// Notes that the server holds a photo, so it is never sent again.
    package func markUploaded(_ d: FieldRollCore.SHA256Digest) throws { _ = try commit(Self.markingUploaded(d)) }

    /// ``markUploaded(_:)`` for async callers.
    func markUploadedAsync(_ d: FieldRollCore.SHA256Digest) async throws { _ = try await commit(Self.markingUploaded(d)) }

    private static func markingUploaded(_ d: FieldRollCore.SHA256Digest) -> @Sendable (inout LocalTransaction) throws -> Void {
        { tx in try tx.db.execute(sql: "UPDATE photos SET uploaded = 1 WHERE sha256 = ?", arguments: [d.hex]) }
    }

    /// Takes the server's verdicts on pushed change sets: acknowledged sets leave the outbox;
    /// changes refused for good are moved to the rejected list (never silently dropped). Sets
    /// with a change refused for `clock-skew` stay, to be re-stamped.
    package func settle(_ sets: [ChangeSet], results: [ChangeResult]) throws { _ = try commit(settling(sets, results: results)) }

    /// ``settle(_:results:)`` for async callers.
    func settleAsync(_ sets: [ChangeSet], results: [ChangeResult]) async throws { _ = try await commit(settling(sets, results: results)) }

    private func settling(_ sets: [ChangeSet], results: [ChangeResult]) -> @Sendable (inout LocalTransaction) throws -> Void {
        let byChange = Dictionary(results.map { ($0.change, $0) }, uniquingKeysWith: { a, _ in a })
        let physical = now()
        let vault = self.vault
        return { tx in
            for set in sets {
                let verdicts = set.changes.compactMap { byChange[$0.id] }
                guard verdicts.count == set.changes.count, verdicts.allSatisfy(\.isAcknowledged) else { continue }
                for (change, verdict) in zip(set.changes, verdicts) where verdict.status == .refused {
                    try tx.db.execute(
                        sql: "INSERT OR REPLACE INTO rejected (change_id, change_set_id, code, detail, body, at) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [
                            change.id.description, set.id.description, verdict.code?.rawValue ?? "refused", verdict.detail ?? "",
                            try vault.seal(CanonicalJSON.bytes(try JSONValue(encoding: change))), physical,
                        ])
                }
                // Keep it: a server restored from an older backup will need it again.
                try tx.db.execute(
                    sql:
                        "INSERT OR IGNORE INTO sent (seq, change_set_id, body, changes, size, created_at) SELECT seq, change_set_id, body, changes, size, created_at FROM outbox WHERE change_set_id = ?",
                    arguments: [set.id.description])
                try tx.db.execute(sql: "DELETE FROM outbox WHERE change_set_id = ?", arguments: [set.id.description])
            }
        }
    }

    /// Takes note of the server's generation (how often it was restored from a backup). When it
    /// has changed since the last sync, the server may have lost changes it had acknowledged: every
    /// sent change set goes back into the outbox, in its original order, and every photo taken
    /// here is checked again — the server answers what it still has as a duplicate.
    /// - Returns: how many change sets were put back for sending.
    @discardableResult
    package func noteServerGeneration(_ generation: Int64) throws -> Int { try commit(Self.noting(generation)) }

    /// ``noteServerGeneration(_:)`` for async callers.
    @discardableResult
    func noteServerGenerationAsync(_ generation: Int64) async throws -> Int { try await commit(Self.noting(generation)) }

    private static func noting(_ generation: Int64) -> @Sendable (inout LocalTransaction) throws -> Int {
        { tx in
            let stored = try Data.fetchOne(tx.db, sql: "SELECT value FROM meta WHERE key = 'server_generation'").flatMap {
                Int64(String(decoding: $0, as: UTF8.self))
            }
            if stored == generation { return 0 }
            try tx.db.execute(
                sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('server_generation', ?)", arguments: [Data(String(generation).utf8)])
            // Any other generation than the one last seen means a restore (normally a higher one;
            // a lower one when the server was restored onto an empty database): send again.
            guard let stored, generation != stored else { return 0 }
            let count = try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM sent") ?? 0
            try tx.db.execute(
                sql:
                    "INSERT OR IGNORE INTO outbox (seq, change_set_id, body, changes, size, created_at) SELECT seq, change_set_id, body, changes, size, created_at FROM sent"
            )
            try tx.db.execute(sql: "DELETE FROM sent")
            // Only this device's own photos: a downloaded one came from the server's copy.
            try tx.db.execute(sql: "UPDATE photos SET uploaded = 0 WHERE downloaded = 0")
            return count
        }
    }

    /// Changes the server refused for good.
    public func rejected() throws -> [RejectedChange] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT code, detail, body FROM rejected ORDER BY at, change_id").map { row in
                let change = try JSONValue(parsing: vault.open(row["body"])).decode(as: Change.self)
                return RejectedChange(
                    change: change.id, entity: change.entity, record: change.record, code: ErrorCode(rawValue: row["code"]),
                    detail: row["detail"])
            }
        }
    }

    /// After a `clock-skew` refusal: restarts the device clock from the server's time (which is
    /// past every stamp of this device the server ever accepted), and re-stamps and re-signs
    /// every change still in the outbox, updating the local records to the new stamps. Values,
    /// bases between the device's own edits, and order are kept.
    package func restampOutbox(serverTime: HLCTimestamp) throws {
        let offset = serverTime.physical - now()
        _ = try commit(restamping(serverTime: serverTime, offset: offset))
        clockOffset.withLock { $0 = offset }
    }

    /// ``restampOutbox(serverTime:)`` for async callers.
    func restampOutboxAsync(serverTime: HLCTimestamp) async throws {
        let offset = serverTime.physical - now()
        _ = try await commit(restamping(serverTime: serverTime, offset: offset))
        clockOffset.withLock { $0 = offset }
    }

    private func restamping(serverTime: HLCTimestamp, offset: Int64) -> @Sendable (inout LocalTransaction) throws -> Void {
        let (id, key) = (deviceID, signingKey)
        let vault = self.vault
        return { tx in
            try tx.db.execute(
                sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", arguments: [Data(String(offset).utf8)])
            tx.clock = HybridLogicalClock(node: id, last: serverTime)
            var renamed: [HLCTimestamp: HLCTimestamp] = [:]
            for row in try Row.fetchAll(tx.db, sql: "SELECT seq, body FROM outbox ORDER BY seq") {
                var set = try ChangeSet(json: JSONValue(parsing: vault.open(row["body"])))
                for i in set.changes.indices {
                    guard case .writes(let writes) = set.changes[i].payload else { continue }
                    let stamp = tx.tick()
                    var rewritten: [FieldWrite] = []
                    for w in writes where w.stamp.node == id {
                        renamed[w.stamp] = stamp
                        rewritten.append(FieldWrite(field: w.field, value: w.value, stamp: stamp, base: w.base.map { renamed[$0] ?? $0 }))
                    }
                    set.changes[i].payload = .writes(rewritten)
                    let c = set.changes[i]
                    if let (state, region) = try tx.state(c.entity, c.record) {
                        var s = state
                        for (name, f) in s.fields where f.stamp.node == id {
                            if let n = renamed[f.stamp] {
                                s.fields[name] = StampedValue(value: f.value, stamp: n, base: f.base.map { renamed[$0] ?? $0 })
                            }
                        }
                        let household = c.entity == .household ? c.record : Self.canonicalID(s.fields["householdID"]?.value)
                        try RecordCodec.save(
                            tx.db, entity: c.entity, id: c.record, region: region, household: household, state: s, vault: vault)
                    }
                }
                set.stamp = tx.tick()
                set = try set.signed(with: key)
                let json = set.json.canonicalBytes
                try tx.db.execute(
                    sql: "UPDATE outbox SET body = ?, size = ? WHERE seq = ?",
                    arguments: [try vault.seal(json), json.count, row["seq"] as Int64])
            }
        }
    }
}
