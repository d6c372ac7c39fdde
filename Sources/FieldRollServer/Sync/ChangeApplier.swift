@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// Who is writing: an enrolled device, or the server itself (imports, conflict resolutions).
public struct WriterContext: Sendable {
    public var role: Role
    /// Where the writer may write; nil: everywhere (an operator at the server's command line).
    public var scope: RegionCode?
    /// The server may write server-owned fields and the roll.
    public var isServer: Bool

    public init(role: Role, scope: RegionCode?, isServer: Bool) {
        self.role = role
        self.scope = scope
        self.isServer = isServer
    }

    public init(device: DeviceIdentity) { self.init(role: device.role, scope: device.scope, isServer: false) }

    /// The server writing on behalf of an office principal (a staff member or an operator):
    /// server-owned fields are allowed (the pipeline checked the operation's role), but every
    /// record must still lie — and stay — inside the principal's scope.
    public init(office principal: Principal) {
        self.init(role: principal.role ?? .admin, scope: principal.scope, isServer: true)
    }

    /// Whether `region` lies inside the writer's scope.
    public func covers(_ region: RegionCode) -> Bool { scope?.contains(region) ?? true }

    var scopeText: String { scope?.digits ?? "all" }
}

/// What the server does with one change, decided without I/O so every storage backend applies
/// exactly the same rules.
public struct ChangeDecision: Sendable {
    public var status: ChangeResult.Status
    public var code: ErrorCode?
    public var detail: String?
    /// The record to store (nil: leave storage as it was).
    public var record: StoredRecord?
    /// Concurrent edits to keep as conflict records.
    public var conflicts: [ConcurrentEdit] = []
    /// Photo bytes the stored record refers to (so devices in its region may read them).
    public var blobs: [FieldRollCore.SHA256Digest] = []

    static func refuse(_ code: ErrorCode, _ detail: String) -> ChangeDecision {
        ChangeDecision(status: .refused, code: code, detail: detail, record: nil)
    }
}

/// The server's merge rules for one incoming change (see `docs/wire-format.md`).
public enum ChangeApplier {
    /// At most this many field writes in one change.
    public static let maxWritesPerChange = 100

    /// Decides what to do with `change` from `origin`, given the stored record (if any).
    /// - Parameters:
    ///   - bodySignature: the verdict on the whole-record signature of a visit or check-in,
    ///     checked beforehand (in parallel, outside the write transaction) by ``SignatureCheck``.
    ///   - logged: every field write the commit log holds for the record, in log order: a write
    ///     is checked against each one of its field it was concurrent with, not only against the
    ///     current value (see ``concurrentEdits(_:logged:current:)``).
    ///   - now: the server's physical time in ms; `maxDrift` bounds how far ahead stamps may be.
    public static func decide(
        _ change: Change, origin: NodeID, bodySignature: BodySignature, writer: WriterContext,
        existing: StoredRecord?, logged: [FieldWrite] = [], now: Int64, maxDrift: Int64
    ) -> ChangeDecision {
        if [.serverOnly, .serverRecord].contains(change.entity.replication) && !writer.isServer {
            return .refuse(.serverOwnedField, "\(change.entity.rawValue) records are written by the central office only")
        }
        if !writer.isServer && !RolePolicy.may(writer.role, write: change.entity) {
            return .refuse(.forbidden, "\(writer.role.withArticle) may not write \(change.entity.rawValue) records")
        }
        guard writer.covers(change.region) else {
            return .refuse(
                .scopeViolation, "\(change.entity.rawValue) \(change.record) is in \(change.region), outside \(writer.scopeText)")
        }
        if let existing, !writer.covers(existing.region) {
            return .refuse(
                .scopeViolation, "\(change.entity.rawValue) \(change.record) is in \(existing.region), outside \(writer.scopeText)")
        }
        if let existing, existing.entity != change.entity {
            return .refuse(.invalidRecord, "id \(change.record) names a \(existing.entity.rawValue), not a \(change.entity.rawValue)")
        }
        switch change.entity.replication {
        case .mutable, .serverOnly:
            return decideWrites(change, origin: origin, writer: writer, existing: existing, logged: logged, now: now, maxDrift: maxDrift)
        case .immutable, .serverRecord:
            return decideBody(change, origin: origin, bodySignature: bodySignature, existing: existing)
        }
    }

