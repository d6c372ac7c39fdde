@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// A person counts once: a resident ID in two households on the roll holds the amount of the
/// later household until the office decides at roll-review, and the notice never shows more
/// people than the amount was worked for.
@Suite("A person counts once on the roll")
struct DuplicateMemberTests {
    let village = try! RegionCode("139901002201")
    let county = try! RegionCode("139901000000")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    @Test(
        "a member counted in an earlier household holds the later one's amount until a person confirms it",
        arguments: StorageBackendKind.allCases)
    func held(backend: StorageBackendKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-twice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let made = try await SyncPipeline.initialize(storage, now: morning - 30 * day)
        let p = SyncPipeline(storage: storage, identity: made.identity)
        var roll = try await RollFixture.make(p, scope: county)
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(82_000), from: try CalendarDate("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day)
        // The fixture gives the first members of every household the same resident IDs: 赵大 and 钱二
        // carry 王建国's and 李秀英's.
        let (first, firstID) = try await roll.household(
            in: village, names: ["王建国", "李秀英", "王小明"], appliedOn: "2026-11-01", now: morning - 10 * day)
        try await roll.visit(first, in: village, answers: ["income.wages": .int(0)], now: morning - 9 * day)
        let (later, laterID) = try await roll.household(in: village, names: ["赵大", "钱二"], appliedOn: "2026-11-20", now: morning - 10 * day)
        try await roll.visit(later, in: village, answers: ["income.wages": .int(0)], now: morning - 9 * day)
        for id in [firstID, laterID] {
            try await roll.approveToNotice(id, from: morning)
            try await p.review(
                enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
                now: morning + 8 * day)
        }
        // 820.00 × 3 = 2,460.00 and 820.00 × 2 = 1,640.00.
        #expect(try await roll.enrolment(firstID).monthlyAmount == Fen(246_000))
        #expect(try await roll.enrolment(laterID).monthlyAmount == Fen(164_000))
        let report = try await p.crossCheckRolls(as: .operator("张科长"), now: morning + 9 * day)
        #expect(Set(report.raised.filter { $0.rule == .residentIDInTwoHouseholds }.map(\.household)) == [first, later])

        // A third person is added to the later household: 820.00 × 3 would be 2,460.00.
        let third = Member(
            householdID: later, region: village, name: "钱三", residentID: try ResidentID("110105201001010010"), relation: .child,
            work: .student, monthlyIncome: .zero)
        try await roll.office([third], now: morning + 9 * day + 1000)
        let held = try await p.recomputeAmounts(in: village, as: .operator("张科长"), now: morning + 10 * day)
        #expect(held.changes.isEmpty, "\(held.changes)")
        let skipped = try #require(held.skipped.first { $0.enrolment == laterID })
        #expect(skipped.code == .duplicateMember && skipped.message.contains("household \(first)"), "\(skipped.message)")
        #expect(skipped.message.contains("resident ID 110105********"), "masked: \(skipped.message)")
        #expect(!skipped.message.contains("11010519491231002X") && !skipped.message.contains("110105195203050039"))
        #expect(!held.skipped.contains { $0.enrolment == firstID }, "the earlier household is paid as it was")
        #expect(try await roll.enrolment(laterID).monthlyAmount == Fen(164_000))

        // It waits at roll-review with the flag.
        let queue = try await p.reviewQueue(in: village, today: try CalendarDate("2026-12-05"))
        let waiting = try #require(queue.first { $0.enrolment.id == laterID })
        #expect(waiting.step == .rollReview && waiting.flags.contains { $0.rule == .residentIDInTwoHouseholds })

        // The notice shows the 2 people the 1,640.00 was worked for, not the 3 on record.
        let notice = try await p.publicNotice(for: village, on: try CalendarDate("2026-12-05"))
        let entry = try #require(notice.entries.first { $0.enrolment == laterID })
        #expect(entry.householdSize == 2 && entry.monthlyAmount == Fen(164_000))

        // A person decides; the next recomputation counts the household as it stands:
        // 820.00 × 3 = 2,460.00 from the first amount's day.
        try await p.review(
            enrolment: laterID, step: .rollReview, decision: .confirm, reason: "核实：钱三、赵大、钱二已从王建国户迁出", as: .operator("张科长", role: .approver),
            now: morning + 11 * day)
        let after = try await p.recomputeAmounts(in: village, as: .operator("张科长"), now: morning + 12 * day)
        let raised = try #require(after.changes.first { $0.enrolmentID == laterID })
        #expect(
            try raised.previous == Fen(164_000) && raised.amount == Fen(246_000)
                && raised.effectiveFrom == CalendarDate(year: 2026, month: 11, day: 25))
        #expect(try await roll.enrolment(laterID).monthlyAmount == Fen(246_000))

        // An application whose head carries 王建国's resident ID is not put on notice: its
        // approval is refused until the members are put right.
        let (sun, sunID) = try await roll.household(
            in: village, names: ["孙一"], status: .townshipReviewed, appliedOn: "2026-11-22", now: morning + 12 * day)
        try await roll.visit(sun, in: village, answers: ["income.wages": .int(0)], now: morning + 12 * day + 1000)
        _ = try await p.crossCheckRolls(as: .operator("张科长"), now: morning + 12 * day + 2000)
        let approve = {
            try await p.review(
                enrolment: sunID, step: .countyApproval, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
                now: morning + 13 * day)
        }
        #expect(await refusal { _ = try await approve() } == .duplicateMember)
        #expect(try await roll.enrolment(sunID).status == .townshipReviewed)
        // The caseworker finds the head's own resident ID: the person is no longer in two households.
        let head: Member = try #require(
            try await p.storage.records(of: .member, in: village).compactMap { record -> Member? in
                guard case .state(let s) = record.content, let id = try? MemberID(record.id) else { return nil }
                return try? Member(id: id, values: s.values)
            }.first { $0.householdID == sun })
        var corrected: Member = head
        corrected.residentID = try ResidentID("110105201501010033")
        try await roll.office([corrected], now: morning + 13 * day, correcting: true)
        _ = try await approve()
        // 820.00 × 1 − 0 = 820.00 on notice.
        let onNotice = try await roll.enrolment(sunID)
        #expect(onNotice.status == .publicNotice && onNotice.monthlyAmount == Fen(82_000))
        await p.storage.close()
    }
}
