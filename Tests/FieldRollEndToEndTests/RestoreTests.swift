import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollClient

@Suite("A server restored from an older backup keeps every device right")
struct RestoreTests {
    /// `n` new households on `d`, addressed `tag0号`, `tag1号`, …
    func add(_ d: Device, _ n: Int, _ tag: String) throws {
        for i in 0..<n {
            _ = try d.store.addHousehold(
                Household(region: village, address: "\(tag)\(i)号", headName: "王建国", housing: .owned, declaredMonthlyIncome: .yuan(1)))
        }
    }

    @Test(
        "devices that pulled past the backup receive every later change, and what devices pushed after the backup is sent again",
        arguments: StorageBackendKind.allCases)
    func restoreFromOlderBackup(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend, restartable: true)
        let pusher = try await h.device(name: "李敏")
        let reader = try await h.device(name: "王强")
        let other = try await h.device(name: "赵兰")
        defer { for d in [pusher, reader, other] { d.close() } }
        try add(pusher, 2, "旧")
        for d in [pusher, reader, other] { _ = try await d.sync() }

        // The nightly backup, taken while the server runs.
        let backup = tempDir("backup").path
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let manifest = try await ServerBackup.backup(h.pipeline, configuration: h.configuration, to: backup, now: DeviceStore.systemClock())
        #expect(manifest.backend == backend.rawValue)

        // After the backup: 5 more changes, pulled by the reader.
        try add(pusher, 5, "后")
        let pushed = try await pusher.sync()
        #expect(pushed.changesApplied == 5)
        _ = try await reader.sync()
        #expect(try reader.store.households(in: village).count == 7)

        // The disk dies; the office restores last night's backup onto the same address.
        let port = h.server.port
        await h.server.stop()
        var config = h.configuration
        config.port = port
        let (_, head, _) = try await ServerBackup.restore(config, from: backup, now: DeviceStore.systemClock())
        #expect(head.generation == manifest.generation + 1)
        let restored = try await Harness.startAgain(config)
        defer { Task { await restored.stop() } }
        #expect(try await restored.pipeline.records(of: .household, in: village).count == 2, "the backup predates the 5")

        // A device that had nothing after the backup pushes 3 new changes…
        try add(other, 3, "新")
        #expect(try await other.sync().changesApplied == 3)
        // …and the reader, whose cursor ran past the backup point, receives all 3.
        let readerReport = try await reader.sync()
        #expect(readerReport.pulled == 3, "the 3 new changes, nothing twice")
        #expect(try reader.store.households(in: village).count == 10)

