import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// Each county's own review chain, a refusal at every level, and the office's decisions on
/// households already on the roll (terminate, confirm after a cross-check hit), on every backend.
@Suite("Review chains per county, refusals at every level, and the roll review")
struct RollReviewTests {
    let twoLevel = RegionCode(literal: "139901002201")
    let oneLevel = RegionCode(literal: "139902001201")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    func open(_ backend: StorageBackendKind, chains: ReviewChains = .standard) async throws -> (SyncPipeline, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-rollreview-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let made = try await SyncPipeline.initialize(storage, now: morning - 2 * day)
        return (SyncPipeline(storage: storage, identity: made.identity, reviewChains: chains), folder)
    }

    @Test(
        "a county with one-level approval beside a two-level county on one server: its township approves straight to a five-day notice",
        arguments: StorageBackendKind.allCases)
    func oneLevelCounty(backend: StorageBackendKind) async throws {
        let chains = try ReviewChains(settings: { $0 == "FIELDROLL_REVIEW_COUNTIES" ? "139902:one-level,notice=5" : nil })
        let (p, folder) = try await open(backend, chains: chains)
        defer { try? FileManager.default.removeItem(at: folder) }
        var roll = try await RollFixture.make(p, scope: RegionCode(literal: "139900000000"))
        for county in ["139901000000", "139902000000"] {
            _ = try await p.addStandard(
                region: RegionCode(literal: county), programme: .ruralDibao, perCapita: .yuan(560), from: try CalendarDate("2026-01-01"),
                as: .operator("张科长"), confirmed: true, now: morning - day)
        }
        var ids: [RegionCode: EnrolmentID] = [:]
        for village in [twoLevel, oneLevel] {
            let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英", "王小明"], now: morning - day)
            // 300.00 yuan of wages a month for three people.
            try await roll.visit(household, in: village, answers: ["income.wages": .int(30_000)], now: morning - day)
            try await p.review(
                enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: morning)
            ids[village] = id
        }
        let delegated = try #require(ids[oneLevel])
        let home = try #require(ids[twoLevel])

        // Where the township approves, an approver decides at the township step and the notice starts.
        try await p.review(
            enrolment: delegated, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇长", role: .approver),
            now: morning + day)
        let onNotice = try await roll.enrolment(delegated)
        #expect(onNotice.status == .publicNotice && onNotice.statusSince?.description == "2026-11-26")
        // 560.00 × 3 − 300.00 = 1,380.00 yuan a month.
        #expect(onNotice.monthlyAmount == Fen(138_000))
        #expect(
            await refusal {
                try await p.review(
                    enrolment: delegated, step: .publicNotice, decision: .approve, reason: "", as: .operator("乡镇长", role: .approver),
                    now: morning + 5 * day)
            } == .noticeNotOver, "four days of a five-day notice")
        try await p.review(
            enrolment: delegated, step: .publicNotice, decision: .approve, reason: "", as: .operator("乡镇长", role: .approver),
            now: morning + 6 * day)
        #expect(try await roll.enrolment(delegated).status == .enrolled)

