import FieldRollCore
import Foundation
import GRDB

/// A household with everything the device knows of it.
public struct HouseholdDetail: Sendable, Codable, Hashable {
    /// The household's fields as merged on this device.
    public var household: Household
    /// Its members, oldest first.
    public var members: [Member]
    /// Its survey visits, oldest first.
    public var visits: [Visit]
    /// The records of its visits' photos (the bytes may or may not be on this device: ``photosOnDevice``).
    public var photos: [Photo]
    /// The ids of those photos whose bytes are on this device (taken here, or downloaded).
    public var photosOnDevice: [Identifier<Photo>] = []
    /// Its check-ins at a kiosk, oldest first.
    public var checkIns: [CheckIn]
    /// The roll as last pulled from the central office (read-only on the device).
    public var enrolments: [Enrolment]
}

/// What waits to be synced.
public struct PendingSummary: Sendable, Codable, Hashable {
    /// Change sets in the outbox.
    public var changeSets: Int
    /// Changes in those change sets.
    public var changes: Int
    /// Their size as JSON, before gzip.
    public var bytes: Int
    /// Photos taken here and not yet on the server.
    public var photosNotUploaded: Int
    /// Their size in bytes.
    public var photoBytesNotUploaded: Int64
    /// When a sync last pulled from the server (nil: never).
    public var lastSyncAt: Instant?
}

extension DeviceStore {
    /// Households inside `scope` (a village, or a township or county for a kiosk), by address.
    public func households(in scope: RegionCode) throws -> [Household] { try read { db in try householdList(db, in: scope) } }

    /// The read behind ``households(in:)`` and ``householdsUpdates(in:)``.
    func householdList(_ db: Database, in scope: RegionCode) throws -> [Household] {
        let (lo, hi) = Self.range(scope)
        return try Row.fetchAll(
            db, sql: "SELECT id, state FROM records WHERE entity = 'household' AND region BETWEEN ? AND ?", arguments: [lo, hi]
        )
        .compactMap { row -> Household? in
            let state = try RecordCodec.decodeState(row["state"], entity: .household, vault: vault)
            if state.isDeleted { return nil }
            return try Household(id: HouseholdID(row["id"] as String), values: state.values)
        }
        .sorted { ($0.address, $0.id) < ($1.address, $1.id) }
    }

    /// One household with its members, visits, photos, check-ins and roll entries.
    public func household(_ id: HouseholdID) throws -> HouseholdDetail { try read { db in try detail(db, id) } }

    /// The read behind ``household(_:)`` and ``householdUpdates(_:)``.
    func detail(_ db: Database, _ id: HouseholdID) throws -> HouseholdDetail {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT state FROM records WHERE entity = 'household' AND id = ?", arguments: [id.description])
        else {
            throw ClientError.notFound("household \(id)")
        }
        let state = try RecordCodec.decodeState(row["state"], entity: .household, vault: vault)
        let household = try Household(id: id, values: state.values)
        func merged<R: FieldMergedRecord>(_ type: R.Type) throws -> [R] {
            try Row.fetchAll(
                db, sql: "SELECT id, state FROM records WHERE entity = ? AND household_id = ?",
                arguments: [R.kind.rawValue, id.description]
            )
            .compactMap { r in
                let s = try RecordCodec.decodeState(r["state"], entity: R.kind, vault: vault)
                return s.isDeleted ? nil : try R(id: JSONValue.string(r["id"] as String).decode(as: R.ID.self), values: s.values)
            }
        }
        func bodies<T: Decodable>(_ entity: EntityKind, _ type: T.Type) throws -> [T] {
            try Row.fetchAll(
                db, sql: "SELECT body FROM bodies WHERE entity = ? AND household_id = ? ORDER BY at",
                arguments: [entity.rawValue, id.description]
            )
            .map { try JSONValue(parsing: vault.open($0["body"])).decode(as: T.self) }
        }
        let photos = try bodies(.photo, Photo.self)
        var detail = HouseholdDetail(
            household: household, members: try merged(Member.self).sorted { $0.birthDate < $1.birthDate },
            visits: try bodies(.visit, Visit.self),
            photos: photos, checkIns: try bodies(.checkIn, CheckIn.self), enrolments: try merged(Enrolment.self)
        )
        detail.photosOnDevice = photos.filter { self.photos.has($0.sha256) }.map(\.id)
        return detail
    }

    /// The conflicts inside this device's scope that no person has resolved yet, oldest first,
    /// as the last sync's pull listed them: each field with the value kept and the other, who
    /// wrote each and when. The office resolves them (the console's conflicts page); the next
    /// sync after that drops them here.
    public func conflicts() throws -> [ConflictNotice] { try read { db in try conflictList(db) } }

    /// The read behind ``conflicts()`` and ``conflictsUpdates()``.
    func conflictList(_ db: Database) throws -> [ConflictNotice] {
        try Row.fetchAll(db, sql: "SELECT body FROM conflicts ORDER BY detected_at, id").map {
            try JSONValue(parsing: vault.open($0["body"])).decode(as: ConflictNotice.self)
        }
    }

    /// What the next sync has to send.
    public func pending() throws -> PendingSummary { try read(Self.summary) }

    /// ``pending()`` for async callers.
    func pendingAsync() async throws -> PendingSummary { try await read(Self.summary) }

    static let summary: @Sendable (Database) throws -> PendingSummary = { db in
        let outbox = try Row.fetchOne(
            db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(changes), 0) AS c, COALESCE(SUM(size), 0) AS b FROM outbox")
        let photos = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM photos WHERE uploaded = 0")
        let last = try Int64.fetchOne(db, sql: "SELECT MAX(last_sync_at) FROM sync_state")
        return PendingSummary(
            changeSets: outbox?["n"] ?? 0, changes: outbox?["c"] ?? 0, bytes: outbox?["b"] ?? 0, photosNotUploaded: photos?["n"] ?? 0,
            photoBytesNotUploaded: photos?["b"] ?? 0, lastSyncAt: last.map { Instant(millis: $0) })
    }

    static func range(_ scope: RegionCode) -> (String, String) { scope.codeRange }
}
