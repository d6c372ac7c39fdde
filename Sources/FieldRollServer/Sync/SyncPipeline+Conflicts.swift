@preconcurrency import Crypto
import FieldRollCore
import Foundation

extension SyncPipeline {
    /// Conflicts inside `scope` (nil: everywhere).
    public func conflicts(includeResolved: Bool, scope: RegionCode?) async throws -> [ConflictRecord] {
        try await storage.conflicts(includeResolved: includeResolved, scope: scope)
    }

    /// The open conflicts inside `scope`, oldest first, as a pull's last page carries them to
    /// a device, with the names of the devices on each side.
    func conflictNotices(in scope: RegionCode) async throws -> [ConflictNotice] {
        let open = try await conflicts(includeResolved: false, scope: scope)
        guard !open.isEmpty else { return [] }
        let names = Dictionary(try await devices().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func name(_ node: NodeID) -> String { node == serverNode ? "the office" : names[node] ?? node.rawValue }
        return open.sorted { ($0.detectedAt.millis, $0.id) < ($1.detectedAt.millis, $1.id) }.map { c in
            ConflictNotice(
                id: c.id, entity: c.entity, record: c.record, region: c.region, field: c.field, kept: c.winner, other: c.loser,
                keptBy: name(c.winnerDevice), otherBy: name(c.loserDevice), detectedAt: c.detectedAt)
        }
    }

    /// Closes a conflict: keeps the winner, or writes the loser's value anew as the server — a
    /// signed change like any other, merged by the same rules, pulled by every device in scope.
    /// `principal` must be allowed to resolve conflicts and to write the record's kind, inside
    /// its scope; the person is named on the conflict and in the audit log.
    /// - Throws: `not-found` for an unknown id; `scope-violation` for one outside the principal's
    ///   region; `already-resolved` (409) when already resolved; `forbidden` for a role that may not.
    public func resolveConflict(id: String, chooseLoser: Bool, as principal: Principal, now: Int64) async throws -> ConflictRecord {
        try principal.authorize(.resolveConflict)
        guard let open = try await storage.conflicts(includeResolved: true, scope: nil).first(where: { $0.id == id }) else {
            throw ProblemDetails(.notFound, detail: "no conflict \(id)")
        }
        try principal.authorize(write: open.entity, at: open.region)
        let actor = principal.actor
        let node = serverNode
        let key = serverKey
        let maxDrift = maxClockDrift
        let request = ReadRequest(records: [RecordKey(open.entity, open.record)], conflictIDs: [id])
        return try await storage.write(reading: request) { snapshot in
            guard var conflict = snapshot.conflicts.first(where: { $0.id == id }) else {
                throw ProblemDetails(.notFound, detail: "no conflict \(id)")
            }
            guard conflict.resolvedAt == nil else {
                throw ProblemDetails(.alreadyResolved, detail: "conflict \(id) was resolved by \(conflict.resolvedBy ?? "?")")
            }
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            if chooseLoser {
                // Choosing the other value is a new write, stamped after everything the server has seen.
                var base: HLCTimestamp?
                if case .state(let s)? = batch.record(RecordKey(conflict.entity, conflict.record))?.content {
                    base = s.fields[conflict.field]?.stamp
                    if let b = base { _ = try? batch.clock.receive(b, now: now) }
                }
                let stamp = batch.clock.tick(now: now)
                let change = Change(
                    entity: conflict.entity, record: conflict.record, region: conflict.region,
                    payload: .writes([FieldWrite(field: conflict.field, value: conflict.loser.value, stamp: stamp, base: base)]))
                let set = try ChangeSet(origin: node, stamp: stamp, changes: [change]).signed(with: key)
                let writer = WriterContext(office: principal)
                let result = batch.apply(change, in: set, bodySignature: .notApplicable, writer: writer, maxDrift: maxDrift)
                guard result.status != .refused else {
                    throw ProblemDetails(result.code ?? .invalidRecord, detail: result.detail)
                }
                batch.remember(result, device: node)
            }
            conflict.resolvedAt = Instant(millis: now)
            conflict.resolvedBy = actor
            conflict.resolution = chooseLoser ? "chose-loser" : "kept-winner"
            batch.update(conflict)
            batch.audit(actor: actor, action: "conflict.resolved", subject: id, detail: conflict.resolution ?? "")
            return (batch.finish(), conflict)
        }
    }
}