        // The two-level county keeps its chain: an approver may not take the township's step.
        #expect(
            await refusal {
                try await p.review(
                    enrolment: home, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇长", role: .approver),
                    now: morning + day)
            } == .forbidden)
        try await p.review(
            enrolment: home, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer),
            now: morning + day)
        #expect(try await roll.enrolment(home).status == .townshipReviewed)
        let queue = try await p.reviewQueue(in: nil, today: try CalendarDate("2026-11-27"))
        #expect(queue.map(\.step) == [.countyApproval], "the enrolled household waits for nothing")
        #expect(try await p.verifyAudit().ok)
        await p.storage.close()
    }

    @Test(
        "a refusal at the village, the township, the county and the notice each ends its application, with the reason on record",
        arguments: StorageBackendKind.allCases)
    func refusalAtEveryLevel(backend: StorageBackendKind) async throws {
        let (p, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        var roll = try await RollFixture.make(p, scope: twoLevel)
        _ = try await p.addStandard(
            region: twoLevel.ancestor(at: .county), programme: .ruralDibao, perCapita: .yuan(560), from: try CalendarDate("2026-01-01"),
            as: .operator("张科长"), confirmed: true, now: morning - day)
        let steps: [(ReviewStep, Role, String)] = [
            (.villageSurvey, .reviewer, "申请人拒绝入户调查"), (.townshipReview, .reviewer, "家庭存款超过标准"),
            (.countyApproval, .approver, "赡养人有能力赡养"), (.publicNotice, .approver, "公示期间群众举报属实，已核实"),
        ]
        for (level, (step, role, reason)) in steps.enumerated() {
            let (household, id) = try await roll.household(in: twoLevel, names: ["王建国"], now: morning - day)
            try await roll.visit(household, in: twoLevel, answers: ["income.wages": .int(10_000)], now: morning - day)
            // Approve up to the step under test, then refuse there. Each application starts again
            // at `morning`, a day before the last decision: the server's wall clock stepped back,
            // and its own decisions must still apply whole.
            for (earlier, earlierRole, _) in steps.prefix(level) {
                try await p.review(
                    enrolment: id, step: earlier, decision: .approve, reason: "", as: .operator("经办人", role: earlierRole), now: morning)
            }
            try await p.review(
                enrolment: id, step: step, decision: .reject, reason: reason, as: .operator("经办人", role: role), now: morning + day)
            let refused = try await roll.enrolment(id)
            #expect(refused.status == .rejected, "refused at \(step.rawValue)")
            #expect(
                await refusal {
                    try await p.review(
                        enrolment: id, step: step, decision: .approve, reason: "", as: .operator("经办人", role: role), now: morning + day)
                } == .illegalTransition, "a refused application stays refused")
            let actions = try await p.storage.records(of: .reviewAction, in: twoLevel).compactMap { r -> ReviewAction? in
                guard case .body(let body) = r.content else { return nil }
                return try? body.decode(as: ReviewAction.self)
            }
            #expect(actions.contains { $0.enrolmentID == id && $0.decision == .reject && $0.step == step && $0.reason == reason })
        }
        #expect(try await p.reviewQueue(in: twoLevel, today: try CalendarDate("2026-11-27")).isEmpty)
        let audit = try await p.storage.auditEntries(after: 0, limit: 1000)
        #expect(audit.filter { $0.action == "review.reject" }.count == 4)
        await p.storage.close()
    }

    @Test(
        "a cross-check hit on an enrolled household waits at roll-review until the office confirms it; terminate takes one off the roll for good",
        arguments: StorageBackendKind.allCases)
    func rollReview(backend: StorageBackendKind) async throws {
        typealias C = CrossCheckCounty
        var county = CrossCheckCounty()
        let zhang = try county.household([("张三", C.zhangSan, .head), ("王芳", C.wangFang, .spouse)])
        let li = try county.household([("李四", C.liSi, .head)])
        for i in county.enrolments.indices {
            county.enrolments[i].status = .enrolled
            county.enrolments[i].startDate = try CalendarDate("2026-06-01")
            county.enrolments[i].statusSince = try CalendarDate("2026-06-01")
        }
        // 张三's household is paid 300 yuan a month; 李四's latest survey left nothing to pay.
        county.enrolments[0].monthlyAmount = .yuan(300)
        let (p, folder) = try await county.open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let today = try CalendarDate("2026-11-25")
        let before = try await p.reviewQueue(in: C.village, today: today)
        #expect(before.map(\.enrolment.householdID) == [li] && before.first?.notEligible == true && before.first?.step == .rollReview)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vehicles-\(UUID().uuidString).csv")
        try GBKVehicles.file().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        func importVehicles(at now: Int64) async throws -> Int {
            let (table, used) = try CSVTable.departmentFile(url.path, encoding: .auto)
            return try await p.crossCheck(
                table, source: .vehicles, file: "车辆.csv", encoding: used, thresholds: CrossCheckThresholds(), as: .operator("admin:test"),
                now: now
            ).raised.count
        }
        #expect(try await importVehicles(at: C.morning) == 1)
        let flagged = try #require(try await p.reviewQueue(in: C.village, today: today).first { $0.enrolment.householdID == zhang })
        #expect(flagged.step == .rollReview && flagged.flags.map(\.rule) == [.vehicleValue] && !flagged.notEligible)
        let zhangEnrolment = flagged.enrolment.id

        // A reviewer may not decide on the roll; an approver confirms with the reason, and the flag leaves the queue.
        #expect(
            await refusal {
                try await p.review(
                    enrolment: zhangEnrolment, step: .rollReview, decision: .confirm, reason: "车辆登记在亲属名下",
                    as: .operator("王干事", role: .reviewer),
                    now: C.morning + 3_600_000)
            } == .forbidden)
        let head = try await p.storage.head().position
        try await p.review(
            enrolment: zhangEnrolment, step: .rollReview, decision: .confirm, reason: "车辆登记在亲属名下，已核实",
            as: .operator("张科长", role: .approver),
            now: C.morning + 3_600_000)
        let kept = try #require(try await p.reviewQueue(in: C.village, today: today).first)
        #expect(kept.enrolment.householdID == li, "only 李四's amount of 0 still waits")
        let logged = try await p.storage.changes(after: head, in: C.village, limit: 100)
        #expect(logged.count == 1 && logged.first?.body.contains("\"confirm\"") == true, "the action only; the enrolment is not rewritten")
        #expect(try await importVehicles(at: C.morning + 7_200_000) == 0, "the same file again raises nothing new")
        #expect(try await p.reviewQueue(in: C.village, today: today).count == 1)

        // Terminate 李四's: off the roll and out of the queue for good.
        let liEnrolment = kept.enrolment.id
        try await p.review(
            enrolment: liEnrolment, step: .rollReview, decision: .terminate, reason: "家庭人均收入已超过低保标准", as: .operator("张科长", role: .approver),
            now: C.morning + 10_800_000)
        let records = try await p.storage.records(of: .enrolment, in: C.village)
        let stored = try #require(records.first { $0.id == liEnrolment.description })
        guard case .state(let state) = stored.content else { throw ProblemDetails(.notFound, detail: "no state") }
        let ended = try Enrolment(id: liEnrolment, values: state.values)
        #expect(ended.status == .terminated && ended.statusSince == today && ended.endDate == today)
        #expect(ended.startDate?.description == "2026-06-01", "the day it first started stays on record")
        #expect(try await p.reviewQueue(in: C.village, today: today).isEmpty)
        #expect(
            await refusal {
                try await p.review(
                    enrolment: liEnrolment, step: .rollReview, decision: .resume, reason: "误操作", as: .operator("张科长", role: .approver),
                    now: C.morning + 14_400_000)
            } == .illegalTransition, "terminated is final")
        let audit = try await p.storage.auditEntries(after: 0, limit: 1000)
        #expect(audit.contains { $0.action == "review.confirm" && $0.detail.contains("stays enrolled") })
        #expect(audit.contains { $0.action == "review.terminate" && $0.detail.contains("enrolled → terminated") })
        #expect(try await p.verifyAudit().ok)
        await p.storage.close()
    }
}
