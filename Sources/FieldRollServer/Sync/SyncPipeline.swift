@preconcurrency import Crypto
import FieldRollCore
import Foundation
import Synchronization

/// The server's policy, in one place for every storage backend: who may write, whether it is
/// signed, in scope, new or a retry, how it merges, what conflicts, and what the audit log says.
///
/// Every server-side write — a device's push, an office import, a conflict resolution, a device
/// enrolment — goes through here and reaches storage as one
/// ``TransactionalStorage/write(reading:_:)``: storage reads a snapshot under its lock, the
/// pipeline decides on it without I/O, storage writes the rows.
///
/// ```swift
/// let pipeline = try await SyncPipeline.open(storage)          // fails with no-server if not init'ed
/// let answer = try await pipeline.push(sets, by: device, now: now)
/// ```
public final class SyncPipeline: Sendable {
    public let storage: any ServerStorage
    public let identity: ServerIdentity
    /// How far ahead of the server's clock a stamp may be, in ms.
    public let maxClockDrift: Int64
    /// How each county runs its review chain, and the holidays its deadlines skip; review
    /// actions move enrolments by their county's chain.
    public let reviewChains: ReviewChains
    /// How computed gaps become monthly amounts (rounding, minimum); see `docs/rolls.md`.
    public let benefitRule: BenefitRule
    /// When a new standard needs a person's confirmation (`FIELDROLL_STANDARD_MAX_CUT`).
    public let standardGuard: StandardGuard
    /// The check-in schedule: who is due or overdue, which face matches a person looks at. Sent
    /// with every pull page so devices list who is due by the same rule.
    public let checkInSchedule: CheckInSchedule
    /// When each device was last noted as seen, to write `last_seen_at` at most once a minute.
    let lastTouched = Mutex<[NodeID: Int64]>([:])
    /// The heavier whole-region reads, kept while the head does not move.
    let readModels = ReadModelCache()
    /// The console's sign-in failures per account and address, and per address.
    public let signInThrottle = SignInThrottle()
    /// Where ``timed(_:_:)`` records storage time; nil outside a running server.
    let metrics: ServerMetrics?

    public var serverNode: NodeID { identity.node }
    public var serverKey: Curve25519.Signing.PrivateKey { identity.key }

    public init(
        storage: any ServerStorage, identity: ServerIdentity, maxClockDrift: Int64 = HybridLogicalClock.defaultMaxDrift,
        reviewChains: ReviewChains = .standard, benefitRule: BenefitRule = .standard, checkInSchedule: CheckInSchedule = .standard,
        standardGuard: StandardGuard = .standard, metrics: ServerMetrics? = nil
    ) {
        self.storage = storage
        self.identity = identity
        self.maxClockDrift = maxClockDrift
        self.reviewChains = reviewChains
        self.benefitRule = benefitRule
        self.standardGuard = standardGuard
        self.checkInSchedule = checkInSchedule
        self.metrics = metrics
    }

    /// A pipeline over `storage`, which must hold a server (made by ``initialize(_:)``).
    /// - Throws: ``StorageError`` `no-server` when it holds none.
    /// - Parameter metrics: where to record the time of storage calls (`fieldroll_database_duration_seconds`).
    public static func open(
        _ storage: any ServerStorage, maxClockDrift: Int64 = HybridLogicalClock.defaultMaxDrift, reviewChains: ReviewChains = .standard,
        benefitRule: BenefitRule = .standard, checkInSchedule: CheckInSchedule = .standard, standardGuard: StandardGuard = .standard,
        metrics: ServerMetrics? = nil
    ) async throws -> SyncPipeline {
        guard let identity = try await storage.identity() else {
            throw StorageError(
                .noServer, "this \(storage.backend) database holds no FieldRoll server; create one with `fieldroll-server init`")
        }
        return SyncPipeline(
            storage: storage, identity: identity, maxClockDrift: maxClockDrift, reviewChains: reviewChains, benefitRule: benefitRule,
            checkInSchedule: checkInSchedule, standardGuard: standardGuard, metrics: metrics)
    }