    static func decideWrites(
        _ change: Change, origin: NodeID, writer: WriterContext, existing: StoredRecord?, logged: [FieldWrite], now: Int64,
        maxDrift: Int64
    ) -> ChangeDecision {
        guard case .writes(let writes) = change.payload, let schema = change.entity.schema else {
            return .refuse(.invalidRecord, "a \(change.entity.rawValue) change carries field writes, not a body")
        }
        guard UUID(uuidString: change.record) != nil else {
            return .refuse(.invalidRecord, "record id \"\(change.record.prefix(40))\" is not a UUID")
        }
        guard !writes.isEmpty, writes.count <= maxWritesPerChange else {
            return .refuse(.invalidRecord, "a change writes 1–\(maxWritesPerChange) fields, this one \(writes.count)")
        }
        // Check every write before applying any: a change applies whole or not at all.
        for w in writes {
            if let v = schema.check(field: w.field, value: w.value, byServer: writer.isServer) { return .refuse(v.code, v.message) }
            if w.stamp.node != origin {
                return .refuse(.invalidRecord, "write to \(w.field) is stamped by \(w.stamp.node), not by its origin \(origin)")
            }
            // The bound is for devices' clocks; the server's own writes carry its own clock's
            // stamps, which stay ahead of a wall clock that stepped back.
            if !writer.isServer {
                do { try HybridLogicalClock.check(w.stamp, now: now, maxDrift: maxDrift) } catch {
                    return .refuse(error.code, error.message)
                }
            }
        }
        let regionWrite = writes.last { $0.field == "region" }?.value.stringValue
        if let regionWrite, regionWrite != change.region.digits {
            return .refuse(.invalidRecord, "the change is filed under region \(change.region) but writes region \(regionWrite)")
        }
        if let existing, regionWrite == nil, existing.region != change.region {
            return .refuse(.invalidRecord, "\(change.entity.rawValue) \(change.record) is in \(existing.region), not \(change.region)")
        }
        var state: RecordState
        if case .state(let s)? = existing?.content { state = s } else { state = RecordState() }
        let current = state
        let outcomes = FieldMerge.apply(writes, to: &state)
        if outcomes.allSatisfy({ $0 == .duplicate }) {
            return ChangeDecision(status: .duplicate, record: nil)
        }
        if !state.isDeleted {
            let missing = schema.required.filter { state.fields[$0] == nil }.sorted()
            if !missing.isEmpty {
                return .refuse(.invalidRecord, "a new \(change.entity.rawValue) needs \(missing.joined(separator: ", "))")
            }
        }
        let region = state.fields["region"]?.value.stringValue.flatMap { try? RegionCode($0) } ?? change.region
        if region.level != .village && change.entity != .enrolment {
            return .refuse(.invalidRecord, "a \(change.entity.rawValue) belongs to a village, not \(region)")
        }
        let conflicts = concurrentEdits(writes, logged: logged, current: current)
        let changed = outcomes.contains { $0.changedState }
        let record = StoredRecord(entity: change.entity, id: change.record, region: region, content: .state(state))
        return ChangeDecision(
            status: conflicts.isEmpty ? .applied : .conflictRecorded, record: changed || !conflicts.isEmpty ? record : nil,
            conflicts: conflicts)
    }

    /// The concurrent edits `writes` reveal: each write against the field's current value and
    /// against every logged write of its field that it was concurrent with (neither had seen
    /// the other, and the values differ).
    ///
    /// Checking the log, not only the current value, makes the conflicts on record independent
    /// of the order writes arrive in: every concurrent pair is recorded once, when the later of
    /// the two arrives. That is what lets a server restored from a backup record again, as the
    /// devices send their writes anew in another order, each conflict it had recorded since.
    /// A write the log already holds (same field and stamp) was checked when it first came.
    static func concurrentEdits(_ writes: [FieldWrite], logged: [FieldWrite], current: RecordState) -> [ConcurrentEdit] {
        var edits: [ConcurrentEdit] = []
        var seen = Set<HLCTimestamp>()
        for write in writes {
            let incoming = write.stamped
            if logged.contains(where: { $0.field == write.field && $0.stamp == write.stamp }) { continue }
            var others = logged.filter { $0.field == write.field }.map(\.stamped)
            if let value = current.fields[write.field] { others.append(value) }
            seen.removeAll()
            for other in others where other.stamp != incoming.stamp && seen.insert(other.stamp).inserted {
                guard !incoming.saw(other), !other.saw(incoming), other.value != incoming.value else { continue }
                edits.append(
                    incoming.wins(over: other)
                        ? ConcurrentEdit(field: write.field, winner: incoming, loser: other)
                        : ConcurrentEdit(field: write.field, winner: other, loser: incoming))
            }
        }
        return edits
    }

    static func decideBody(_ change: Change, origin: NodeID, bodySignature: BodySignature, existing: StoredRecord?) -> ChangeDecision {
        guard case .body(let body) = change.payload else {
            return .refuse(.invalidRecord, "a \(change.entity.rawValue) is sent whole as a body, not as field writes")
        }
        let record: any ImmutableRecord
        do {
            record = try body.immutableRecord(of: change.entity)
        } catch {
            return .refuse(.invalidRecord, "the \(change.entity.rawValue) body does not decode: \(Self.describe(error))")
        }
        let (id, region) = (record.recordID, record.region)
        if let signer = record.signingDevice {
            if signer != origin {
                return .refuse(.invalidRecord, "\(change.entity.rawValue) \(id) names device \(signer) but comes from \(origin)")
            }
            if case .failed(let why) = bodySignature { return .refuse(.badSignature, "\(change.entity.rawValue) \(id): \(why)") }
        }
        let issues = record.validate()
        if !issues.isEmpty { return .refuse(.invalidRecord, ValidationError(issues).message) }
        guard id == change.record.lowercased() else {
            return .refuse(.invalidRecord, "the body's id \(id) differs from the change's record \(change.record)")
        }
        guard region == change.region else {
            return .refuse(.invalidRecord, "the body's region \(region) differs from the change's region \(change.region)")
        }
        let existingBody: JSONValue? = if case .body(let b)? = existing?.content { b } else { nil }
        switch ImmutableRecordRule.decide(existing: existingBody, incoming: body) {
        case .store:
            return ChangeDecision(
                status: .applied, record: StoredRecord(entity: change.entity, id: id, region: region, content: .body(body)),
                blobs: record.blobReferences)
        case .duplicate:
            return ChangeDecision(status: .duplicate, record: nil)
        case .conflict:
            let e = ImmutableConflictError(entity: change.entity, id: id)
            return .refuse(e.code, e.message)
        }
    }

    /// A short, safe description of a decoding error (no values echoed beyond the path).
    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let key, let c): return "missing \(path(c).isEmpty ? "" : path(c) + ".")\(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c)): wrong type"
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "undecodable"
        }
    }
}
