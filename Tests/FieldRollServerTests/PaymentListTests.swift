@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// The monthly payment list: each household's amount for a month, prorated by day on every
/// change of standard, survey, suspension, resumption or termination — sums worked by hand.
@Suite("The monthly payment list pays each day at the amount and status of that day")
struct PaymentListTests {
    let village = try! RegionCode("139901002201")
    let county = try! RegionCode("139901000000")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    @Test(
        "suspension, resumption, a new standard mid-month and a termination, each prorated by day", arguments: StorageBackendKind.allCases)
    func prorated(backend: StorageBackendKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-pay-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let made = try await SyncPipeline.initialize(storage, now: morning - 90 * day)
        let p = SyncPipeline(storage: storage, identity: made.identity)
        var roll = try await RollFixture.make(p, scope: county)
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(22_000), from: try CalendarDate("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 80 * day)
        let october = morning - 55 * day  // 2026-10-01
        let (a, aID) = try await roll.household(
            in: village, names: ["王建国", "李秀英", "王小明"], appliedOn: "2026-09-01", now: october - 20 * day)
        try await roll.visit(a, in: village, answers: ["income.wages": .int(0)], now: october - day)
        let (b, bID) = try await roll.household(in: village, names: ["赵大", "钱二"], appliedOn: "2026-09-02", now: october - 20 * day)
        try await roll.visit(b, in: village, answers: ["income.wages": .int(10_000)], now: october - day)
        for id in [aID, bID] {
            try await roll.approveToNotice(id, from: october)
            try await p.review(
                enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
                now: october + 8 * day)
        }
        // 220.00 × 3 = 660.00; 220.00 × 2 − 100.00 = 340.00, both from 2026-10-01; enrolled 2026-10-09.
        #expect(try await roll.enrolment(aID).monthlyAmount == Fen(66_000))
        #expect(try await roll.enrolment(bID).monthlyAmount == Fen(34_000))
        try await p.review(
            enrolment: aID, step: .rollReview, decision: .suspend, reason: "逾期未核查", as: .operator("张科长", role: .approver),
            now: morning - 9 * day)  // 2026-11-16
        // A standard entered ahead: 250.00 from 2026-12-16 → 750.00 and 400.00.
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(25_000), from: try CalendarDate("2026-12-16"), as: .operator("张科长"),
            confirmed: true,
            now: morning)
        try await p.review(
            enrolment: aID, step: .rollReview, decision: .resume, reason: "本人到大厅核验", as: .operator("张科长", role: .approver),
            now: morning + 16 * day)  // 2026-12-11
        try await p.review(
            enrolment: bID, step: .rollReview, decision: .terminate, reason: "迁出本县", as: .operator("张科长", role: .approver),
            now: morning + 47 * day)  // 2027-01-11

        func due(_ month: String) async throws -> [EnrolmentID: MonthlyPayment] {
            let list = try await p.payments(for: try CalendarMonth(month), in: village)
            #expect(list.total == list.payments.reduce(Fen.zero) { $0 + $1.amount })
            return Dictionary(uniqueKeysWithValues: list.payments.map { ($0.enrolmentID, $0) })
        }
        // October (31 days), enrolled from the 9th: 66,000 × 23 ÷ 31 = 48,967.7 → 489.68; 34,000 × 23 ÷ 31 = 25,225.8 → 252.26.
        let oct = try await due("2026-10")
        #expect(oct[aID]?.amount == Fen(48_968) && oct[bID]?.amount == Fen(25_226))
        #expect(oct[aID]?.reason.hasPrefix("2026-10-01..2026-10-08 not yet enrolled; 2026-10-09..2026-10-31 enrolled 660.00") == true)
        // November (30 days), suspended from the 16th: 66,000 × 15 ÷ 30 = 330.00; B the whole month, 340.00.
        let nov = try await due("2026-11")
        let suspended = try #require(nov[aID])
        #expect(suspended.amount == Fen(33_000) && nov[bID]?.amount == Fen(34_000))
        #expect(suspended.periods.map(\.days) == [15, 15] && suspended.periods.map(\.paid) == [true, false])
        #expect(
            suspended.reason.contains("2026-11-16..2026-11-30 suspended from 2026-11-16") && suspended.reason.hasSuffix("÷ 30 = 330.00"))
        // December (31 days): A resumed on the 11th at 660.00 for 5 days, then 750.00 for 16:
        // (66,000 × 5 + 75,000 × 16) ÷ 31 = 1,530,000 ÷ 31 = 49,354.8 → 493.55.
        // B 340.00 for 15 days, 400.00 for 16: (510,000 + 640,000) ÷ 31 = 37,096.8 → 370.97.
        let dec = try await due("2026-12")
        #expect(dec[aID]?.amount == Fen(49_355) && dec[bID]?.amount == Fen(37_097))
        #expect(dec[bID]?.periods.map(\.monthlyAmount) == [Fen(34_000), Fen(40_000)])
        #expect(dec[bID]?.periods.last?.cause == .standard)
        // January 2027: B terminated on the 11th: 40,000 × 10 ÷ 31 = 12,903.2 → 129.03; A the whole month, 750.00.
        let jan = try await due("2027-01")
        #expect(jan[bID]?.amount == Fen(12_903) && jan[aID]?.amount == Fen(75_000))
        #expect(jan[bID]?.reason.contains("2027-01-11..2027-01-31 terminated from 2027-01-11") == true)
        // February: B is off the roll and not listed.
        let feb = try await due("2027-02")
        #expect(feb[bID] == nil && feb[aID]?.amount == Fen(75_000))
        // The days payments stopped and started again are in the amount history, the amount unchanged.
        let statuses = try await p.amountHistory(household: a).filter { !$0.cause.changesAmount }
        #expect(statuses.map(\.effectiveFrom.description) == ["2026-11-16", "2026-12-11"])
        #expect(statuses.map(\.cause) == [.suspension, .resumption] && statuses.map(\.amount) == [Fen(66_000), Fen(66_000)])
        #expect(statuses.allSatisfy { $0.previous == $0.amount && $0.computation?.size == 3 })
        #expect(statuses.first?.reason == "suspension at roll-review by 张科长: 逾期未核查")
        #expect(try await p.amountHistory(enrolment: bID).filter { !$0.cause.changesAmount }.map(\.cause) == [.termination])

