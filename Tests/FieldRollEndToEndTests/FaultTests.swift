import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollClient

@Suite("Faults in the field lose nothing and apply nothing twice")
struct FaultTests {
    /// A device with a household, a member and a visit with two photos waiting.
    func busyDevice(_ h: Harness, clock: @escaping @Sendable () -> Int64 = DeviceStore.systemClock) async throws -> (Device, Household) {
        let d = try await h.device(clock: clock)
        let hh = try d.store.addHousehold(
            Household(
                region: village, address: "上河村3组12号", headName: "王建国", phone: try PhoneNumber("13800138000"), housing: .selfBuilt,
                declaredMonthlyIncome: .yuan(600)))
        _ = try d.store.addMember(
            Member(
                householdID: hh.id, region: village, name: "王建国", residentID: try ResidentID("11010519491231002X"), relation: .head,
                work: .farming, monthlyIncome: .yuan(600)))
        let photos = try ["house.jpg", "survey-sheet.jpg"].map {
            PhotoInput(data: try Data(contentsOf: repoRoot.appendingPathComponent("Fixtures/photos/\($0)")), kind: .house)
        }
        _ = try d.store.recordVisit(
            household: hh.id, author: "李敏", startedAt: Instant(millis: 0), endedAt: Instant(millis: 1), answers: ["income.wages": 120_000],
            photos: photos)
        return (d, hh)
    }