    /// Runs one storage call and records how long it took under `operation` (a fixed name,
    /// never an id), whether it succeeded or not.
    func timed<T>(_ operation: String, _ call: () async throws -> T) async throws -> T {
        guard let metrics else { return try await call() }
        let start = ContinuousClock.now
        defer { metrics.databaseCall(operation, duration: ContinuousClock.now - start) }
        return try await call()
    }

    /// Makes a new server in empty `storage`: a fresh identity and the first audit entry.
    /// - Throws: `already-initialized` when it holds one.
    @discardableResult
    public static func initialize(_ storage: any ServerStorage, now: Int64) async throws -> SyncPipeline {
        let identity = ServerIdentity.generate()
        try await storage.initialize(identity)
        let pipeline = SyncPipeline(storage: storage, identity: identity)
        try await pipeline.record(
            actor: "admin", action: "server.initialized", subject: identity.node.rawValue, detail: "backend \(storage.backend)", now: now)
        return pipeline
    }

    // MARK: Push

    /// A device's push: its change sets, written with its role and inside its scope (a device
    /// pushes only what it made). An office principal's writes reach ``push(_:pusher:writer:now:)``
    /// as the server's own signed change sets on its behalf (``WriterContext/init(office:)``).
    public func push(_ changeSets: [ChangeSet], as principal: Principal, now: Int64) async throws -> PushResponse {
        guard case .device(let id) = principal.kind, let role = principal.role else {
            throw ProblemDetails(.forbidden, detail: "only a device pushes change sets; the office writes through its operations")
        }
        return try await push(changeSets, pusher: id, writer: WriterContext(role: role, scope: principal.scope, isServer: false), now: now)
    }