        // The notice of 2026-10-05 lists both as on notice then (they were enrolled on the 9th),
        // with the amount of that day and the change already on record for 2026-12-16.
        let notice = try await p.publicNotice(for: village, on: try CalendarDate("2026-10-05"))
        let entries = Dictionary(uniqueKeysWithValues: notice.entries.map { ($0.enrolment, $0) })
        let onNotice = try #require(entries[aID])
        #expect(onNotice.status == .publicNotice && onNotice.monthlyAmount == Fen(66_000) && onNotice.householdSize == 3)
        #expect(try onNotice.nextAmount == Fen(75_000) && onNotice.nextFrom == CalendarDate(year: 2026, month: 12, day: 16))
        #expect(PublicNotice.cells(onNotice, number: 1)[5] == "660.00（2026-12-16起 750.00）")
        #expect(entries[bID]?.status == .publicNotice && entries[bID]?.monthlyAmount == Fen(34_000))
        // Before the approval nothing was on notice.
        #expect(try await p.publicNotice(for: village, on: try CalendarDate("2026-09-30")).entries.isEmpty)
        await p.storage.close()
    }

    @Test("GET /v1/payments answers an approver the list of its scope; others are refused", arguments: StorageBackendKind.allCases)
    func overHTTP(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        let village = TestServer.village
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var roll = try await RollFixture.make(p, scope: village)
        _ = try await p.addStandard(
            region: village, programme: .ruralDibao, perCapita: Fen(22_000), from: try CalendarDate("2020-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: now - 30 * day)
        let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英", "王小明"], now: now - 25 * day)
        try await roll.visit(household, in: village, answers: ["income.wages": .int(0)], now: now - 24 * day)
        try await roll.approveToNotice(id, from: now - 20 * day)
        try await p.review(
            enrolment: id, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver), now: now - 10 * day)
        let month = CalendarDate(chinaDayOf: Instant(millis: now - 10 * day))
        let text = "\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)"

        let approver = try await server.enrol(.approver, name: "张科长的电脑")
        let (status, data) = try await server.request("GET", "/v1/payments?month=\(text)", token: approver.token)
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let list = try JSONDecoder().decode(PaymentList.self, from: data)
        let payment = try #require(list.payments.first)
        #expect(list.payments.count == 1 && payment.enrolmentID == id && payment.headName == "王建国" && payment.amount > .zero)
        #expect(list.total == payment.amount && list.month.description == text)
        let (badMonth, problem) = try await server.request("GET", "/v1/payments?month=2026-13", token: approver.token)
        #expect(badMonth == 400 && TestServer.problem(problem)?.code == .invalidQuery)
        let (outside, why) = try await server.request("GET", "/v1/payments?month=\(text)&region=139902000000", token: approver.token)
        #expect(outside == 403 && TestServer.problem(why)?.code == .scopeViolation)
        let reviewer = try await server.enrol(.reviewer, name: "乡镇民政的平板")
        let (refused, forbidden) = try await server.request("GET", "/v1/payments?month=\(text)", token: reviewer.token)
        #expect(refused == 403 && TestServer.problem(forbidden)?.code == .forbidden)
    }

    @Test("a month is YYYY-MM; anything else is refused naming the field")
    func months() throws {
        #expect(try CalendarMonth("2026-12").last == (try CalendarDate("2026-12-31")))
        #expect(try CalendarMonth("2028-02").days == 29)
        for bad in ["2026-13", "2026-1", "12/2026", "2026-12-01", ""] {
            #expect(throws: FieldRollCore.ValidationError.self) { try CalendarMonth(bad, field: "--month") }
        }
    }
}
