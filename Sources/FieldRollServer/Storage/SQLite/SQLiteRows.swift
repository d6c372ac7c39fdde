@preconcurrency import Crypto
import FieldRollCore
import Foundation
import GRDB

/// Reading and writing ``SQLiteStorage``'s rows. Every decoder throws on a value it cannot
/// read: a damaged row is an error, never a silent default.
enum SQLiteRows {
    static func damaged(_ what: String) -> StorageError {
        StorageError(.storageFailure, "a stored \(what) cannot be read; the database may be damaged")
    }

    // MARK: Snapshot and write set

    static func snapshot(_ db: Database, _ request: ReadRequest) throws -> WriteSnapshot {
        var snapshot = WriteSnapshot(head: try head(db))
        let recordStatement = try db.cachedStatement(
            sql: "SELECT id, region, content, position FROM records WHERE entity = ? AND id = ?")
        for key in request.records where snapshot.records[key] == nil {
            if let row = try Row.fetchOne(recordStatement, arguments: [key.entity.rawValue, key.id]) {
                snapshot.records[key] = try record(key.entity, row)
                snapshot.positions[key] = row["position"]
            }
        }
        for read in request.scopes {
            let (lo, hi) = read.scope?.codeRange ?? ("000000000000", "999999999999")
            for row in try Row.fetchAll(
                db, sql: "SELECT id, region, content, position FROM records WHERE entity = ? AND region BETWEEN ? AND ?",
                arguments: [read.entity.rawValue, lo, hi])
            {
                let record = try record(read.entity, row)
                snapshot.records[RecordKey(read.entity, record.id)] = record
                snapshot.positions[RecordKey(read.entity, record.id)] = row["position"]
            }
        }
        let resultStatement = try db.cachedStatement(
            sql: "SELECT change_id, device, status, code, detail, conflicts FROM change_results WHERE change_id = ?")
        for id in request.changeIDs {
            if let row = try Row.fetchOne(resultStatement, arguments: [id.description]) {
                snapshot.results[id] = try result(row)
            }
        }
        snapshot.devices = try devices(db, ids: request.deviceIDs)
        if let hash = request.deviceCodeHash,
            let row = try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE code_hash = ?", arguments: [hash])
        {
            snapshot.devices.append(try device(row))
        }
        for id in request.conflictIDs {
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM conflicts WHERE id = ?", arguments: [id]) {
                snapshot.conflicts.append(try conflict(row))
            }
        }
        let flagStatement = try db.cachedStatement(sql: "SELECT body FROM crosscheck_flags WHERE household = ? ORDER BY raised_at, id")
        for household in Set(request.flagHouseholds) {
            for body in try String.fetchAll(flagStatement, arguments: [household.description]) {
                snapshot.flags.append(try CrossCheckFlag(storedBody: body))
            }
        }
        let staffStatement = try db.cachedStatement(sql: "SELECT * FROM staff WHERE name = ?")
        for name in Set(request.staffNames) {
            if let row = try Row.fetchOne(staffStatement, arguments: [name]) { snapshot.staff.append(try staff(row)) }
        }
        let historyStatement = try db.cachedStatement(sql: "SELECT body FROM changes WHERE entity = ? AND record = ? ORDER BY position")
        for key in Set(request.histories) {
            let writes = try String.fetchAll(historyStatement, arguments: [key.entity.rawValue, key.id]).flatMap(fieldWrites)
            if !writes.isEmpty { snapshot.history[key] = writes }
        }
        return snapshot
    }

    static func save(_ db: Database, _ set: WriteSet) throws {
        for write in set.devices {
            let r = write.row
            if let old = write.replacing, old != r.id {
                try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [old.rawValue])
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO devices (id, name, role, scope, code_hash, code_expires_at, public_key, token_hash, created_at, redeemed_at, revoked_at, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    r.id.rawValue, r.name, r.role.rawValue, r.scope.digits, r.codeHash, r.codeExpiresAt, r.publicKey, r.tokenHash,
                    r.createdAt, r.redeemedAt,
                    r.revokedAt, r.lastSeenAt,
                ])
        }
        let insertChange = try db.cachedStatement(
            sql:
                "INSERT INTO changes (position, change_id, change_set_id, origin, region, body, entity, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for c in set.changes {
            try insertChange.execute(arguments: [
                c.position, c.changeID.description, c.changeSet.description, c.origin.rawValue, c.region.digits, c.body,
                c.record?.entity.rawValue, c.record?.id,
            ])
        }
        let upsertRecord = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO records (entity, id, region, content, position) VALUES (?, ?, ?, ?, ?)")
        for r in set.records {
            let position = set.recordPositions[RecordKey(r.entity, r.id)] ?? 0
            try upsertRecord.execute(arguments: [r.entity.rawValue, r.id, r.region.digits, CanonicalJSON.string(r.contentJSON), position])
        }
        let insertResult = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO change_results (change_id, device, status, code, detail, conflicts) VALUES (?, ?, ?, ?, ?, ?)")
        for s in set.results {
            try insertResult.execute(arguments: [
                s.result.change.description, s.device.rawValue, s.result.status.rawValue, s.result.code?.rawValue, s.result.detail,
                try s.result.conflicts.map { try encode($0) },
            ])
        }
        for c in set.conflicts {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO conflicts (id, entity, record, region, field, winner, loser, change_id, detected_at, resolved_at, resolved_by, resolution)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    c.id, c.entity.rawValue, c.record, c.region.digits, c.field, try encode(c.winner), try encode(c.loser),
                    c.change.description,
                    c.detectedAt.millis, c.resolvedAt?.millis, c.resolvedBy, c.resolution,
                ])
        }
        let insertRef = try db.cachedStatement(sql: "INSERT OR IGNORE INTO blob_refs (sha256, region) VALUES (?, ?)")
        for ref in set.blobReferences { try insertRef.execute(arguments: [ref.digest.hex, ref.region.digits]) }
        let insertFlag = try db.cachedStatement(
            sql: "INSERT INTO crosscheck_flags (id, household, region, source, rule, raised_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for f in set.flags {
            try insertFlag.execute(arguments: [
                f.id, f.household.description, f.region.digits, f.source.rawValue, f.rule.rawValue, f.raisedAt.millis, try f.storedBody(),
            ])
        }
        for a in set.staff {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO staff (name, role, scope, password_hash, created_at, password_changed_at, disabled_at, failed_logins, locked_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    a.name, a.role.rawValue, a.scope.digits, a.passwordHash, a.createdAt, a.passwordChangedAt, a.disabledAt, a.failedLogins,
                    a.lockedUntil,
                ])
        }
        for name in set.endSessionsOf {
            try db.execute(sql: "DELETE FROM console_sessions WHERE staff = ?", arguments: [name])
        }
        let upsertPlaceName = try db.cachedStatement(sql: "INSERT OR REPLACE INTO region_names (code, name, level) VALUES (?, ?, ?)")
        for p in set.placeNames { try upsertPlaceName.execute(arguments: [p.code.digits, p.name, p.level.englishName]) }
        let insertAudit = try db.cachedStatement(
            sql: "INSERT INTO audit_log (seq, at, actor, action, subject, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for e in set.audit {
            try insertAudit.execute(arguments: [e.seq, e.at.millis, e.actor, e.action, e.subject, e.detail, e.previousHash, e.hash])
        }
        if let h = set.head {
            try db.execute(
                sql: "UPDATE sync_head SET position = ?, generation = ?, clock = ?, audit_seq = ?, audit_hash = ? WHERE id = 1",
                arguments: [h.position, h.generation, h.clock?.description, h.auditSeq, h.auditHash])
        }
    }

    // MARK: Rows

    static func head(_ db: Database) throws -> SyncHead {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM sync_head WHERE id = 1")) else {
            throw damaged("sync head")
        }
        var clock: HLCTimestamp?
        if let text: String = row["clock"] {
            guard let c = try? HLCTimestamp(text) else { throw damaged("server clock") }
            clock = c
        }
        return SyncHead(
            position: row["position"], generation: row["generation"], clock: clock, auditSeq: row["audit_seq"], auditHash: row["audit_hash"]
        )
    }

    static func identity(_ db: Database) throws -> ServerIdentity? {
        guard let node = try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'node'"),
            let keyText = try String.fetchOne(db, sql: "SELECT value FROM server_state WHERE key = 'key'")
        else { return nil }
        guard let id = try? NodeID(node), let raw = Data(base64Encoded: keyText),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw damaged("server identity")
        }
        return ServerIdentity(node: id, key: key)
    }

    static func record(_ entity: EntityKind, _ row: Row) throws -> StoredRecord {
        do {
            return try StoredRecord(
                entity: entity, id: row["id"], region: RegionCode(row["region"] as String),
                json: JSONValue(parsing: (row["content"] as String).utf8))
        } catch { throw damaged("record") }
    }

    static func change(_ row: Row) throws -> LoggedChange {
        do {
            var record: RecordKey?
            if let entity = row["entity"] as String?, let id = row["record"] as String? {
                guard let kind = EntityKind(rawValue: entity) else { throw damaged("change") }
                record = RecordKey(kind, id)
            }
            return LoggedChange(
                position: row["position"], changeID: try ChangeID(row["change_id"] as String),
                changeSet: try ChangeSetID(row["change_set_id"] as String),
                origin: try NodeID(row["origin"] as String), region: try RegionCode(row["region"] as String), body: row["body"],
                record: record)
        } catch { throw damaged("change") }
    }

    /// The field writes of a logged change (none for a body).
    static func fieldWrites(_ body: String) throws -> [FieldWrite] {
        do {
            guard case .writes(let writes) = try Change(json: JSONValue(parsing: body.utf8)).payload else { return [] }
            return writes
        } catch { throw damaged("change") }
    }

    static func result(_ row: Row) throws -> StoredResult {
        guard let status = ChangeResult.Status(rawValue: row["status"]), let id = try? ChangeID(row["change_id"] as String),
            let device = try? NodeID(row["device"] as String)
        else { throw damaged("change result") }
        let conflicts: [String]?
        do { conflicts = try (row["conflicts"] as String?).map { try decode([String].self, $0) } } catch {
            throw damaged("change result")
        }
        return StoredResult(
            result: ChangeResult(
                change: id, status: status, code: (row["code"] as String?).map(ErrorCode.init(rawValue:)), detail: row["detail"],
                conflicts: conflicts),
            device: device)
    }

    static func devices(_ db: Database, ids: [NodeID]) throws -> [DeviceRow] {
        let statement = try db.cachedStatement(sql: "SELECT * FROM devices WHERE id = ?")
        return try ids.compactMap { id in try Row.fetchOne(statement, arguments: [id.rawValue]).map(device) }
    }

    static func device(_ row: Row) throws -> DeviceRow {
        guard let role = Role(rawValue: row["role"]), let id = try? NodeID(row["id"] as String),
            let scope = try? RegionCode(row["scope"] as String)
        else {
            throw damaged("device")
        }
        return DeviceRow(
            id: id, name: row["name"], role: role, scope: scope, codeHash: row["code_hash"], codeExpiresAt: row["code_expires_at"],
            publicKey: row["public_key"],
            tokenHash: row["token_hash"], createdAt: row["created_at"], redeemedAt: row["redeemed_at"], revokedAt: row["revoked_at"],
            lastSeenAt: row["last_seen_at"])
    }

    static func conflict(_ row: Row) throws -> ConflictRecord {
        guard let entity = EntityKind(rawValue: row["entity"]) else { throw damaged("conflict") }
        do {
            return ConflictRecord(
                id: row["id"], entity: entity, record: row["record"], region: try RegionCode(row["region"] as String), field: row["field"],
                winner: try decode(StampedValue.self, row["winner"]), loser: try decode(StampedValue.self, row["loser"]),
                change: try ChangeID(row["change_id"] as String), detectedAt: Instant(millis: row["detected_at"]),
                resolvedAt: (row["resolved_at"] as Int64?).map { Instant(millis: $0) }, resolvedBy: row["resolved_by"],
                resolution: row["resolution"])
        } catch { throw damaged("conflict") }
    }

    static func staff(_ row: Row) throws -> StaffAccount {
        guard let role = StaffRole(rawValue: row["role"]), let scope = try? RegionCode(row["scope"] as String) else {
            throw damaged("staff account")
        }
        return StaffAccount(
            name: row["name"], role: role, scope: scope, passwordHash: row["password_hash"], createdAt: row["created_at"],
            passwordChangedAt: row["password_changed_at"], disabledAt: row["disabled_at"], failedLogins: row["failed_logins"],
            lockedUntil: row["locked_until"])
    }

    static func session(_ row: Row) -> ConsoleSession {
        ConsoleSession(
            tokenHash: row["token_hash"], staff: row["staff"], csrfToken: row["csrf_token"], createdAt: row["created_at"],
            expiresAt: row["expires_at"])
    }

    static func placeName(_ row: Row) throws -> PlaceName {
        guard let code = try? RegionCode(row["code"] as String), let level = RegionCode.Level(englishName: row["level"]) else {
            throw damaged("place name")
        }
        return PlaceName(code: code, name: row["name"], level: level)
    }

    static func audit(_ row: Row) throws -> AuditEntry {
        AuditEntry(
            seq: row["seq"], at: Instant(millis: row["at"]), actor: row["actor"], action: row["action"], subject: row["subject"],
            detail: row["detail"],
            previousHash: row["previous_hash"], hash: row["hash"])
    }

    static func encode<T: Encodable>(_ value: T) throws -> String { CanonicalJSON.string(try JSONValue(encoding: value)) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try JSONDecoder().decode(T.self, from: Data(text.utf8)) }
}
