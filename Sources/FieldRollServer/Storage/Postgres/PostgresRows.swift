import FieldRollCore
import Foundation
import PostgresNIO

/// The column lists FieldRoll selects, and how each row becomes a value.
///
/// A row that does not decode (a bad region code, a damaged JSON body) is a
/// ``StorageError`` (`storage-failure`) naming the table and key: never a silent default.
enum PostgresRows {
    static let headColumns = "position, generation, clock, audit_seq, audit_hash"
    typealias HeadRow = (Int64, Int64, String?, Int64, String)

    static func head(_ row: HeadRow) throws -> SyncHead {
        let clock = try row.2.map { text in try decoding("sync_head", "clock") { try HLCTimestamp(text) } }
        return SyncHead(position: row.0, generation: row.1, clock: clock, auditSeq: row.3, auditHash: row.4)
    }

    static let recordColumns = "entity, id, region, content"
    typealias RecordRow = (String, String, String, String)

    static func record(_ row: RecordRow) throws -> StoredRecord {
        try decoding("records", "\(row.0)/\(row.1)") {
            guard let entity = EntityKind(rawValue: row.0) else { throw Failure("unknown entity \(row.0)") }
            return try StoredRecord(entity: entity, id: row.1, region: RegionCode(row.2), json: JSONValue(parsing: row.3.utf8))
        }
    }

    static let changeColumns = "position, change_id, change_set_id, origin, region, body, entity, record"
    typealias ChangeRow = (Int64, String, String, String, String, String, String?, String?)

    static func change(_ row: ChangeRow) throws -> LoggedChange {
        try decoding("changes", String(row.0)) {
            var record: RecordKey?
            if let entity = row.6, let id = row.7 {
                guard let kind = EntityKind(rawValue: entity) else { throw Failure("unknown entity \(entity)") }
                record = RecordKey(kind, id)
            }
            return LoggedChange(
                position: row.0, changeID: try ChangeID(row.1), changeSet: try ChangeSetID(row.2), origin: try NodeID(row.3),
                region: try RegionCode(row.4), body: row.5, record: record)
        }
    }

    /// The field writes of a logged change (none for a body).
    static func fieldWrites(_ position: Int64, _ body: String) throws -> [FieldWrite] {
        try decoding("changes", String(position)) {
            guard case .writes(let writes) = try Change(json: JSONValue(parsing: body.utf8)).payload else { return [] }
            return writes
        }
    }

    static let resultColumns = "change_id, device, status, code, detail, conflicts"
    typealias ResultRow = (String, String, String, String?, String?, String?)

    static func result(_ row: ResultRow) throws -> StoredResult {
        try decoding("change_results", row.0) {
            guard let status = ChangeResult.Status(rawValue: row.2) else { throw Failure("unknown status \(row.2)") }
            let conflicts = try row.5.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            let result = ChangeResult(
                change: try ChangeID(row.0), status: status, code: row.3.map(ErrorCode.init(rawValue:)), detail: row.4, conflicts: conflicts
            )
            return StoredResult(result: result, device: try NodeID(row.1))
        }
    }

    /// The conflict ids of a result as stored: a JSON array, or NULL when the result has none.
    static func conflictsText(_ conflicts: [String]?) -> String? {
        guard let conflicts else { return nil }
        return CanonicalJSON.string(.array(conflicts.map { .string($0) }))
    }

    static let deviceColumns =
        "id, name, role, scope, code_hash, code_expires_at, public_key, token_hash, created_at, redeemed_at, revoked_at, last_seen_at"
    typealias DeviceRowColumns = (String, String, String, String, String?, Int64?, String?, String?, Int64, Int64?, Int64?, Int64?)

