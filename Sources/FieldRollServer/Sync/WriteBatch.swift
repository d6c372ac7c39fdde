import FieldRollCore
import Foundation

/// The rows one write transaction will store, built up change by change from the snapshot the
/// transaction read. Pure: no I/O, so the same decisions come out on every backend.
///
/// Later changes in the batch see earlier ones (the record overlay), positions and audit
/// entries are numbered from the locked ``SyncHead``, and ``finish()`` hands storage the
/// ``WriteSet``.
struct WriteBatch {
    var head: SyncHead
    var clock: HybridLogicalClock
    let now: Int64
    /// The cross-check flags the transaction read (``ReadRequest/flagHouseholds``).
    let flags: [CrossCheckFlag]
    private var records: [RecordKey: StoredRecord]
    private var results: [ChangeID: StoredResult]
    private var set = WriteSet()
    private var staged: [RecordKey: StoredRecord] = [:]
    /// Records whose change was refused for `clock-skew` in this transaction: a later change that
    /// names one waits with it (the device re-stamps both and sends them again), instead of being
    /// refused for good as naming a record that does not exist.
    var waiting: Set<RecordKey> = []
    /// Every field write logged for the records read with their history, and those logged since.
    private var history: [RecordKey: [FieldWrite]]

    init(snapshot: WriteSnapshot, node: NodeID, now: Int64) {
        head = snapshot.head
        clock = HybridLogicalClock(node: node, last: snapshot.head.clock)
        self.now = now
        flags = snapshot.flags
        records = snapshot.records
        results = snapshot.results
        history = snapshot.history
    }

    /// The answer once given for `id`: a retry of an accepted change is acknowledged as a
    /// duplicate; a refusal is repeated.
    func prior(_ id: ChangeID) -> ChangeResult? {
        guard let stored = results[id] else { return nil }
        if stored.result.status == .refused {
            return ChangeResult(change: id, status: .refused, code: stored.result.code, detail: stored.result.detail)
        }
        return ChangeResult(change: id, status: .duplicate)
    }

    /// Keeps an answer so a retry gets it again — except a clock-skew refusal, which the device
    /// cures by re-stamping and retrying under the same id.
    mutating func remember(_ result: ChangeResult, device: NodeID) {
        if result.code == .clockSkew { return }
        let stored = StoredResult(result: result, device: device)
        results[result.change] = stored
        set.results.append(stored)
    }

    func record(_ key: RecordKey) -> StoredRecord? { records[key] }

    /// The records of one kind inside `scope` (nil: everywhere) as this transaction sees them:
    /// what it read (name them in ``ReadRequest/scopes``) and what it staged since.
    func records(of entity: EntityKind, in scope: RegionCode?) -> [StoredRecord] {
        records.values.filter { $0.entity == entity && (scope?.contains($0.region) ?? true) }
    }

    /// Decides one change with ``ChangeApplier`` and stages what it writes: the record, the
    /// change in the commit log, conflict records, blob references, the audit entry.
    /// - Parameter references: check the records the change names (``brokenReference(_:writer:)``):
    ///   on for every change that arrives at the push door, whose read included what it names; off
    ///   for the server's own follow-on writes inside a decision (an amount change, a status move).
    mutating func apply(
        _ change: Change, in changeSet: ChangeSet, bodySignature: BodySignature, writer: WriterContext, maxDrift: Int64,
        references: Bool = false
    ) -> ChangeResult {
        let existing = records[RecordKey(change.entity, change.record)]
        let decision = ChangeApplier.decide(
            change, origin: changeSet.origin, bodySignature: bodySignature, writer: writer, existing: existing,
            logged: history[RecordKey(change.entity, change.record)] ?? [], now: now, maxDrift: maxDrift
        )
        guard let record = decision.record else {
            if decision.code == .clockSkew { waiting.insert(RecordKey(change.entity, change.record)) }
            return ChangeResult(change: change.id, status: decision.status, code: decision.code, detail: decision.detail)
        }
        if references, let broken = brokenReference(change, writer: writer) {
            return ChangeResult(change: change.id, status: broken.status, code: broken.code, detail: broken.detail)
        }
        let key = RecordKey(record.entity, record.id)
        if case .writes(let writes) = change.payload {
            for w in writes { _ = try? clock.receive(w.stamp, now: now) }
            history[key, default: []] += writes
        }
        let position = log(change, in: changeSet)
        records[key] = record
        staged[key] = record
        set.recordPositions[key] = position
        for digest in decision.blobs { set.blobReferences.append(BlobReference(digest, record.region)) }
        var conflictIDs: [String] = []
        for edit in decision.conflicts {
            let id = UUID().uuidString.lowercased()
            conflictIDs.append(id)
            set.conflicts.append(
                ConflictRecord(
                    id: id, entity: change.entity, record: record.id, region: record.region, field: edit.field, winner: edit.winner,
                    loser: edit.loser,
                    change: change.id, detectedAt: Instant(millis: now)))
        }
        audit(
            actor: changeSet.origin.rawValue, action: "change.\(decision.status.rawValue)",
            subject: "\(change.entity.rawValue)/\(record.id)",
            detail: "change \(change.id) position \(position)")
        return ChangeResult(
            change: change.id, status: decision.status, code: decision.code, detail: decision.detail,
            conflicts: conflictIDs.isEmpty ? nil : conflictIDs)
    }

    /// Appends a change to the commit log at the next position.
    private mutating func log(_ change: Change, in changeSet: ChangeSet) -> Int64 {
        head.position += 1
        set.changes.append(
            LoggedChange(
                position: head.position, changeID: change.id, changeSet: changeSet.id, origin: changeSet.origin, region: change.region,
                body: CanonicalJSON.string(change.json), record: RecordKey(change.entity, change.record)))
        return head.position
    }

    /// Appends an entry to the hash chain.
    mutating func audit(actor: String, action: String, subject: String, detail: String) {
        let seq = head.auditSeq + 1
        let at = Instant(millis: now)
        let hash = AuditEntry.hash(
            seq: seq, at: at, actor: actor, action: action, subject: subject, detail: detail, previous: head.auditHash)
        set.audit.append(
            AuditEntry(
                seq: seq, at: at, actor: actor, action: action, subject: subject, detail: detail, previousHash: head.auditHash, hash: hash))
        head.auditSeq = seq
        head.auditHash = hash
    }

    /// Stages a conflict record's new state (a resolution).
    mutating func update(_ conflict: ConflictRecord) { set.conflicts.append(conflict) }

    /// Stages a new cross-check flag.
    mutating func stage(_ flag: CrossCheckFlag) { set.flags.append(flag) }

    /// Stages a device row.
    mutating func put(_ device: DeviceRow, replacing: NodeID? = nil) { set.devices.append(DeviceWrite(device, replacing: replacing)) }

    /// Stages a staff account; with `endingSessions`, every console session of theirs ends in
    /// the same transaction.
    mutating func put(_ account: StaffAccount, endingSessions: Bool = false) {
        set.staff.append(account)
        if endingSessions { set.endSessionsOf.append(account.name) }
    }

    /// Stages place names to insert or replace by code.
    mutating func put(_ names: [PlaceName]) { set.placeNames.append(contentsOf: names) }

    /// The rows to write, with the head moved on.
    func finish() -> WriteSet {
        var out = set
        out.records = Array(staged.values)
        var h = head
        h.clock = clock.last
        out.head = h
        return out
    }
}
