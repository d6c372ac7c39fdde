@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// Amounts are computed when an application goes on notice, recomputed when a standard reaches
/// an enrolment, and every change is kept with its reason — through the pipeline, on every
/// backend, checked to the fen against sums worked by hand.
@Suite("Benefits to the fen on the roll")
struct BenefitTests {
    let village = try! RegionCode("139901002201")
    let otherVillage = try! RegionCode("139901003201")
    let county = try! RegionCode("139901000000")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    func open(_ backend: StorageBackendKind, rule: BenefitRule = .standard) async throws -> (SyncPipeline, RollFixture, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-benefit-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let made = try await SyncPipeline.initialize(storage, now: morning - 30 * day)
        let p = SyncPipeline(storage: storage, identity: made.identity, benefitRule: rule)
        return (p, try await RollFixture.make(p, scope: county), folder)
    }

    func date(_ text: String) throws -> CalendarDate { try CalendarDate(text) }

    @Test(
        "the county's approval computes the amount to the fen and keeps it with its reason; zero income gets the whole standard",
        arguments: StorageBackendKind.allCases)
    func approval(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(82_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day
        )
        let (three, threeID) = try await roll.household(in: village, names: ["王建国", "李秀英", "王小明"], now: morning - 10 * day)
        try await roll.visit(
            three, in: village, answers: ["income.wages": .int(80_000), "income.pension": .int(20_050)], now: morning - 9 * day)
        let (two, twoID) = try await roll.household(in: village, names: ["赵大", "钱二"], now: morning - 10 * day)
        try await roll.visit(two, in: village, answers: ["income.wages": .int(0), "income.notes": .string("无")], now: morning - 9 * day)

        try await roll.approveToNotice(threeID, from: morning)
        try await roll.approveToNotice(twoID, from: morning)
        // 820.00 × 3 − (800.00 + 200.50) = 2,460.00 − 1,000.50 = 1,459.50 yuan.
        let e3 = try await roll.enrolment(threeID)
        #expect(e3.status == .publicNotice && e3.monthlyAmount == Fen(145_950))
        // No income: 820.00 × 2 − 0 = 1,640.00 yuan.
        #expect(try await roll.enrolment(twoID).monthlyAmount == Fen(164_000))

        let history = try await p.amountHistory(household: three)
        #expect(history.count == 1)
        let first = try #require(history.first)
        #expect(first.cause == .approval && first.previous == .zero && first.amount == Fen(145_950))
        #expect(first.effectiveFrom == (try date("2026-11-25")))
        #expect(
            first.computation
                == BenefitComputation(
                    perCapitaStandard: Fen(82_000), size: 3, income: Fen(100_050), gap: Fen(145_950), amount: Fen(145_950)))
        #expect(first.reason.contains("820.00 yuan/person × 3 − income 1000.50 = 1459.50 yuan"), "\(first.reason)")
        let twoHistory = try await p.amountHistory(household: two)
        #expect(twoHistory.first?.reason.contains("left out: income.notes") == true, "an answer that is not an amount is named")

        // Enrolment keeps the amount the notice showed.
        try await p.review(
            enrolment: threeID, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 7 * day)
        let enrolled = try await roll.enrolment(threeID)
        #expect(enrolled.status == .enrolled && enrolled.monthlyAmount == Fen(145_950))
        #expect(try await p.amountHistory(enrolment: threeID).count == 1)