    static func device(_ row: DeviceRowColumns) throws -> DeviceRow {
        try decoding("devices", row.0) {
            guard let role = Role(rawValue: row.2) else { throw Failure("unknown role \(row.2)") }
            return DeviceRow(
                id: try NodeID(row.0), name: row.1, role: role, scope: try RegionCode(row.3), codeHash: row.4, codeExpiresAt: row.5,
                publicKey: row.6,
                tokenHash: row.7, createdAt: row.8, redeemedAt: row.9, revokedAt: row.10, lastSeenAt: row.11)
        }
    }

    static let conflictColumns =
        "id, entity, record, region, field, winner, loser, change_id, detected_at, resolved_at, resolved_by, resolution"
    typealias ConflictRow = (String, String, String, String, String, String, String, String, Int64, Int64?, String?, String?)

    static func conflict(_ row: ConflictRow) throws -> ConflictRecord {
        try decoding("conflicts", row.0) {
            guard let entity = EntityKind(rawValue: row.1) else { throw Failure("unknown entity \(row.1)") }
            return ConflictRecord(
                id: row.0, entity: entity, record: row.2, region: try RegionCode(row.3), field: row.4,
                winner: try JSONDecoder().decode(StampedValue.self, from: Data(row.5.utf8)),
                loser: try JSONDecoder().decode(StampedValue.self, from: Data(row.6.utf8)), change: try ChangeID(row.7),
                detectedAt: Instant(millis: row.8), resolvedAt: row.9.map { Instant(millis: $0) }, resolvedBy: row.10, resolution: row.11)
        }
    }

    /// A stamped value as stored in `conflicts.winner`/`loser`: canonical JSON, as SQLite keeps it.
    static func stampedText(_ value: StampedValue) throws -> String { CanonicalJSON.string(try JSONValue(encoding: value)) }

    static let auditColumns = "seq, at, actor, action, subject, detail, previous_hash, hash"
    typealias AuditRow = (Int64, Int64, String, String, String, String, String, String)

    static func audit(_ row: AuditRow) -> AuditEntry {
        AuditEntry(
            seq: row.0, at: Instant(millis: row.1), actor: row.2, action: row.3, subject: row.4, detail: row.5, previousHash: row.6,
            hash: row.7)
    }

    /// Why a stored value does not decode.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `body`, turning any failure into a `storage-failure` naming the table and row.
    static func decoding<T>(_ table: String, _ key: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FieldRollError {
            throw StorageError(.storageFailure, "a stored \(table) row (\(key.prefix(80))) does not decode: \(error.message)")
        } catch {
            throw StorageError(.storageFailure, "a stored \(table) row (\(key.prefix(80))) does not decode: \(error)")
        }
    }

    static let staffColumns =
        "name, role, scope, password_hash, created_at, password_changed_at, disabled_at, failed_logins, locked_until"
    typealias StaffRow = (String, String, String, String, Int64, Int64, Int64?, Int32, Int64?)

    static func staff(_ row: StaffRow) throws -> StaffAccount {
        try decoding("staff", row.0) {
            guard let role = StaffRole(rawValue: row.1) else { throw Failure("unknown role \(row.1)") }
            return StaffAccount(
                name: row.0, role: role, scope: try RegionCode(row.2), passwordHash: row.3, createdAt: row.4, passwordChangedAt: row.5,
                disabledAt: row.6, failedLogins: Int(row.7), lockedUntil: row.8)
        }
    }

    static let placeNameColumns = "code, name, level"
    typealias PlaceNameRow = (String, String, String)

    static func placeName(_ row: PlaceNameRow) throws -> PlaceName {
        try decoding("region_names", row.0) {
            guard let level = RegionCode.Level(englishName: row.2) else { throw Failure("unknown level \(row.2)") }
            return PlaceName(code: try RegionCode(row.0), name: row.1, level: level)
        }
    }

    static let sessionColumns = "token_hash, staff, csrf_token, created_at, expires_at"
    typealias SessionRow = (String, String, String, Int64, Int64)

    static func session(_ row: SessionRow) -> ConsoleSession {
        ConsoleSession(tokenHash: row.0, staff: row.1, csrfToken: row.2, createdAt: row.3, expiresAt: row.4)
    }
}