        // The pusher learns of the new generation and sends its 5 again; nothing is lost.
        let resent = try await pusher.sync()
        #expect(resent.resent >= 5 && resent.changesApplied == 5, "the 5 the server lost are applied again")
        #expect(try await restored.pipeline.records(of: .household, in: village).count == 10)
        // Everyone converges on the server's state.
        for d in [pusher, reader, other] { _ = try await d.sync() }
        let server = try await restored.pipeline.records(of: .household, in: village).map(\.id).sorted()
        for d in [pusher, reader, other] {
            #expect(try d.store.households(in: village).map(\.id.description).sorted() == server)
        }
        #expect(try await restored.pipeline.verifyAudit().ok)
        await restored.stop()
        try? FileManager.default.removeItem(at: h.directory)
    }

    @Test(
        "the same backup restored twice: a device that synced with the first restored server still receives every later change",
        arguments: StorageBackendKind.allCases)
    func restoreTwice(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend, restartable: true)
        let pusher = try await h.device(name: "李敏")
        let reader = try await h.device(name: "王强")
        let other = try await h.device(name: "赵兰")
        defer { for d in [pusher, reader, other] { d.close() } }
        try add(pusher, 2, "旧")
        for d in [pusher, reader, other] { _ = try await d.sync() }
        let backup = tempDir("backup").path
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let manifest = try await ServerBackup.backup(h.pipeline, configuration: h.configuration, to: backup, now: DeviceStore.systemClock())

        let port = h.server.port
        var config = h.configuration
        config.port = port
        await h.server.stop()
        let (_, first, _) = try await ServerBackup.restore(config, from: backup, now: DeviceStore.systemClock())
        #expect(first.generation == manifest.generation + 1)
        var server = try await Harness.startAgain(config)
        // On the first restored server: 4 changes, pulled by the reader (its cursor now lies in that timeline).
        try add(pusher, 4, "一")
        #expect(try await pusher.sync().changesApplied == 4)
        #expect(try await reader.sync().pulled == 4)

        // The first restore turns out wrong; the office restores the same backup again.
        await server.stop()
        let (_, second, _) = try await ServerBackup.restore(config, from: backup, now: DeviceStore.systemClock())
        #expect(second.generation == first.generation + 1, "above the replaced database's generation, not the backup's + 1 again")
        server = try await Harness.startAgain(config)
        // Others push before the reader comes back: with a reused generation the reader would skip these.
        try add(other, 3, "二")
        #expect(try await other.sync().changesApplied == 3)
        #expect(try await reader.sync().pulled == 3)
        #expect(try reader.store.households(in: village).count == 9)
        let resent = try await pusher.sync()
        #expect(resent.changesApplied == 4, "the 4 the second restore lost are sent again")
        for d in [pusher, reader, other] { _ = try await d.sync() }
        let held = try await server.pipeline.records(of: .household, in: village).map(\.id).sorted()
        #expect(held.count == 9)
        for d in [pusher, reader, other] {
            #expect(try d.store.households(in: village).map(\.id.description).sorted() == held)
        }
        await server.stop()
        try? FileManager.default.removeItem(at: h.directory)
    }

    @Test(
        "every conflict recorded after the backup is recorded again, once, with both values, when the devices send their writes anew",
        arguments: StorageBackendKind.allCases)
    func restoreKeepsConflicts(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend, restartable: true)
        let a = try await h.device(name: "李敏")
        let b = try await h.device(name: "王强")
        defer { for d in [a, b] { d.close() } }
        let shared = try a.store.addHousehold(
            Household(region: village, address: "上河村1组1号", headName: "赵大山", housing: .selfBuilt, declaredMonthlyIncome: .yuan(500)))
        for d in [a, b] { _ = try await d.sync() }
        let backup = tempDir("backup").path
        defer { try? FileManager.default.removeItem(atPath: backup) }
        _ = try await ServerBackup.backup(h.pipeline, configuration: h.configuration, to: backup, now: DeviceStore.systemClock())

        // After the backup, offline: a writes the notes, then b (later, so b's stamp wins) twice,
        // the second time on top of its own first. a syncs, then b: b's first write was
        // concurrent with a's, and the server records that conflict.
        _ = try a.store.editHousehold(shared.id, set: ["notes": "A1 李敏"])
        try await Task.sleep(for: .milliseconds(20))
        _ = try b.store.editHousehold(shared.id, set: ["notes": "B1 王强"])
        _ = try b.store.editHousehold(shared.id, set: ["notes": "B2 王强"])
        _ = try await a.sync()
        _ = try await b.sync()
        func pairs(_ conflicts: [ConflictRecord]) -> [[JSONValue]] {
            conflicts.map { [$0.winner.value, $0.loser.value] }.sorted { "\($0)" < "\($1)" }
        }
        let before = pairs(try await h.pipeline.conflicts(includeResolved: true, scope: nil))
        #expect(before == [["B1 王强", "A1 李敏"]], "b's first write won over a's; both are on record")

        let port = h.server.port
        await h.server.stop()
        var config = h.configuration
        config.port = port
        _ = try await ServerBackup.restore(config, from: backup, now: DeviceStore.systemClock())
        let restored = try await Harness.startAgain(config)
        defer { Task { await restored.stop() } }
        #expect(try await restored.pipeline.conflicts(includeResolved: true, scope: nil).isEmpty, "the backup predates them")

        // The devices learn of the restore and send their writes again — b's first this time,
        // so a's write arrives when b's second write (which had seen it) is the current value.
        for d in [b, b, a, a] { _ = try await d.sync() }
        let after = try await restored.pipeline.conflicts(includeResolved: true, scope: nil)
        #expect(pairs(after) == before, "each conflict once, with both values, as before the restore")
        #expect(after.allSatisfy { $0.record == shared.id.description && $0.field == "notes" })
        for d in [a, b] { _ = try await d.sync() }
        let key = RecordKey(.household, shared.id.description)
        let stored = try #require(try await restored.pipeline.records([key])[key])
        guard case .state(let state) = stored.content else {
            Issue.record("a household is stored as field state")
            return
        }
        #expect(state.fields["notes"]?.value == "B2 王强", "the merge keeps the same winner")
        await restored.stop()
        try? FileManager.default.removeItem(at: h.directory)
    }

    @Test("a pull whose cursor lies past the server's head starts again from the beginning", arguments: StorageBackendKind.allCases)
    func cursorPastHead(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend, restartable: true)
        let d = try await h.device(name: "李敏")
        defer { d.close() }
        for i in 0..<3 {
            _ = try d.store.addHousehold(
                Household(region: village, address: "\(i)号", headName: "王建国", housing: .owned, declaredMonthlyIncome: .yuan(1)))
        }
        _ = try await d.sync()
        let head = try await h.pipeline.storage.head()
        let page = try await h.pipeline.pull(after: head.position + 1_000, scope: village, limit: 100, now: DeviceStore.systemClock())
        #expect(page.changes.filter { $0.change.entity == .household }.count == 3)
        #expect(page.cursor.position <= head.position && !page.more)
        await h.close()
    }
}
