@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import FieldRollServer

extension StorageContractTests {
    /// A write set with something in every member, as a transaction might write it.
    func everyKindOfRow() throws -> (WriteSet, [FieldWrite]) {
        let stamp = HLCTimestamp(physical: 1_800_000_000_000, logical: 3, node: device)
        let household = HouseholdID()
        let state = RecordState(fields: [
            "region": StampedValue(value: .string(village.digits), stamp: stamp),
            "address": StampedValue(value: "上河村1组", stamp: stamp, base: HLCTimestamp(physical: 1_700_000_000_000, logical: 0, node: node)),
            "declaredMonthlyIncome": StampedValue(value: .int(60_000), stamp: stamp),
        ])
        let visitID = UUID().uuidString.lowercased()
        let records = [
            StoredRecord(entity: .household, id: household.description, region: village, content: .state(state)),
            StoredRecord(
                entity: .visit, id: visitID, region: village, content: .body(["id": .string(visitID), "answers": ["rooms": .int(3)]])),
        ]
        var set = WriteSet()
        set.records = records
        set.recordPositions = [RecordKey(.household, household.description): 7, RecordKey(.visit, visitID): 8]
        let writes = state.fields.map { FieldWrite(field: $0.key, value: $0.value.value, stamp: $0.value.stamp, base: $0.value.base) }
        let edit = Change(entity: .household, record: household.description, region: village, payload: .writes(writes))
        let visit = Change(entity: .visit, record: visitID, region: village, payload: .body(records[1].contentJSON))
        set.changes = [edit, visit].enumerated().map { i, change in
            LoggedChange(
                position: Int64(7 + i), changeID: change.id, changeSet: ChangeSetID(), origin: device, region: village,
                body: CanonicalJSON.string(change.json), record: RecordKey(change.entity, change.record))
        }
        let conflictID = UUID().uuidString.lowercased()
        set.results = [
            StoredResult(
                result: ChangeResult(change: set.changes[0].changeID, status: .conflictRecorded, conflicts: [conflictID]), device: device),
            StoredResult(result: ChangeResult(change: set.changes[1].changeID, status: .applied), device: device),
            StoredResult(
                result: ChangeResult(change: ChangeID(), status: .refused, code: .scopeViolation, detail: "another village"),
                device: device),
        ]
        let loser = StampedValue(value: "下河村2组", stamp: HLCTimestamp(physical: 1_800_000_000_000, logical: 1, node: node))
        set.conflicts = [
            ConflictRecord(
                id: conflictID, entity: .household, record: household.description, region: village, field: "address",
                winner: state.fields["address"]!, loser: loser, change: set.changes[0].changeID,
                detectedAt: Instant(millis: 1_800_000_000_001),
                resolvedAt: Instant(millis: 1_800_000_000_002), resolvedBy: "staff:张科长", resolution: "kept-winner")
        ]
        set.blobReferences = [BlobReference(SHA256Digest(of: Data("a photo".utf8)), village)]
        set.devices = [
            DeviceWrite(
                DeviceRow(
                    id: device, name: "李敏", role: .caseworker, scope: village, codeHash: "c0de", codeExpiresAt: 11,
                    publicKey: key.publicKey.rawRepresentation.base64EncodedString(), tokenHash: "70ken", createdAt: 1, redeemedAt: 2,
                    revokedAt: 3, lastSeenAt: 4))
        ]
        set.flags = [
            CrossCheckFlag(
                household: household, region: village, source: .vehicles, rule: .vehicleValue, detail: "a car worth 180,000 yuan",
                evidence: [CrossCheckEvidence(line: 4, cells: ["plate": "冀A12345", "value": "180000"])], file: "vehicles.csv",
                raisedAt: Instant(millis: 1_800_000_000_003))
        ]
        set.staff = [
            StaffAccount(
                name: "张科长", role: .approver, scope: try RegionCode("139901000000"), passwordHash: "$2b$10$abc", createdAt: 5,
                passwordChangedAt: 6, disabledAt: 7, failedLogins: 2, lockedUntil: 9)
        ]
        set.endSessionsOf = ["张科长"]
        var previous = AuditEntry.genesis
        for seq in Int64(1)...2 {
            let at = Instant(millis: 1_800_000_000_000 + seq)
            let hash = AuditEntry.hash(
                seq: seq, at: at, actor: device.rawValue, action: "change.applied", subject: "household/\(household)", detail: "\(seq)",
                previous: previous)
            set.audit.append(
                AuditEntry(
                    seq: seq, at: at, actor: device.rawValue, action: "change.applied", subject: "household/\(household)", detail: "\(seq)",
                    previousHash: previous, hash: hash))
            previous = hash
        }
        set.head = SyncHead(position: 8, generation: 2, clock: stamp, auditSeq: 2, auditHash: previous)
        return (set, writes)
    }

