@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// What every storage backend must do, checked through the storage interface alone: the same
/// tests for SQLite and PostgreSQL. The pipeline's policy is not tested here (see
/// `PipelineTests`); only that storage keeps what it is given, atomically and in order.
@Suite("Every storage backend keeps the same contract")
struct StorageContractTests {
    let node = try! NodeID("server-contract")
    let device = try! NodeID("device-contract")
    let village = try! RegionCode("139901002201")
    let otherVillage = try! RegionCode("139901003201")
    let key = Curve25519.Signing.PrivateKey()

    /// A fresh, initialized store of the given kind; the caller closes it.
    func open(_ backend: StorageBackendKind) async throws -> (any ServerStorage, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-contract-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        try await storage.initialize(ServerIdentity(node: node, key: Curve25519.Signing.PrivateKey()))
        return (storage, folder)
    }

    /// A household of `region` with one field written, in a signed set of its own.
    func household(in region: RegionCode, address: String, millis: Int64) throws -> (Change, ChangeSet) {
        let stamp = HLCTimestamp(physical: millis, logical: 0, node: device)
        let change = Change(
            entity: .household, record: HouseholdID().description, region: region,
            payload: .writes([
                FieldWrite(field: "region", value: .string(region.digits), stamp: stamp, base: nil),
                FieldWrite(field: "address", value: .string(address), stamp: stamp, base: nil),
                FieldWrite(field: "headName", value: "王建国", stamp: stamp, base: nil),
                FieldWrite(field: "housing", value: "self-built", stamp: stamp, base: nil),
                FieldWrite(field: "declaredMonthlyIncome", value: .int(60_000), stamp: stamp, base: nil),
            ]))
        let set = try ChangeSet(origin: device, stamp: stamp, changes: [change]).signed(with: key)
        return (change, set)
    }

    /// Writes changes through the storage's one write path, deciding with the pipeline's batch.
    @discardableResult
    func write(_ storage: any ServerStorage, _ items: [(Change, ChangeSet)], now: Int64 = 1_800_000_000_000) async throws -> [ChangeResult]
    {
        let request = ReadRequest(records: items.map { RecordKey($0.0.entity, $0.0.record) }, changeIDs: items.map(\.0.id))
        let node = self.node
        let village = self.village
        return try await storage.write(reading: request) { snapshot in
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            let writer = WriterContext(role: .admin, scope: try RegionCode(String(village.digits.prefix(6)) + "000000"), isServer: true)
            let results = items.map { batch.apply($0.0, in: $0.1, bodySignature: .notApplicable, writer: writer, maxDrift: 300_000) }
            return (batch.finish(), results)
        }
    }

    /// Every change in scope, page by page.
    func allChanges(_ storage: any ServerStorage, in scope: RegionCode) async throws -> [LoggedChange] {
        var out: [LoggedChange] = []
        var after: Int64 = 0
        for _ in 0..<1_000 {
            let page = try await storage.changes(after: after, in: scope, limit: 7)
            guard let last = page.last else { break }
            out += page
            after = last.position
        }
        return out
    }