    /// Applies change sets in one transaction and answers per change, in request order.
    ///
    /// Signatures are verified first, on every core; the transaction then checks each set's
    /// origin is still active, answers retried changes as before, and merges the rest.
    public func push(_ changeSets: [ChangeSet], pusher: NodeID, writer: WriterContext, now: Int64) async throws -> PushResponse {
        let origins = Array(Set(changeSets.map(\.origin)))
        var keys: [NodeID: Curve25519.Signing.PublicKey] = [:]
        for row in try await timed("devices", { try await storage.devices(origins.filter { $0 != serverNode }) }) {
            if let key = row.activeKey { keys[row.id] = key }
        }
        if origins.contains(serverNode) { keys[serverNode] = serverKey.publicKey }
        let verdicts = await SignatureCheck.verify(changeSets, keys: keys)
        // Signatures hold over the bytes as sent; from here on, record ids and the references
        // field writes carry are canonical (UUIDs in lower case), so `ABC…` and `abc…` can never
        // become two records, nor a member's household be missed by a text comparison. Bodies
        // (visits, check-ins, …) stay as sent: they carry their own signature, which must still
        // verify over the stored bytes, and they are read through typed ids.
        let changeSets = changeSets.map { set in
            var set = set
            for i in set.changes.indices {
                set.changes[i].record = set.changes[i].record.lowercased()
                if case .writes(let writes) = set.changes[i].payload, let schema = set.changes[i].entity.schema {
                    set.changes[i].payload = .writes(schema.canonical(writes))
                }
            }
            return set
        }
        var request = ReadRequest(deviceIDs: origins.filter { $0 != serverNode })
        for set in changeSets {
            for change in set.changes {
                request.changeIDs.append(change.id)
                request.records.append(RecordKey(change.entity, change.record))
                // The records it names, to check they exist in scope (``RecordReferences``).
                request.records.append(contentsOf: RecordReferences.keys(of: change).map(\.key))
                // A review action moves an enrolment: read it in the same transaction.
                if let action = Self.reviewAction(in: change) {
                    request.records.append(RecordKey(.enrolment, action.enrolmentID.description))
                    // An approval may put the application on notice, which computes its amount.
                    if action.decision == .approve && action.step != .villageSurvey {
                        request.readBenefitInputs(in: action.region)
                        // A person counted in an earlier household on the roll holds the amount.
                        try await readHolds(into: &request, in: action.region)
                    }
                    // A suspension, resumption or termination records the amount in force that day.
                    if action.step == .rollReview && [.suspend, .resume, .terminate].contains(action.decision) {
                        request.scopes.append(ScopeRead(.amountChange, in: action.region))
                    }
                }
            }
        }
        request.scopes = Array(Set(request.scopes))
        var seenKeys = Set<RecordKey>()
        request.records = request.records.filter { seenKeys.insert($0).inserted }
        // Each write is checked against every logged write of its field (see ChangeApplier.concurrentEdits):
        // the changes' own records, not the records they only name.
        var ownKeys = Set<RecordKey>()
        for set in changeSets { for change in set.changes { ownKeys.insert(RecordKey(change.entity, change.record)) } }
        request.histories = request.records.filter { $0.entity.schema != nil && ownKeys.contains($0) }
        let node = serverNode
        let maxDrift = maxClockDrift
        let key = serverKey
        let chains = reviewChains
        let rule = benefitRule
        return try await timed("push") {
            try await storage.write(reading: request) { snapshot in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
                let active = Set(snapshot.devices.filter { $0.status == .active }.map(\.id)).union([node])
                var results: [ChangeResult] = []
                for (set, verdict) in zip(changeSets, verdicts) {
                    // The whole set stands or falls with its origin and signature.
                    var refusal: (ErrorCode, String)?
                    if set.origin != pusher && !writer.isServer {
                        refusal = (.forbidden, "change set \(set.id) was made by \(set.origin); a device pushes only its own change sets")
                    } else if !active.contains(set.origin) {
                        refusal = (.badSignature, "change set \(set.id): origin \(set.origin) is not an active device")
                    } else if let why = verdict.setFailure {
                        refusal = (.badSignature, "change set \(set.id): \(why)")
                    }
                    for (change, body) in zip(set.changes, verdict.bodies) {
                        if let prior = batch.prior(change.id) {
                            results.append(prior)
                            continue
                        }
                        let result: ChangeResult
                        if let (code, detail) = refusal {
                            result = ChangeResult(change: change.id, status: .refused, code: code, detail: detail)
                        } else if let action = Self.reviewAction(in: change) {
                            result = batch.applyReview(
                                action, change: change, in: set, bodySignature: body, writer: writer, chains: chains, rule: rule,
                                serverKey: key,
                                node: node, maxDrift: maxDrift)
                        } else {
                            result = batch.apply(
                                change, in: set, bodySignature: body, writer: writer, maxDrift: maxDrift, references: true)
                        }
                        batch.remember(result, device: pusher)
                        results.append(result)
                    }
                }
                let serverTime = batch.clock.tick(now: now)
                return (batch.finish(), PushResponse(results: results, serverTime: serverTime, generation: snapshot.head.generation))
            }
        }
    }

    // MARK: Pull

    /// A page of the commit log after `position`, inside `scope`.
    public func pull(after position: Int64, scope: RegionCode, limit: Int, now: Int64) async throws -> PullPage {
        let read = try await pullRows(after: position, scope: scope, limit: limit)
        var changes: [PulledChange] = []
        changes.reserveCapacity(read.rows.count)
        for row in read.rows {
            let change: Change
            do { change = try Change(json: JSONValue(parsing: row.body.utf8)) } catch {
                throw StorageError(.storageFailure, "the change at position \(row.position) cannot be read; the database may be damaged")
            }
            // Standards and amount changes stay on the server: v1 devices do not know the kinds.
            guard change.entity.isPulled else { continue }
            changes.append(PulledChange(position: row.position, origin: row.origin, changeSet: row.changeSet, change: change))
        }
        var clock = HybridLogicalClock(node: serverNode, last: read.head.clock)
        return PullPage(
            changes: changes, cursor: read.cursor, more: read.more, serverTime: clock.tick(now: now), generation: read.head.generation,
            checkIns: checkInSchedule, conflicts: read.more ? nil : try await conflictNotices(in: scope))
    }

