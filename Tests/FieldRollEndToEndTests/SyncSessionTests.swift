import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// An app's status line and background syncing, on a real server.
@Suite("A sync session reports its status and syncs in the background")
struct SyncSessionTests {
    @Test("the status goes through pushing n/m to idle with the report; a failure keeps its code; the background policy syncs by itself")
    func status() async throws {
        let harness = try await Harness()
        let device = try await harness.device()
        defer { device.close() }
        for n in 1...3 {
            _ = try device.store.addHousehold(
                Household(
                    region: village, address: "上河村5组\(n)号", headName: "户主\(n)", housing: .selfBuilt, declaredMonthlyIncome: .yuan(0)))
        }
        let session = SyncSession(store: device.store, options: testOptions)
        let updates = session.statusUpdates()
        let seen = Task {
            var all: [SyncStatus] = []
            for await s in updates {
                all.append(s)
                if s.lastReport != nil || s.lastError != nil { break }
            }
            return all
        }
        let report = try await session.sync()
        let statuses = await seen.value
        #expect(statuses.first == SyncStatus(), "the status as it was, first")
        #expect(statuses.contains { $0.activity == .pushing(done: 3, total: 3) }, "\(statuses.map(\.activity))")
        let last = try #require(statuses.last)
        #expect(last.activity == .idle && last.lastReport == report && report.changesApplied == 3 && last.lastSynced != nil)

        // The server goes away: the failure is kept with its code, the report of the last good sync stays.
        await harness.server.stop()
        var once = testOptions
        once.attempts = 1
        let offline = SyncSession(store: device.store, options: once)
        await #expect(throws: (any Error).self) { try await offline.sync() }
        #expect(offline.status.lastError?.code == .network && offline.status.activity == .idle)

        // In the background, on a server that is back: a new household goes up by itself.
        let back = try await Harness()
        defer { Task { await back.close() } }
        let other = try await back.device(name: "王强")
        defer { other.close() }
        let background = SyncSession(store: other.store, options: testOptions)
        background.startBackground(every: .milliseconds(200))
        _ = try other.store.addHousehold(
            Household(region: village, address: "上河村6组1号", headName: "赵兰", housing: .selfBuilt, declaredMonthlyIncome: .yuan(0)))
        // Each sync changes the status (at least its lastSynced): a bounded number of them.
        var synced = false
        var looked = 0
        for await s in background.statusUpdates() {
            looked += 1
            if s.lastReport?.changesApplied == 1 { synced = true }
            if synced || looked > 500 { break }
        }
        background.stopBackground()
        let left = try other.store.pending().changeSets
        #expect(synced && left == 0)
        #expect(try await back.pipeline.records(of: .household, in: village).count == 1)
        #expect(background.status.nextAttempt == nil, "stopped")
    }
}