    /// How many times each change id is in the server's log (read through the storage interface,
    /// so the same on every backend).
    func logCounts(_ h: Harness) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        var after: Int64 = 0
        for _ in 0..<1_000 {
            let page = try await h.pipeline.storage.changes(after: after, in: village, limit: 500)
            guard let last = page.last else { break }
            for c in page { counts[c.changeID.description, default: 0] += 1 }
            after = last.position
        }
        return counts
    }

    @Test(
        "connection cut before the push, a push body cut midway, a reply lost after the server committed: retried, applied once",
        arguments: StorageBackendKind.allCases)
    func cutAndLostReply(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (d, hh) = try await busyDevice(h)
        defer { d.close() }
        let faults = FaultyHTTPClient(
            endpoint: d.endpoint,
            plan: [
                ("POST", "/v1/sync/push", .cutBeforeSend), ("POST", "/v1/sync/push", .truncateBody(200)),
                ("POST", "/v1/sync/push", .loseReply),
                ("GET", "/v1/sync/pull", .loseReply),
            ])
        let report = try await d.sync(through: faults)
        #expect(report.retries == 4)
        // Dropped twice, the batch of 3 change sets is halved to 1; that one's reply is lost and
        // its retry finds it applied; the other 2 follow in the next batch.
        #expect(
            report.changesApplied + report.duplicates == 5 && report.duplicates == 1,
            "the retry after the lost reply found its batch already applied")
        #expect(try d.store.pending().changes == 0)
        #expect(try await logCounts(h).values.allSatisfy { $0 == 1 }, "nothing applied twice")
        #expect(try d.state(in: village) == (try await h.state(in: village)))
        #expect(try await h.state(in: village)[hh.id.description]?["phone"] == "13800138000")
        await h.close()
    }

    @Test(
        "a link that drops a batch twice running gets half of it next; the batch grows again after a success",
        arguments: StorageBackendKind.allCases)
    func batchHalving(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (d, _) = try await busyDevice(h)
        defer { d.close() }
        #expect(try d.store.pending().changeSets == 3)
        let faults = FaultyHTTPClient(
            endpoint: d.endpoint, plan: [("POST", "/v1/sync/push", .cutBeforeSend), ("POST", "/v1/sync/push", .cutBeforeSend)])
        let report = try await d.sync(through: faults)
        #expect(report.retries == 2 && report.changesApplied == 5 && report.duplicates == 0)
        // 3 sets dropped twice; then 1 set; then (doubled) the other 2.
        let pushes = faults.log.withLock { $0.filter { $0 == "POST /v1/sync/push" }.count }
        #expect(pushes == 4, "\(faults.log.withLock { $0 })")
        #expect(try d.store.pending().changes == 0)
        #expect(try await logCounts(h).values.allSatisfy { $0 == 1 }, "nothing applied twice")
        await h.close()
    }

    @Test(
        "a photo upload cut halfway resumes from the server's offset; the bytes before the cut are not sent again",
        arguments: StorageBackendKind.allCases)
    func photoResume(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (d, _) = try await busyDevice(h)
        defer { d.close() }
        let waiting = try d.store.photosToUpload()
        let first = try #require(waiting.first)
        let half = Int(first.size / 2)
        let faults = FaultyHTTPClient(endpoint: d.endpoint, plan: [("PUT", "/v1/blobs/\(first.digest.hex)", .truncateBody(half))])
        let report = try await d.sync(through: faults)
        #expect(try await h.pipeline.storage.blobVisible(first.digest, scope: village, device: d.store.deviceID))
        // After the cut: the first photo's second half and the whole second photo, nothing more.
        let allBytes = waiting.reduce(0) { $0 + $1.size }
        #expect(report.photoBytesSent == allBytes - Int64(half))
        #expect(report.retries == 1)
        #expect(try d.store.photosToUpload().isEmpty)
        // Another sync sends no photo bytes at all.
        #expect(try await d.sync().photoBytesSent == 0)
        await h.close()
    }

    @Test(
        "a device whose clock is a day ahead gets its changes in, re-stamped, and wins nothing by it",
        arguments: StorageBackendKind.allCases)
    func clockAhead(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let honest = try await h.device(name: "王强")
        defer { honest.close() }
        let (d, hh) = try await busyDevice(h, clock: { DeviceStore.systemClock() + 86_400_000 })
        defer { d.close() }
        let report = try await d.sync()
        #expect(report.restamped && report.refused == 0 && report.changesApplied == 5)
        #expect(try d.store.pending().changes == 0)
        // Its stamps on the server are within the bound of the server's clock.
        let records = try await h.pipeline.records(of: .household, in: village)
        guard case .state(let s)? = records.first(where: { $0.id == hh.id.description })?.content else {
            Issue.record("household missing")
            return
        }
        #expect(s.fields.values.allSatisfy { $0.stamp.physical <= DeviceStore.systemClock() + 5 * 60_000 })
        // A later honest edit wins over the fast device's earlier one.
        _ = try await honest.sync()
        _ = try honest.store.editHousehold(hh.id, set: ["phone": "13900000000"])
        _ = try await honest.sync()
        _ = try await d.sync()
        #expect(try d.store.household(hh.id).household.phone?.rawValue == "13900000000")
        await h.close()
    }

    @Test("a device revoked mid-sync is stopped with device-revoked and keeps everything it had", arguments: StorageBackendKind.allCases)
    func revokedMidSync(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (d, hh) = try await busyDevice(h)
        defer { d.close() }
        _ = try await d.sync()
        _ = try d.store.editHousehold(hh.id, set: ["notes": "after the last sync"])
        try await h.pipeline.revoke(d.store.deviceID, as: .operator("张科长"), now: 1)
        do {
            _ = try await d.sync()
            Issue.record("a revoked device synced")
        } catch let p as RemoteProblem {
            #expect(p.code == .deviceRevoked)
        }
        #expect(try d.store.pending().changes == 1, "the unsynced edit is still in the outbox")
        #expect(try d.store.household(hh.id).household.notes == "after the last sync")
        await h.close()
    }

    @Test(
        "the device's disk full: the action or the pulled page fails whole with storage-failure, and sync completes once there is room",
        arguments: StorageBackendKind.allCases)
    func diskFull(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        try await h.importCounty()
        let d = try await h.device()
        defer { d.close() }
        // Fill the "disk": the database may not grow past its current size.
        let pages = try await d.store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0
        try await d.store.pool.write { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        do {
            _ = try await d.sync()
            Issue.record("a full disk took the whole county")
        } catch let e as ClientError {
            #expect(e.code == .storageFailure)
        }
        #expect(try d.store.cursor(for: d.server) == nil, "the cursor did not move past what was not stored")
        #expect(try d.store.households(in: village).isEmpty)
        // Local work goes on until the disk is truly full; the action that does not fit leaves no trace.
        var added = 0
        var failure: ClientError?
        for i in 0..<5000 {
            do {
                _ = try d.store.addHousehold(
                    Household(region: village, address: "上河村\(i)号", headName: "王建国", housing: .owned, declaredMonthlyIncome: .zero))
                added += 1
            } catch let e as ClientError {
                failure = e
                break
            }
        }
        #expect(failure?.code == .storageFailure && failure?.message.contains("full") == true)
        #expect(try d.store.pending().changeSets == added && (try d.store.households(in: village).count) == added)
        try await d.store.pool.write { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        _ = try await d.sync()
        #expect(try d.state(in: village) == (try await h.state(in: village)))
        await h.close()
    }
}