    @Test("the identity is made once; a second initialize is refused and keeps the first", arguments: StorageBackendKind.allCases)
    func identity(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await storage.identity()?.node == node)
        await #expect(throws: (any Error).self) { try await storage.initialize(ServerIdentity.generate()) }
        #expect(try await storage.identity()?.node == node)
        try await storage.ping()
        await storage.close()
    }

    @Test(
        "what is written is read back: records by scope, changes in order by scope, the head, the audit chain",
        arguments: StorageBackendKind.allCases)
    func roundTrip(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = try (0..<5).map { try household(in: village, address: "上河村\($0)组", millis: 1_800_000_000_000 + Int64($0)) }
        let theirs = try household(in: otherVillage, address: "下河村1组", millis: 1_800_000_000_010)
        let results = try await write(storage, ours + [theirs])
        try #require(
            results.allSatisfy { $0.status == .applied }, "\(results.map { "\($0.code.map(\.rawValue) ?? "") \($0.detail ?? "")" })")

        let head = try await storage.head()
        #expect(head.position == 6 && head.auditSeq == 6)
        let inVillage = try await allChanges(storage, in: village)
        #expect(inVillage.map(\.changeID) == ours.map(\.0.id), "in commit order, only the village's")
        #expect(inVillage.map(\.position) == [1, 2, 3, 4, 5])
        #expect(try await allChanges(storage, in: otherVillage).map(\.changeID) == [theirs.0.id])
        let county = try RegionCode("139901000000")
        #expect(try await allChanges(storage, in: county).count == 6)

        let records = try await storage.records(of: .household, in: village)
        #expect(Set(records.map(\.id)) == Set(ours.map(\.0.record)))
        #expect(try await storage.records(of: .household, in: nil).count == 6)

        let audit = try await storage.auditEntries(after: 0, limit: 100)
        #expect(audit.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(audit.first?.previousHash == AuditEntry.genesis)
        #expect(zip(audit, audit.dropFirst()).allSatisfy { $0.hash == $1.previousHash }, "each entry chains to the one before")
        #expect(audit.last?.hash == head.auditHash)
        await storage.close()
    }

    @Test("a decision that throws writes nothing; a retried change gets its first answer back", arguments: StorageBackendKind.allCases)
    func atomicAndIdempotent(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try household(in: village, address: "上河村1组", millis: 1_800_000_000_000)
        try await write(storage, [first])
        let before = try await storage.head()

        struct Refused: Error {}
        let second = try household(in: village, address: "上河村2组", millis: 1_800_000_000_001)
        let node = self.node
        await #expect(throws: Refused.self) {
            try await storage.write(reading: ReadRequest(changeIDs: [second.0.id])) { snapshot -> (WriteSet, Int) in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: 1_800_000_000_000)
                _ = batch.apply(
                    second.0, in: second.1, bodySignature: .notApplicable,
                    writer: WriterContext(role: .caseworker, scope: self.village, isServer: false), maxDrift: 300_000)
                _ = batch.finish()
                throw Refused()
            }
        }
        #expect(try await storage.head() == before)
        #expect(try await allChanges(storage, in: village).map(\.changeID) == [first.0.id])

        let again = try await write(storage, [first])
        #expect(again.map(\.status) == [.duplicate])
        #expect(try await storage.head().position == before.position)
        await storage.close()
    }

    @Test("refused changes are counted per device and code; other answers are not", arguments: StorageBackendKind.allCases)
    func refusalCounts(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await storage.refusalCounts().isEmpty)
        let other = try NodeID("device-other")
        let answers: [(NodeID, ChangeResult)] = [
            (device, ChangeResult(change: ChangeID(), status: .refused, code: .serverOwnedField, detail: "status is the server's")),
            (device, ChangeResult(change: ChangeID(), status: .refused, code: .serverOwnedField, detail: "amount is the server's")),
            (device, ChangeResult(change: ChangeID(), status: .refused, code: .scopeViolation, detail: "another village")),
            (other, ChangeResult(change: ChangeID(), status: .refused, code: .serverOwnedField, detail: "status is the server's")),
            (other, ChangeResult(change: ChangeID(), status: .applied, code: nil, detail: nil)),
        ]
        let node = self.node
        try await storage.write(reading: ReadRequest()) { snapshot -> (WriteSet, Int) in
            var batch = WriteBatch(snapshot: snapshot, node: node, now: 1_800_000_000_000)
            for (device, result) in answers { batch.remember(result, device: device) }
            return (batch.finish(), 0)
        }
        #expect(
            try await storage.refusalCounts() == [
                RefusalCount(device: device, code: ErrorCode.scopeViolation.rawValue, count: 1),
                RefusalCount(device: device, code: ErrorCode.serverOwnedField.rawValue, count: 2),
                RefusalCount(device: other, code: ErrorCode.serverOwnedField.rawValue, count: 1),
            ])
        await storage.close()
    }

    @Test("a write the database refuses is rolled back whole and reported as storage-failure", arguments: StorageBackendKind.allCases)
    func refusedWriteRollsBack(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try household(in: village, address: "上河村1组", millis: 1_800_000_000_000)
        try await write(storage, [first])
        let before = try await storage.head()
        let logged = try await allChanges(storage, in: village)
        // The same change logged again at a new position: the log's unique change id refuses it.
        let error = await #expect(throws: StorageError.self) {
            try await storage.write(reading: ReadRequest()) { snapshot -> (WriteSet, Int) in
                var set = WriteSet(
                    head: SyncHead(
                        position: snapshot.head.position + 2, generation: snapshot.head.generation, clock: snapshot.head.clock,
                        auditSeq: snapshot.head.auditSeq, auditHash: snapshot.head.auditHash))
                var fresh = logged[0]
                fresh.position = snapshot.head.position + 1
                set.changes = [fresh]
                var copy = logged[0]
                copy.position = snapshot.head.position + 2
                set.changes.append(copy)
                return (set, 0)
            }
        }
        #expect(error?.code == .storageFailure)
        #expect(try await storage.head() == before, "the head did not move")
        #expect(try await allChanges(storage, in: village) == logged)
        await storage.close()
    }

    @Test("concurrent writers are serialized: positions are unique, gapless and in commit order", arguments: StorageBackendKind.allCases)
    func concurrentWriters(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let items = try (0..<40).map { try household(in: village, address: "上河村\($0)组", millis: 1_800_000_000_000 + Int64($0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for item in items { group.addTask { try await self.write(storage, [item]) } }
            try await group.waitForAll()
        }
        let logged = try await allChanges(storage, in: village)
        #expect(logged.map(\.position) == Array(1...40))
        #expect(Set(logged.map(\.changeID)) == Set(items.map(\.0.id)))
        let audit = try await storage.auditEntries(after: 0, limit: 100)
        #expect(audit.map(\.seq) == Array(1...40))
        #expect(zip(audit, audit.dropFirst()).allSatisfy { $0.hash == $1.previousHash })
        await storage.close()
    }

    @Test(
        "devices: a row is found by its token hash, renamed at enrolment, listed; blobs are visible only in scope",
        arguments: StorageBackendKind.allCases)
    func devicesAndBlobs(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pending = try NodeID("pending-1")
        try await storage.write(reading: ReadRequest()) { _ in
            var set = WriteSet()
            set.devices = [
                DeviceWrite(
                    DeviceRow(
                        id: pending, name: "李敏", role: .caseworker, scope: self.village, codeHash: "c0de", codeExpiresAt: 9, createdAt: 1))
            ]
            return (set, 0)
        }
        let found = try await storage.write(reading: ReadRequest(deviceCodeHash: "c0de")) { snapshot in (WriteSet(), snapshot.devices) }
        #expect(found.map(\.id) == [pending])
        try await storage.write(reading: ReadRequest()) { _ in
            var set = WriteSet()
            set.devices = [
                DeviceWrite(
                    DeviceRow(
                        id: self.device, name: "李敏", role: .caseworker, scope: self.village,
                        publicKey: self.key.publicKey.rawRepresentation.base64EncodedString(), tokenHash: "70ken", createdAt: 1,
                        redeemedAt: 2),
                    replacing: pending)
            ]
            return (set, 0)
        }
        #expect(try await storage.device(tokenHash: "70ken")?.id == device)
        #expect(try await storage.device(tokenHash: "c0de") == nil)
        #expect(try await storage.allDevices().map(\.id) == [device])
        #expect(try await storage.devices([device]).first?.status == .active)
        try await storage.touch(device, at: 5)
        #expect(try await storage.devices([device]).first?.lastSeenAt == 5)

        let digest = SHA256Digest(of: Data("a photo".utf8))
        try await storage.recordBlob(digest, size: 7, uploader: device, at: 3)
        let stranger = try NodeID("device-stranger")
        #expect(try await storage.blobVisible(digest, scope: village, device: device), "its uploader may read it")
        #expect(
            !(try await storage.blobVisible(digest, scope: village, device: stranger)), "nobody else until a record in scope references it")
        try await storage.write(reading: ReadRequest()) { _ in
            var set = WriteSet()
            set.blobReferences = [BlobReference(digest, self.village)]
            return (set, 0)
        }
        #expect(try await storage.blobVisible(digest, scope: village, device: stranger))
        #expect(!(try await storage.blobVisible(digest, scope: otherVillage, device: stranger)))
        await storage.close()
    }

    @Test(
        "a write transaction reads every record of a kind inside a region, and no other, beside the ones named by key",
        arguments: StorageBackendKind.allCases)
    func scopeReads(backend: StorageBackendKind) async throws {
        let (storage, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let here = try [household(in: village, address: "一", millis: 1), household(in: village, address: "二", millis: 2)]
        let there = try household(in: otherVillage, address: "三", millis: 3)
        try await write(storage, here + [there])
        let request = ReadRequest(records: [RecordKey(.household, there.0.record)], scopes: [ScopeRead(.household, in: village)])
        let keys = try await storage.write(reading: request) { snapshot in (WriteSet(), Set(snapshot.records.keys)) }
        #expect(keys == Set((here + [there]).map { RecordKey(.household, $0.0.record) }))
        let everywhere = try await storage.write(
            reading: ReadRequest(scopes: [ScopeRead(.household, in: nil), ScopeRead(.member, in: nil)])
        ) {
            snapshot in (WriteSet(), snapshot.records.count)
        }
        #expect(everywhere == 3)
        await storage.close()
    }
}
