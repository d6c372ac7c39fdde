import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// What an app builds its screens on: typed edits that write exactly what changed, and
/// observations that fire for local writes and for pulled pages alike.
@Suite("Typed edits and observations on the device")
struct ObservationTests {
    /// The next value of `iterator`, or nil when none comes within 20 s (the bound only keeps
    /// a broken observation from hanging the run).
    func next<T: Sendable>(_ iterator: inout AsyncThrowingStream<T, any Error>.Iterator) async throws -> T? {
        nonisolated(unsafe) var it = iterator
        defer { iterator = it }
        do { return try await Deadline.run(seconds: 20) { try await it.next() } } catch is Deadline.Expired { return nil }
    }

    /// The first value of `iterator` that satisfies `wanted` (values before it — a sync's own
    /// bookkeeping — are passed over), or nil when none comes.
    func first<T: Sendable>(_ iterator: inout AsyncThrowingStream<T, any Error>.Iterator, where wanted: (T) -> Bool) async throws -> T? {
        while let value = try await next(&iterator) { if wanted(value) { return value } }
        return nil
    }

    @Test("a typed edit writes exactly the fields it changes, validated first; one that changes nothing writes nothing")
    func typedEdits() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let device = try await harness.device()
        defer { device.close() }
        let h = try device.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        let before = try device.store.outbox().count

        let edited = try device.store.editHousehold(h.id) { $0.phone = try PhoneNumber("13911112222") }
        #expect(edited.phone?.rawValue == "13911112222" && edited.address == h.address)
        let sets = try device.store.outbox()
        #expect(sets.count == before + 1)
        guard case .writes(let writes)? = sets.last?.changeSet.changes.first?.payload else {
            Issue.record("the edit is not a field write")
            return
        }
        #expect(writes.map(\.field) == ["phone"], "exactly the changed field")

        // Nothing changed: nothing written.
        _ = try device.store.editHousehold(h.id) { $0.phone = try PhoneNumber("13911112222") }
        #expect(try device.store.outbox().count == before + 1)
        // A bad value and the office's fields are refused before anything is written.
        #expect(throws: ValidationError.self) { try device.store.editHousehold(h.id) { $0.address = "" } }
        #expect(throws: ClientError.self) { try device.store.editHousehold(h.id) { $0.region = try RegionCode("139901002202") } }
        #expect(try device.store.outbox().count == before + 1)
        #expect(try device.store.household(h.id).household.address == "上河村3组12号")

        // Members too; a cleared optional field is written as null.
        let m = try device.store.addMember(
            Member(
                householdID: h.id, region: village, name: "王建国", residentID: try ResidentID("11010519491231002X"), relation: .head,
                work: .farming, monthlyIncome: .yuan(300)))
        let changed = try device.store.editMember(m.id) { $0.monthlyIncome = .yuan(450) }
        #expect(changed.monthlyIncome == .yuan(450))
        guard case .writes(let memberWrites)? = try device.store.outbox().last?.changeSet.changes.first?.payload else {
            Issue.record("the member edit is not a field write")
            return
        }
        #expect(memberWrites.map(\.field) == ["monthlyIncome"])
        #expect(try await device.sync().refused == 0)
    }

    @Test("a household on screen follows a colleague's edit pulled by a sync, and the device's own; the pending count follows the outbox")
    func observations() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let colleague = try await harness.device(name: "王强")
        let device = try await harness.device(name: "李敏")
        defer {
            colleague.close()
            device.close()
        }
        let h = try colleague.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        _ = try await colleague.sync()
        _ = try await device.sync()

        var detail = device.store.householdUpdates(h.id).makeAsyncIterator()
        var pending = device.store.pendingUpdates().makeAsyncIterator()
        #expect(try await next(&detail)?.household.phone == nil, "the value now")
        #expect(try await next(&pending)?.changeSets == 0)

        // The colleague's edit arrives with a pull.
        _ = try colleague.store.editHousehold(h.id) { $0.phone = try PhoneNumber("13911112222") }
        _ = try await colleague.sync()
        _ = try await device.sync()
        let pulled = try await first(&detail) { $0.household.phone != nil }
        #expect(pulled?.household.phone?.rawValue == "13911112222", "the pulled edit reached the screen")

        // The device's own edit, and the outbox count up and back down.
        _ = try device.store.editHousehold(h.id) { $0.notes = "门口有狗" }
        #expect(try await next(&detail)?.household.notes == "门口有狗", "the next value is the edit")
        #expect(try await first(&pending) { $0.changeSets == 1 } != nil)
        _ = try await device.sync()
        #expect(try await first(&pending) { $0.changeSets == 0 } != nil, "sent")

        // The list of a village follows a new household.
        var list = device.store.householdsUpdates(in: village).makeAsyncIterator()
        #expect(try await next(&list)?.count == 1)
        _ = try device.store.addHousehold(
            Household(region: village, address: "上河村4组1号", headName: "李秀英", housing: .selfBuilt, declaredMonthlyIncome: .yuan(0)))
        #expect(try await next(&list)?.map(\.headName) == ["王建国", "李秀英"])
    }
}

/// An app opens its store and enrols through ``FieldRoll`` alone.
@Suite("The app's entry: open, create and enrol")
struct FieldRollEntryTests {
    @Test("a store created and enrolled through the entry opens again with its grant; a wrong passphrase and a wrong code are refused")
    func openAndEnrol() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let folder = tempDir("app")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await FieldRoll.create(at: folder, credential: .passphrase("正确的口令是马儿"), name: "李敏的平板")
        let endpoint = ServerEndpoint(baseURL: harness.base)

        // A code the office never printed: refused by the server, nothing saved.
        await #expect(throws: RemoteProblem.self) { try await store.enrol(server: endpoint, code: "AAAA-BBBB-CCCC") }
        #expect(try store.enrolment() == nil)

        let code = Secrets.enrolmentCode()
        _ = try await harness.pipeline.createDevice(
            name: "李敏的平板", role: .caseworker, scope: village, codeHash: Secrets.hash(code), expiresAt: Int64.max / 2,
            as: .operator(), now: 0)
        let grant = try await store.enrol(server: endpoint, code: code)
        #expect(grant.role == .caseworker && grant.scope == village && grant.device == store.deviceID)

        let reopened = try await FieldRoll.open(at: folder, credential: .passphrase("正确的口令是马儿"))
        // The whole store API, off the cooperative pool.
        let added = try await reopened.perform { store in
            try store.addHousehold(
                Household(region: village, address: "上河村7组2号", headName: "钱二", housing: .rented, declaredMonthlyIncome: .yuan(0)))
        }
        #expect(try await reopened.perform { try $0.households(in: village) }.map(\.id) == [added.id])
        let saved = try reopened.enrolment()
        #expect(reopened.deviceID == store.deviceID && saved?.server == grant.server)
        let report = try await SyncEngine(enrolledStore: reopened).sync()
        #expect(report.refused == 0 && report.changesApplied == 1)
        do {
            _ = try await FieldRoll.open(at: folder, credential: .passphrase("错误的口令是牛儿"))
            Issue.record("a wrong passphrase opened the store")
        } catch let error as ClientError {
            #expect(error.code == .wrongKey)
        }
    }
}