    /// The page ``pull(after:scope:limit:now:)`` gives, as its canonical JSON bytes (the same
    /// bytes `PullPage.json.canonicalBytes` would be), built from the changes as stored — each
    /// is kept as canonical JSON — without parsing and re-encoding them: the pull route's hot
    /// path. Only the server's own changes are parsed, to leave out the kinds devices do not
    /// pull (devices can never write those).
    /// - Returns: the bytes and how many changes the page carries.
    public func pullJSON(after position: Int64, scope: RegionCode, limit: Int, now: Int64) async throws -> (bytes: [UInt8], count: Int) {
        let read = try await pullRows(after: position, scope: scope, limit: limit)
        var out: [UInt8] = []
        out.reserveCapacity(read.rows.reduce(256) { $0 + $1.body.utf8.count + 160 })
        out.append(contentsOf: #"{"changes":["#.utf8)
        var count = 0
        for row in read.rows {
            if row.origin == serverNode {
                guard let change = try? Change(json: JSONValue(parsing: row.body.utf8)) else {
                    throw StorageError(
                        .storageFailure, "the change at position \(row.position) cannot be read; the database may be damaged")
                }
                guard change.entity.isPulled else { continue }
            }
            if count > 0 { out.append(UInt8(ascii: ",")) }
            // Members in canonical order: change, changeSet, origin, position.
            out.append(contentsOf: #"{"change":"#.utf8)
            out.append(contentsOf: row.body.utf8)
            out.append(contentsOf: #","changeSet":"#.utf8)
            out.append(contentsOf: CanonicalJSON.bytes(.string(row.changeSet.description)))
            out.append(contentsOf: #","origin":"#.utf8)
            out.append(contentsOf: CanonicalJSON.bytes(.string(row.origin.rawValue)))
            out.append(contentsOf: #","position":"#.utf8)
            out.append(contentsOf: String(row.position).utf8)
            out.append(UInt8(ascii: "}"))
            count += 1
        }
        var clock = HybridLogicalClock(node: serverNode, last: read.head.clock)
        let serverTime = clock.tick(now: now)
        // The page's own members, in canonical order too.
        out.append(contentsOf: #"],"checkIns":"#.utf8)
        out.append(contentsOf: checkInSchedule.json.canonicalBytes)
        if !read.more {
            out.append(contentsOf: #","conflicts":"#.utf8)
            out.append(contentsOf: CanonicalJSON.bytes(try JSONValue(encoding: try await conflictNotices(in: scope))))
        }
        out.append(contentsOf: #","cursor":"#.utf8)
        out.append(contentsOf: CanonicalJSON.bytes(.string(read.cursor.description)))
        out.append(contentsOf: #","generation":"#.utf8)
        out.append(contentsOf: String(read.head.generation).utf8)
        out.append(contentsOf: (read.more ? #","more":true"# : #","more":false"#).utf8)
        out.append(contentsOf: #","serverTime":"#.utf8)
        out.append(contentsOf: CanonicalJSON.bytes(.string(serverTime.description)))
        out.append(UInt8(ascii: "}"))
        return (out, count)
    }

    /// What one pull reads: the logged changes in scope after the cursor (at most `limit`), the
    /// cursor to continue from, whether more remain, and the head read first.
    private func pullRows(after position: Int64, scope: RegionCode, limit: Int) async throws -> (
        rows: ArraySlice<LoggedChange>, cursor: SyncCursor, more: Bool, head: SyncHead
    ) {
        // The head first: every position up to it has committed (writers commit in position
        // order), so the page read next sees all of them.
        let head = try await timed("head") { try await storage.head() }
        // A cursor past the head was issued by a timeline this server lost (it was restored
        // from a backup since): start again from the beginning, which merges as a no-op for
        // everything the device already holds and skips nothing.
        let position = position > head.position ? 0 : position
        let rows = try await timed("changes") { try await storage.changes(after: position, in: scope, limit: limit + 1) }
        // The last page (everything in scope after `position` is in it): start at the head next
        // time, so the next pull does not walk again through later changes of other regions.
        // Never past what was read, so a change committing after it is not skipped: every
        // position up to the head had committed before the rows were read. Changes kept on the
        // server still move the cursor past them.
        var last = rows.prefix(limit).last?.position ?? position
        if rows.count <= limit { last = max(last, position, head.position) }
        return (rows.prefix(limit), SyncCursor(issuer: serverNode, position: last), rows.count > limit, head)
    }

    /// Records of one kind in `scope` (nil: everywhere).
    public func records(of entity: EntityKind, in scope: RegionCode?) async throws -> [StoredRecord] {
        try await storage.records(of: entity, in: scope)
    }

    /// The records with these keys (those that exist), read from one snapshot, so they are
    /// consistent with each other; the read never waits for a push in progress.
    public func records(_ keys: [RecordKey]) async throws -> [RecordKey: StoredRecord] {
        guard !keys.isEmpty else { return [:] }
        return try await storage.read(ReadRequest(records: keys)).records
    }

    // MARK: Audit

    /// Appends an office action to the hash-chained audit log.
    public func record(actor: String, action: String, subject: String, detail: String, now: Int64) async throws {
        let node = serverNode
        try await storage.write(reading: ReadRequest()) { snapshot in
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            batch.audit(actor: actor, action: action, subject: subject, detail: detail)
            return (batch.finish(), ())
        }
    }

    /// Recomputes the audit chain from its first entry and checks it ends at the recorded head.
    public func verifyAudit() async throws -> AuditVerification {
        var previous = AuditEntry.genesis
        var expected: Int64 = 1
        while true {
            let page = try await storage.auditEntries(after: expected - 1, limit: 5000)
            if page.isEmpty { break }
            for e in page {
                if e.seq != expected {
                    return AuditVerification(entries: expected - 1, firstBad: (expected, "entry \(expected) is missing"))
                }
                if e.previousHash != previous {
                    return AuditVerification(entries: e.seq - 1, firstBad: (e.seq, "entry \(e.seq) does not follow entry \(e.seq - 1)"))
                }
                let hash = AuditEntry.hash(
                    seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, detail: e.detail, previous: previous)
                if hash != e.hash { return AuditVerification(entries: e.seq - 1, firstBad: (e.seq, "entry \(e.seq) was altered")) }
                previous = hash
                expected += 1
            }
        }
        let count = expected - 1
        let head = try await storage.head()
        if head.auditSeq != count || head.auditHash != previous {
            return AuditVerification(
                entries: count, firstBad: (count + 1, "entries after \(count) were removed (the recorded head is entry \(head.auditSeq))"))
        }
        return AuditVerification(entries: count, firstBad: nil)
    }

    // MARK: Restore

    /// Starts a new generation after a restore from a backup: positions jump above anything the
    /// lost timeline handed out, so devices whose cursors ran ahead of the backup still receive
    /// every change committed from now on, and devices learn (from `generation`) to send again
    /// what they had pushed since.
    /// - Parameter above: the generation of the database the restore replaced, when it could be
    ///   read: the new generation is above it too, so restoring the same backup twice never
    ///   hands out a generation (and positions) that devices already hold.
    public func beginGeneration(reason: String, above: Int64? = nil, now: Int64) async throws -> SyncHead {
        let node = serverNode
        return try await storage.write(reading: ReadRequest()) { snapshot in
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            batch.head.generation = max(batch.head.generation, above ?? 0) + 1
            batch.head.position = max(batch.head.position, batch.head.generation << SyncHead.generationShift)
            batch.audit(
                actor: "admin", action: "server.restored", subject: node.rawValue, detail: "generation \(batch.head.generation): \(reason)")
            return (batch.finish(), batch.head)
        }
    }
}