        let audit = try await p.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.filter { $0.action == "amount.changed" }.count == 2)
        #expect(audit.contains { $0.action == "standard.added" })
        #expect(try await p.verifyAudit().ok)
        await p.storage.close()
    }

    @Test(
        "an approval without a standard, without a survey, or for a household whose income reaches the standard is refused and changes nothing",
        arguments: StorageBackendKind.allCases)
    func refusals(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - 10 * day)
        try await p.review(
            enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: morning)
        try await p.review(
            enrolment: id, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer), now: morning)
        func approve() async -> ErrorCode? {
            await refusal {
                try await p.review(
                    enrolment: id, step: .countyApproval, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
                    now: morning)
            }
        }
        let before = try await p.storage.head()
        #expect(await approve() == .noStandard)
        // A standard for another programme, or from a later day, does not count.
        _ = try await p.addStandard(
            region: county, programme: .urbanDibao, perCapita: .yuan(900), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true, now: morning)
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: .yuan(560), from: try date("2026-12-01"), as: .operator("张科长"),
            confirmed: true, now: morning)
        #expect(await approve() == .noStandard)
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: .yuan(560), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true, now: morning)
        let afterStandards = try await p.storage.head()
        #expect(await approve() == .noSurvey)
        // Income 1,500.00 above 560.00 × 2 = 1,120.00: not eligible; the reviewer refuses instead.
        try await roll.visit(household, in: village, answers: ["income.wages": .int(150_000)], now: morning - day)
        let afterVisit = try await p.storage.head()
        #expect(await approve() == .notEligible)
        #expect(try await p.storage.head().position == afterVisit.position, "a refused approval writes nothing")
        #expect(afterStandards.position > before.position)
        let e = try await roll.enrolment(id)
        #expect(e.status == .townshipReviewed && e.monthlyAmount == .zero)
        try await p.review(
            enrolment: id, step: .countyApproval, decision: .reject, reason: "家庭收入超过低保标准", as: .operator("张科长", role: .approver),
            now: morning)
        #expect(try await roll.enrolment(id).status == .rejected)
        #expect(try await p.amountHistory(household: household).isEmpty)
        await p.storage.close()
    }

    @Test(
        "a new standard mid-month recomputes the enrolled and on-notice households it reaches from its day, and no others",
        arguments: StorageBackendKind.allCases)
    func newStandard(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(78_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day
        )
        _ = try await p.addStandard(
            region: county, programme: .urbanDibao, perCapita: Fen(95_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day
        )
        // The other village has its own, higher rural standard: a county standard does not reach it.
        _ = try await p.addStandard(
            region: otherVillage, programme: .ruralDibao, perCapita: Fen(90_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day)

        // A: two people, no income, enrolled: 780.00 × 2 = 1,560.00.
        let (a, aID) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - 10 * day)
        try await roll.visit(a, in: village, answers: [:], now: morning - 9 * day)
        try await roll.approveToNotice(aID, from: morning)
        // B: three people, 1,000.50 income, on notice: 780.00 × 3 − 1,000.50 = 2,340.00 − 1,000.50 = 1,339.50.
        let (b, bID) = try await roll.household(in: village, names: ["赵大", "钱二", "赵三"], now: morning - 10 * day)
        try await roll.visit(b, in: village, answers: ["income.wages": .int(100_050)], now: morning - 9 * day)
        // C: urban dibao, enrolled-to-be: another programme, untouched.
        let (c, cID) = try await roll.household(in: village, names: ["孙一"], programme: .urbanDibao, now: morning - 10 * day)
        try await roll.visit(c, in: village, answers: [:], now: morning - 9 * day)
        try await roll.approveToNotice(cID, from: morning)
        // D: the other village, its own standard: 900.00 × 1 = 900.00.
        let (d, dID) = try await roll.household(in: otherVillage, names: ["周一"], now: morning - 10 * day)
        try await roll.visit(d, in: otherVillage, answers: [:], now: morning - 9 * day)
        try await roll.approveToNotice(dID, from: morning)
        // (Time only moves forward: A is enrolled after the others' approvals.)
        try await p.review(
            enrolment: aID, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 7 * day)
        try await roll.approveToNotice(bID, from: morning + 10 * day)
        // E: still at the township: not recomputed (it has no amount yet).
        let (e, eID) = try await roll.household(in: village, names: ["吴一"], now: morning - 10 * day)
        try await roll.visit(e, in: village, answers: [:], now: morning - 9 * day)

        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(156_000))
        #expect(try await roll.enrolment(bID).monthlyAmount == Fen(133_950))
        #expect(try await roll.enrolment(dID).monthlyAmount == Fen(90_000))

        // The county raises rural dibao to 840.00 from the 15th of January, entered in December.
        let outcome = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(84_000), from: try date("2027-01-15"), as: .operator("张科长"),
            confirmed: true,
            now: morning + 20 * day
        )
        #expect(Set(outcome.changes.map(\.enrolmentID)) == [aID, bID] && outcome.skipped.isEmpty && outcome.nowNotEligible.isEmpty)
        // A: 840.00 × 2 = 1,680.00; B: 840.00 × 3 − 1,000.50 = 2,520.00 − 1,000.50 = 1,519.50.
        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(168_000))
        #expect(try await roll.enrolment(bID).monthlyAmount == Fen(151_950))
        #expect(try await roll.enrolment(cID).monthlyAmount == Fen(95_000))
        #expect(try await roll.enrolment(dID).monthlyAmount == Fen(90_000))
        #expect(try await roll.enrolment(eID).monthlyAmount == .zero)

        let aHistory = try await p.amountHistory(household: a)
        #expect(aHistory.map(\.amount) == [Fen(156_000), Fen(168_000)])
        let raised = try #require(aHistory.last)
        let fifteenth = try date("2027-01-15")
        #expect(raised.cause == .standard && raised.previous == Fen(156_000) && raised.effectiveFrom == fifteenth)
        #expect(
            raised.reason.hasPrefix("standard 2027-01-15 rural-dibao 139901000000: 780.00 → 840.00 yuan/person"), "\(raised.reason)")
        // January is paid 14 days at 1,560.00 and 17 at 1,680.00:
        // (156,000 × 14 + 168,000 × 17) ÷ 31 = 5,040,000 ÷ 31 = 162,580.6… → 1,625.81 yuan.
        #expect(BenefitCalculator.payment(year: 2027, month: 1, history: aHistory) == Fen(162_581))

        // F is approved on 10 January, after the new standard was entered but before it takes
        // effect: 780.00 now, and 840.00 from the 15th, both on record.
        let (f, fID) = try await roll.household(in: village, names: ["郑一"], now: morning + 40 * day)
        try await roll.visit(f, in: village, answers: ["income.wages": .int(10_000)], now: morning + 40 * day)
        let tenthOfJanuary = morning + 46 * day
        #expect(CalendarDate(chinaDayOf: Instant(millis: tenthOfJanuary)) == (try date("2027-01-10")))
        try await roll.approveToNotice(fID, from: tenthOfJanuary)
        let fHistory = try await p.amountHistory(household: f)
        // 780.00 − 100.00 = 680.00 from the 10th; 840.00 − 100.00 = 740.00 from the 15th.
        #expect(fHistory.map(\.amount) == [Fen(68_000), Fen(74_000)])
        #expect(fHistory.map(\.effectiveFrom) == [try date("2027-01-10"), try date("2027-01-15")])
        #expect(try await roll.enrolment(fID).monthlyAmount == Fen(74_000))

        // The same standard entered again changes nothing; a correction of it recomputes again.
        let again = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(84_000), from: try date("2027-01-15"), as: .operator("张科长"),
            confirmed: true,
            now: morning + 50 * day
        )
        #expect(again.changes.isEmpty)
        let corrected = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(85_000), from: try date("2027-01-15"), as: .operator("张科长"),
            confirmed: true,
            now: morning + 51 * day
        )
        #expect(Set(corrected.changes.map(\.enrolmentID)) == [aID, bID, fID])
        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(170_000))
        #expect(try await p.standards(for: village).count == 5, "the other village's own standard is not listed")
        #expect(try await p.verifyAudit().ok)
        await p.storage.close()
    }

    @Test(
        "a standard that lifts a household's income above it leaves an amount of 0 on record and lists the household; one without a survey is listed as skipped",
        arguments: StorageBackendKind.allCases)
    func notEligibleAfterwards(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(78_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day
        )
        let (a, aID) = try await roll.household(in: village, names: ["王建国"], now: morning - 10 * day)
        try await roll.visit(a, in: village, answers: ["income.wages": .int(70_000)], now: morning - 9 * day)
        try await roll.approveToNotice(aID, from: morning)
        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(8_000))
        // An enrolment imported as enrolled, with no survey on record.
        let (_, importedID) = try await roll.household(in: village, names: ["钱一"], status: .enrolled, now: morning)
        // A lower standard (a correction downwards): 700.00 − 700.00 = 0.
        let outcome = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(70_000), from: try date("2027-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning + day)
        #expect(outcome.nowNotEligible == [aID])
        #expect(outcome.skipped.map(\.enrolment) == [importedID] && outcome.skipped.first?.code == .noSurvey)
        let e = try await roll.enrolment(aID)
        #expect(e.status == .publicNotice && e.monthlyAmount == .zero, "the office decides what happens next")
        #expect(try await p.amountHistory(enrolment: aID).last?.reason.contains("not eligible") == true)
        await p.storage.close()
    }

    @Test(
        "the office recomputes a region from the latest surveys: a new visit changes the amount from its day, with its reason",
        arguments: StorageBackendKind.allCases)
    func newVisit(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(78_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day
        )
        // 780.00 × 2 − 0 = 1,560.00 from 25 November.
        let (a, aID) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - 10 * day)
        try await roll.visit(a, in: village, answers: [:], now: morning - 9 * day)
        try await roll.approveToNotice(aID, from: morning)
        try await p.review(
            enrolment: aID, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 7 * day)
        let (_, importedID) = try await roll.household(in: village, names: ["钱一"], status: .enrolled, now: morning + 7 * day)
        #expect(try await p.recomputeAmounts(in: village, as: .operator("张科长"), now: morning + 8 * day).changes.isEmpty, "nothing new")

        // A survey on 15 December finds 300.00 a month of wages: 1,560.00 − 300.00 = 1,260.00 from that day.
        let survey = try await roll.visit(a, in: village, answers: ["income.wages": .int(30_000)], now: morning + 20 * day)
        let outcome = try await p.recomputeAmounts(in: village, as: .operator("张科长"), now: morning + 21 * day)
        #expect(outcome.changes.count == 1 && outcome.skipped.map(\.enrolment) == [importedID])
        let change = try #require(outcome.changes.first)
        #expect(change.cause == .visit && change.previous == Fen(156_000) && change.amount == Fen(126_000))
        #expect(change.effectiveFrom == (try date("2026-12-15")) && change.visit == survey.id)
        #expect(
            change.reason.hasPrefix("survey visit \(survey.id) of 2026-12-15: income 0.00, 2 people → income 300.00, 2 people"),
            "\(change.reason)")
        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(126_000))
        #expect(try await p.recomputeAmounts(in: village, as: .operator("张科长"), now: morning + 22 * day).changes.isEmpty, "once is enough")

        // The survey was wrong: a correction supersedes it, and the amount goes back from the correction's day.
        try await roll.visit(a, in: village, answers: ["income.wages": .int(0)], supersedes: survey.id, now: morning + 25 * day)
        let corrected = try await p.recomputeAmounts(in: village, as: .operator("张科长"), now: morning + 26 * day)
        #expect(corrected.changes.map(\.amount) == [Fen(156_000)])
        #expect(try await p.amountHistory(enrolment: aID).map(\.cause) == [.approval, .visit, .visit])
        #expect(try await p.storage.auditEntries(after: 0, limit: 1000).filter { $0.action == "amounts.recomputed" }.count == 4)
        await p.storage.close()
    }

    @Test("rounding up to the yuan and a minimum payment, by the server's rule", arguments: StorageBackendKind.allCases)
    func rule(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend, rule: BenefitRule(rounding: .yuanUp, minimum: .yuan(50)))
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(78_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day
        )
        // 780.00 × 2 − 325.99 = 1,234.01 → up to 1,235.00.
        let (a, aID) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - 10 * day)
        try await roll.visit(a, in: village, answers: ["income.wages": .int(32_599)], now: morning - 9 * day)
        // 780.00 − 767.66 = 12.34 → 13.00 → the minimum, 50.00.
        let (b, bID) = try await roll.household(in: village, names: ["赵大"], now: morning - 10 * day)
        try await roll.visit(b, in: village, answers: ["income.wages": .int(76_766)], now: morning - 9 * day)
        try await roll.approveToNotice(aID, from: morning)
        try await roll.approveToNotice(bID, from: morning)
        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(123_500))
        #expect(try await roll.enrolment(bID).monthlyAmount == Fen(5_000))
        let computation = try #require(try await p.amountHistory(household: b).first?.computation)
        #expect(computation.gap == Fen(1_234) && computation.amount == Fen(5_000))
        await p.storage.close()
    }

    @Test(
        "devices never pull standards or amount changes, only the enrolment's amount, and cannot push them",
        arguments: StorageBackendKind.allCases)
    func devices(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: village, programme: .ruralDibao, perCapita: Fen(78_000), from: try date("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day)
        let (a, aID) = try await roll.household(in: village, names: ["王建国"], now: morning - 10 * day)
        try await roll.visit(a, in: village, answers: [:], now: morning - 9 * day)
        try await roll.approveToNotice(aID, from: morning)
        let logged = try await p.storage.changes(after: 0, in: village, limit: 1000)
        #expect(logged.contains { $0.body.contains("\"amount-change\"") } && logged.contains { $0.body.contains("\"standard\"") })
        // Small pages: the cursor still moves past what stays on the server.
        var pulled: [PulledChange] = []
        var after: Int64 = 0
        for _ in 0..<100 {
            let page = try await p.pull(after: after, scope: village, limit: 2, now: morning)
            pulled += page.changes
            after = page.cursor.position
            if !page.more { break }
        }
        #expect(!pulled.contains { !$0.change.entity.isPulled })
        #expect(after == (try await p.storage.head().position))
        let amounts = pulled.compactMap { c -> JSONValue? in
            guard c.change.entity == .enrolment, case .writes(let w) = c.change.payload else { return nil }
            return w.first { $0.field == "monthlyAmount" }?.value
        }
        #expect(amounts.last == .int(78_000))

        var deviceClock = HybridLogicalClock(node: roll.caseworker)
        let stamp = deviceClock.tick(now: morning)
        let forged = BenefitStandard(
            region: village, programme: .ruralDibao, monthlyPerCapita: .yuan(5_000), effectiveFrom: try date("2026-01-01"), setBy: "李敏",
            at: Instant(millis: morning))
        let set = try ChangeSet(
            origin: roll.caseworker, stamp: stamp,
            changes: [Change(entity: .standard, record: forged.recordID, region: village, payload: .body(try JSONValue(encoding: forged)))]
        ).signed(with: roll.key)
        let answer = try await p.push(
            [set], pusher: roll.caseworker, writer: WriterContext(role: .caseworker, scope: village, isServer: false), now: morning)
        #expect(answer.results.first?.code == .serverOwnedField)
        await p.storage.close()
    }
}
