import FieldRollClient
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

/// Approvers decide offline on their devices; the decision syncs like any change, the server
/// moves the enrolment, and every device in the region pulls the new status.
@Suite("Review decisions made offline on devices")
struct ReviewSyncTests {
    @Test(
        "two approvers approve the same application offline: one decision applies, the other is refused and kept",
        arguments: StorageBackendKind.allCases)
    func twoApprovers(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        try await h.importCounty()
        let county = try RegionCode("139901000000")
        let today = CalendarDate(chinaDayOf: Instant(millis: DeviceStore.systemClock()))
        let waiting = try #require(try await h.pipeline.reviewQueue(in: county, today: today).first { $0.step == .countyApproval })
        let id = waiting.enrolment.id
        // The county's approval computes the amount: it needs a standard in force and a signed
        // survey visit of the household (synced by its caseworker).
        let now = DeviceStore.systemClock()
        _ = try await h.pipeline.addStandard(
            region: county, programme: waiting.enrolment.programme, perCapita: .yuan(900), from: try CalendarDate("2020-01-01"),
            as: .operator("张科长"), confirmed: true, now: now)
        let caseworker = try await h.device(.caseworker, scope: county, name: "李敏")
        defer { caseworker.close() }
        _ = try await caseworker.sync()
        _ = try caseworker.store.recordVisit(
            household: waiting.enrolment.householdID, author: "李敏", startedAt: Instant(millis: now - 600_000),
            endedAt: Instant(millis: now),
            answers: ["income.wages": .int(30_000)])
        #expect(try await caseworker.sync().refused == 0)

        let first = try await h.device(.approver, scope: county, name: "张科长")
        let second = try await h.device(.approver, scope: county, name: "刘科长")
        defer {
            first.close()
            second.close()
        }
        _ = try await first.sync()
        _ = try await second.sync()
        #expect(try first.store.enrolments(in: county).first { $0.id == id }?.status == .townshipReviewed)

        // The first approver uses the CLI, the second the library.
        let cli = try await SyncExitTests().fieldroll([
            "review", "decide", id.description, "--step", "county-approval", "--decision", "approve", "--by", "张科长", "--data",
            first.directory.path,
        ])
        #expect(cli.status == 0, "\(cli.err)")
        let listed = try await SyncExitTests().fieldroll(["review", "list", "--json", "--data", second.directory.path])
        #expect(listed.out.contains(id.description))
        try second.store.recordReview(
            enrolment: id, step: .countyApproval, decision: .approve, reason: "", reviewer: "刘科长", role: .approver)
        let a = try await first.sync()
        let b = try await second.sync()
        #expect(a.refused == 0 && b.refused == 1, "one decision applies, never both")
        let kept = try second.store.rejected()
        #expect(kept.count == 1 && kept[0].code == .illegalTransition && kept[0].entity == .reviewAction)

        // Both devices now hold the server's move, dated the day (China time) the server applied
        // it: the day this test began or, when the run crosses midnight in China, the next one.
        _ = try await first.sync()
        let after = CalendarDate(chinaDayOf: Instant(millis: DeviceStore.systemClock()))
        for d in [first, second] {
            let e = try #require(try d.store.enrolments(in: county).first { $0.id == id })
            #expect(e.status == .publicNotice && e.statusSince.map { (today...after).contains($0) } == true)
        }
        #expect(try await h.pipeline.verifyAudit().ok)
        await h.close()
    }
}