    @Test("every member of a write set is read back as written, by a read and by a write", arguments: StorageBackendKind.allCases)
    func readRoundTrip(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (set, writes) = try everyKindOfRow()
        try await storage.insertSession(ConsoleSession(tokenHash: "s-ended", staff: "张科长", csrfToken: "x", createdAt: 1, expiresAt: .max))
        try await storage.insertSession(ConsoleSession(tokenHash: "s-kept", staff: "王会计", csrfToken: "y", createdAt: 1, expiresAt: .max))
        _ = try await storage.write(reading: ReadRequest()) { _ in (set, 0) }

        let keys = set.records.map { RecordKey($0.entity, $0.id) }
        var request = ReadRequest(
            records: keys, changeIDs: set.results.map(\.result.change), deviceIDs: [device], conflictIDs: set.conflicts.map(\.id),
            flagHouseholds: set.flags.map(\.household))
        request.staffNames = set.staff.map(\.name)
        request.histories = keys
        let read = try await storage.read(request)
        let written = try await storage.write(reading: request) { snapshot in (WriteSet(), snapshot) }
        for snapshot in [read, written] {
            #expect(snapshot.head == set.head)
            #expect(snapshot.records == Dictionary(uniqueKeysWithValues: set.records.map { (RecordKey($0.entity, $0.id), $0) }))
            #expect(snapshot.positions == set.recordPositions)
            #expect(
                snapshot.results == Dictionary(uniqueKeysWithValues: set.results.map { ($0.result.change, $0) }),
                "status, code, detail and the conflicts named")
            #expect(snapshot.devices == set.devices.map(\.row))
            #expect(snapshot.conflicts == set.conflicts)
            #expect(snapshot.flags == set.flags)
            #expect(snapshot.staff == set.staff)
            let edited = RecordKey(.household, set.records[0].id)
            #expect(
                snapshot.history.mapValues(Set.init) == [edited: Set(writes)], "the logged field writes of each record; a body has none")
        }
        #expect(try await storage.read(ReadRequest(deviceCodeHash: "c0de")).devices.map(\.id) == [device], "found by its code hash")
        // The members a snapshot does not carry, through the storage's other reads.
        #expect(try await storage.changes(after: 0, in: village, limit: 10) == set.changes)
        #expect(try await storage.auditEntries(after: 0, limit: 10) == set.audit)
        #expect(try await storage.blobVisible(set.blobReferences[0].digest, scope: village, device: try NodeID("device-stranger")))
        #expect(try await storage.session(tokenHash: "s-ended") == nil, "the sessions of the staff named ended")
        #expect(try await storage.session(tokenHash: "s-kept") != nil, "nobody else's")
        #expect(try await storage.head() == set.head)
        await storage.close()
    }

    @Test("a read is answered while a write transaction holds the writers' lock", arguments: StorageBackendKind.allCases)
    func readDoesNotWaitForWriters(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try household(in: village, address: "上河村1组", millis: 1_800_000_000_000)
        try await write(storage, [first])
        let key = RecordKey(.household, first.0.record)

        let lock = try await WriterLock.take(on: storage)
        let second = try household(in: village, address: "上河村2组", millis: 1_800_000_000_001)
        let writer = Task { try await self.write(storage, [second]) }
        // Generous: the point is that an answer comes at all while the lock is held.
        let snapshot = try await Deadline.run(seconds: 20) { try await storage.read(ReadRequest(records: [key])) }
        #expect(snapshot.records[key] != nil)
        #expect(snapshot.head.position == 1, "the last committed state")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await storage.head().position == 1, "the lock was really held: the write started meanwhile still waits")
        try await lock.release()
        _ = try await writer.value
        #expect(try await storage.head().position == 2, "the waiting write went through once the lock was released")
        await storage.close()
    }
}

/// The writers' lock, held until released: on SQLite by a write transaction of the storage's
/// own whose decision waits (on GRDB's writer queue, not on a task's thread), on PostgreSQL by
/// a connection of the test's own holding the `sync_head` row `FOR UPDATE`, as a write does.
struct WriterLock {
    let release: @Sendable () async throws -> Void

    static func take(on storage: any ServerStorage) async throws -> WriterLock {
        if let sqlite = storage as? SQLiteStorage {
            let entered = DispatchSemaphore(value: 0)
            let leave = DispatchSemaphore(value: 0)
            let holder = Task {
                try await sqlite.write(reading: ReadRequest()) { _ in
                    entered.signal()
                    leave.wait()
                    return (WriteSet(), 0)
                }
            }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    entered.wait()
                    continuation.resume()
                }
            }
            return WriterLock {
                leave.signal()
                _ = try await holder.value
            }
        }
        let postgres = try #require(storage as? PostgresStorage)
        let (locked, lockedContinuation) = AsyncStream<Void>.makeStream()
        let (released, releasedContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            // However it ends, the caller stops waiting for the lock (and `release` reports why).
            defer { lockedContinuation.finish() }
            try await postgres.client.withConnection { connection in
                try await connection.query("BEGIN", logger: postgres.logger)
                try await connection.query("SELECT 1 FROM sync_head WHERE id = 1 FOR UPDATE", logger: postgres.logger)
                lockedContinuation.yield()
                for await _ in released { break }
                try await connection.query("ROLLBACK", logger: postgres.logger)
            }
        }
        for await _ in locked { break }
        return WriterLock {
            releasedContinuation.yield()
            try await holder.value
        }
    }
}
