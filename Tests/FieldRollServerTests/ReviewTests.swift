@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// Applications move through the review chain by review actions, through the push pipeline, on
/// every backend: each move is the server's signed change, audited, pulled by devices in scope.
@Suite("Review actions move enrolments along the chain")
struct ReviewTests {
    let village = try! RegionCode("139901002201")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    func open(_ backend: StorageBackendKind) async throws -> (SyncPipeline, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-review-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        return (try await SyncPipeline.initialize(storage, now: morning - day), folder)
    }

    /// An application as the office records it at intake.
    func apply(_ pipeline: SyncPipeline) async throws -> EnrolmentID {
        let e = Enrolment(
            householdID: HouseholdID(), region: village, programme: .ruralDibao, status: .applied, monthlyAmount: .zero,
            appliedOn: try CalendarDate("2026-11-20"))
        var clock = HybridLogicalClock(node: pipeline.serverNode, last: nil)
        let stamp = clock.tick(now: morning - day)
        let household = Household(
            id: e.householdID, region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt,
            declaredMonthlyIncome: .zero)
        func writes(_ values: [String: JSONValue]) -> [FieldWrite] {
            values.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
        }
        let set = try ChangeSet(
            origin: pipeline.serverNode, stamp: stamp,
            changes: [
                Change(
                    entity: .household, record: household.id.description, region: village,
                    payload: .writes(writes(try household.fieldValues))),
                Change(entity: .enrolment, record: e.id.description, region: village, payload: .writes(writes(try e.fieldValues))),
            ]
        ).signed(with: pipeline.serverKey)
        let answer = try await pipeline.push(
            [set], pusher: pipeline.serverNode, writer: WriterContext(role: .admin, scope: village.ancestor(at: .province), isServer: true),
            now: morning - day)
        try #require(answer.results.map(\.status) == [.applied, .applied])
        return e.id
    }

    func enrolment(_ pipeline: SyncPipeline, _ id: EnrolmentID) async throws -> Enrolment {
        let record = try #require(try await pipeline.storage.records(of: .enrolment, in: village).first { $0.id == id.description })
        guard case .state(let s) = record.content else { throw ProblemDetails(.notFound, detail: "no state") }
        return try Enrolment(id: id, values: s.values)
    }

    @Test(
        "the whole chain: survey, township, county, seven days of notice, enrolled; wrong roles and steps change nothing",
        arguments: StorageBackendKind.allCases)
    func wholeChain(backend: StorageBackendKind) async throws {
        let (p, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The county's approval computes the amount: a standard, the household's members and its survey.
        var roll = try await RollFixture.make(p, scope: village)
        let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - day)
        try await roll.visit(household, in: village, answers: ["income.wages": .int(50_000)], now: morning - day)
        _ = try await p.addStandard(
            region: village.ancestor(at: .county), programme: .ruralDibao, perCapita: .yuan(560), from: try CalendarDate("2026-01-01"),
            as: .operator("张科长"), confirmed: true, now: morning - day)
        try await p.review(
            enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: morning)
        #expect(try await enrolment(p, id).status == .surveyed)
        try await p.review(
            enrolment: id, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer), now: morning + day
        )
        let before = try await p.storage.head()
        #expect(
            await refusal {
                try await p.review(
                    enrolment: id, step: .countyApproval, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer),
                    now: morning + day)
            } == .forbidden)
        #expect(
            await refusal {
                try await p.review(
                    enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
                    now: morning + day)
            } == .illegalTransition)
        #expect(try await p.storage.head().position == before.position, "a refused action writes nothing")
        #expect(try await enrolment(p, id).status == .townshipReviewed)

        try await p.review(
            enrolment: id, step: .countyApproval, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 2 * day)
        let onNotice = try await enrolment(p, id)
        #expect(onNotice.status == .publicNotice && onNotice.statusSince?.description == "2026-11-27")
        // 560.00 yuan × 2 people − 500.00 yuan income = 1,120.00 − 500.00 = 620.00 yuan a month.
        #expect(onNotice.monthlyAmount == Fen(62_000))
        #expect(
            await refusal {
                try await p.review(
                    enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
                    now: morning + 8 * day)
            } == .noticeNotOver, "six days")
        try await p.review(
            enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 9 * day)
        let enrolled = try await enrolment(p, id)
        #expect(enrolled.status == .enrolled && enrolled.startDate?.description == "2026-12-04")

        // Every action and every move is in the log devices pull, and in the audit chain.
        let logged = try await p.storage.changes(after: 0, in: village, limit: 100)
        #expect(logged.filter { $0.body.contains("\"review-action\"") }.count == 4)
        #expect(logged.filter { $0.body.contains("\"enrolment\"") }.count == 5, "the intake and four moves")
        let audit = try await p.storage.auditEntries(after: 0, limit: 200)
        #expect(audit.filter { $0.action.hasPrefix("review.") }.count == 4)
        #expect(try await p.verifyAudit().ok)
        await p.storage.close()
    }

    @Test(
        "a refusal at any step ends the application; a return sends it back to the survey; the queue lists who is late",
        arguments: StorageBackendKind.allCases)
    func refusalsAndQueue(backend: StorageBackendKind) async throws {
        let (p, folder) = try await open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let refused = try await apply(p)
        let returned = try await apply(p)
        let waiting = try await apply(p)
        try await p.review(
            enrolment: refused, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: morning)
        try await p.review(
            enrolment: refused, step: .townshipReview, decision: .reject, reason: "家庭存款超过标准", as: .operator("乡镇民政", role: .reviewer),
            now: morning)
        #expect(try await enrolment(p, refused).status == .rejected)
        #expect(
            await refusal {
                try await p.review(
                    enrolment: refused, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer),
                    now: morning)
            } == .illegalTransition)
        #expect(
            await refusal {
                try await p.review(
                    enrolment: refused, step: .villageSurvey, decision: .reject, reason: "", as: .operator("村干部", role: .reviewer),
                    now: morning)
            } != nil, "a refusal needs a reason")

        try await p.review(
            enrolment: returned, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: morning)
        try await p.review(
            enrolment: returned, step: .townshipReview, decision: .returnForSurvey, reason: "收入未核实", as: .operator("乡镇民政", role: .reviewer),
            now: morning)
        #expect(try await enrolment(p, returned).status == .applied)

        try await p.review(
            enrolment: waiting, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: morning)
        // Surveyed on Wednesday 2026-11-25: the township has 20 working days, until 2026-12-23.
        let queue = try await p.reviewQueue(in: village, today: try CalendarDate("2026-12-28"))
        let entry = try #require(queue.first { $0.enrolment.id == waiting })
        #expect(entry.step == .townshipReview && entry.due?.description == "2026-12-23" && entry.daysLate == 3)
        #expect(queue.contains { $0.enrolment.id == returned && $0.step == .villageSurvey })
        #expect(!queue.contains { $0.enrolment.id == refused }, "a refused application waits for nothing")
        await p.storage.close()
    }
}
