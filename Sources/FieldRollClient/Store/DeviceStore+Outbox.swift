import FieldRollCore
import Foundation
import GRDB

/// One change set waiting in the outbox.
public struct OutboxEntry: Sendable {
    /// Its place in device order.
    public var seq: Int64
    /// The signed change set, as it will be pushed.
    public var changeSet: ChangeSet
    /// Its size as JSON.
    public var size: Int
}

extension DeviceStore {
    /// The oldest change sets not yet acknowledged, in device order.
    package func outbox(limit: Int = 100) throws -> [OutboxEntry] { try read(oldest(limit)) }

    /// ``outbox(limit:)`` for async callers.
    func outboxAsync(limit: Int = 100) async throws -> [OutboxEntry] { try await read(oldest(limit)) }

    private func oldest(_ limit: Int) -> @Sendable (Database) throws -> [OutboxEntry] {
        let vault = self.vault
        return { db in
            try Row.fetchAll(db, sql: "SELECT seq, body, size FROM outbox ORDER BY seq LIMIT ?", arguments: [limit]).map { row in
                OutboxEntry(seq: row["seq"], changeSet: try ChangeSet(json: JSONValue(parsing: vault.open(row["body"]))), size: row["size"])
            }
        }
    }

    /// Applies changes pulled from `cursor.issuer` through the shared merge, and stores the
    /// cursor in the same transaction — so a cursor never runs ahead of what was applied.
    /// `checkIns` is the server's check-in schedule from the page, kept for ``checkInsDue(in:asOf:)``.
    /// `conflicts`, from the last page, replace the open conflicts the device held.
    package func apply(
        pulled: [PulledChange], cursor: SyncCursor, checkIns: CheckInSchedule? = nil, conflicts: [ConflictNotice]? = nil
    ) throws {
        _ = try commit(applying(pulled, cursor: cursor, checkIns: checkIns, conflicts: conflicts))
    }

    /// ``apply(pulled:cursor:checkIns:conflicts:)`` for async callers.
    func applyAsync(
        pulled: [PulledChange], cursor: SyncCursor, checkIns: CheckInSchedule? = nil, conflicts: [ConflictNotice]? = nil
    ) async throws {
        _ = try await commit(applying(pulled, cursor: cursor, checkIns: checkIns, conflicts: conflicts))
    }

    private func applying(_ pulled: [PulledChange], cursor: SyncCursor, checkIns: CheckInSchedule?, conflicts: [ConflictNotice]?)
        -> @Sendable (inout LocalTransaction)
        throws -> Void
    {
        let physical = now()
        return { tx in
            for p in pulled {
                let c = p.change
                switch c.payload {
                case .writes(let writes):
                    var state = try tx.state(c.entity, c.record)?.0 ?? RecordState()
                    _ = FieldMerge.apply(writes, to: &state)
                    for w in writes { _ = try? tx.clock.receive(w.stamp, now: physical) }
                    let household = c.entity == .household ? c.record : Self.canonicalID(state.fields["householdID"]?.value)
                    try RecordCodec.save(
                        tx.db, entity: c.entity, id: c.record, region: c.region, household: household, state: state, vault: tx.vault)
                case .body(let body):
                    let o = body.objectValue ?? [:]
                    let at = [o["at"], o["startedAt"], o["takenAt"]].compactMap { $0??.stringValue.flatMap { try? Instant($0).millis } }
                        .first
                    try RecordCodec.insertBody(
                        tx.db, entity: c.entity, id: c.record, region: c.region, household: Self.canonicalID(o["householdID"]),
                        member: Self.canonicalID(o["memberID"]),
                        at: at, body: body, vault: tx.vault)
                }
            }
            try tx.db.execute(
                sql: "INSERT OR REPLACE INTO sync_state (server, cursor, last_sync_at) VALUES (?, ?, ?)",
                arguments: [cursor.issuer.rawValue, cursor.description, physical])
            if let checkIns {
                try tx.db.execute(
                    sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('checkin_schedule', ?)",
                    arguments: [Data(checkIns.json.canonicalBytes)])
            }
            if let conflicts {
                try tx.db.execute(sql: "DELETE FROM conflicts")
                for c in conflicts {
                    try tx.db.execute(
                        sql: "INSERT OR REPLACE INTO conflicts (id, detected_at, body) VALUES (?, ?, ?)",
                        arguments: [c.id, c.detectedAt.millis, try tx.vault.seal(CanonicalJSON.bytes(try JSONValue(encoding: c)))])
                }
            }
        }
    }

    /// The stored cursor for a server, if this device has pulled from it.
    package func cursor(for server: NodeID) throws -> SyncCursor? { try read(Self.storedCursor(server)) }

    /// ``cursor(for:)`` for async callers.
    func cursorAsync(for server: NodeID) async throws -> SyncCursor? { try await read(Self.storedCursor(server)) }

    private static func storedCursor(_ server: NodeID) -> @Sendable (Database) throws -> SyncCursor? {
        { db in
            try String.fetchOne(db, sql: "SELECT cursor FROM sync_state WHERE server = ?", arguments: [server.rawValue]).flatMap {
                try? SyncCursor($0)
            }
        }
    }

    /// A reference as the store indexes it: the lowercase UUID. A visit's or check-in's body is
    /// kept as its device signed it, so its references may be in upper case; the index columns
    /// the store looks households and members up by are canonical all the same.
    static func canonicalID(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, let id = try? Identifier<Never>(text) else { return nil }
        return id.description
    }
}
