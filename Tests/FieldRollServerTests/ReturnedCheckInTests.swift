@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// A suspended household that comes back to check in is put before the office, not left
/// suspended and unpaid with nobody looking.
@Suite("The office sees a suspended household that checked in")
struct ReturnedCheckInTests {
    let village = try! RegionCode("139901002201")
    let county = try! RegionCode("139901000000")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    @Test(
        "a check-in after the suspension puts it at roll-review as checked in while suspended; resuming clears it",
        arguments: StorageBackendKind.allCases)
    func returned(backend: StorageBackendKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-back-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let made = try await SyncPipeline.initialize(storage, now: morning - 30 * day)
        let p = SyncPipeline(storage: storage, identity: made.identity)
        var roll = try await RollFixture.make(p, scope: county)
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(22_000), from: try CalendarDate("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day)
        let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - 10 * day)
        try await roll.visit(household, in: village, answers: ["income.wages": .int(0)], now: morning - 9 * day)
        try await roll.approveToNotice(id, from: morning)
        try await p.review(
            enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 8 * day)
        // A check-in before the suspension does not count as a return.
        try await checkIn(roll, household, at: morning + 9 * day)
        try await p.review(
            enrolment: id, step: .rollReview, decision: .suspend, reason: "逾期未核查", as: .operator("张科长", role: .approver),
            now: morning + 10 * day)
        let today = try CalendarDate("2026-12-10")
        #expect(try await p.reviewQueue(in: village, today: today).first { $0.enrolment.id == id } == nil, "suspended, nothing new")

        try await checkIn(roll, household, at: morning + 12 * day)  // 2026-12-07
        let entry = try #require(try await p.reviewQueue(in: village, today: today).first { $0.enrolment.id == id })
        #expect(
            try entry.step == .rollReview && entry.checkedInWhileSuspended == CalendarDate(year: 2026, month: 12, day: 7)
                && entry.flags.isEmpty)
        let cases = try await p.reviewCases(in: village, role: .approver, today: today)
        #expect(cases.first { $0.enrolment == id.description }?.checkedInWhileSuspended == (try CalendarDate("2026-12-07")))

        try await p.review(
            enrolment: id, step: .rollReview, decision: .resume, reason: "本人到大厅核验", as: .operator("张科长", role: .approver),
            now: morning + 13 * day)
        #expect(try await p.reviewQueue(in: village, today: today).first { $0.enrolment.id == id } == nil, "resumed: nothing waits")
        await p.storage.close()
    }

    /// The head checks in at a kiosk at `at`, recorded by the fixture's caseworker device.
    func checkIn(_ roll: RollFixture, _ household: HouseholdID, at: Int64) async throws {
        let members = try await roll.pipeline.storage.records(of: .member, in: village).compactMap { record -> Member? in
            guard case .state(let s) = record.content, let id = try? MemberID(record.id) else { return nil }
            return try? Member(id: id, values: s.values)
        }
        let head = try #require(members.first { $0.householdID == household && $0.relation == .head })
        let checkIn = try CheckIn(
            memberID: head.id, householdID: household, region: village, at: Instant(millis: at), place: "城关镇便民服务大厅", method: .kiosk,
            matchScore: nil, photo: nil, device: roll.caseworker
        ).signed(with: roll.key)
        var clock = HybridLogicalClock(node: roll.caseworker)
        let set = try ChangeSet(
            origin: roll.caseworker, stamp: clock.tick(now: at),
            changes: [
                Change(entity: .checkIn, record: checkIn.id.description, region: village, payload: .body(try JSONValue(encoding: checkIn)))
            ]
        ).signed(with: roll.key)
        let answer = try await roll.pipeline.push(
            [set], pusher: roll.caseworker, writer: WriterContext(role: .caseworker, scope: county, isServer: false), now: at)
        try #require(answer.results.map(\.status) == [.applied], "\(answer.results)")
    }
}
