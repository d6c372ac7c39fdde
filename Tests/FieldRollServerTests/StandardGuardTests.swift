@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// A standard that moves money the wrong way is shown before it is added: every household it
/// changes, from when, before and after, and why a person must confirm it — and the preview
/// writes nothing.
@Suite("A standard that cuts amounts is previewed before it is added")
struct StandardGuardTests {
    let village = try! RegionCode("139901002201")
    let county = try! RegionCode("139901000000")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    func open(_ backend: StorageBackendKind) async throws -> (SyncPipeline, RollFixture, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-guard-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let made = try await SyncPipeline.initialize(storage, now: morning - 30 * day)
        let p = SyncPipeline(storage: storage, identity: made.identity)
        return (p, try await RollFixture.make(p, scope: county), folder)
    }

    @Test(
        "a lower standard lists every household it changes with the cut, flags cuts over the share, and writes nothing",
        arguments: StorageBackendKind.allCases)
    func preview(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(82_000), from: try CalendarDate("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day)
        let (three, threeID) = try await roll.household(in: village, names: ["王建国", "李秀英", "王小明"], now: morning - 10 * day)
        try await roll.visit(
            three, in: village, answers: ["income.wages": .int(80_000), "income.pension": .int(20_050)], now: morning - 9 * day)
        let (two, twoID) = try await roll.household(in: village, names: ["赵大", "钱二"], now: morning - 10 * day)
        try await roll.visit(two, in: village, answers: ["income.wages": .int(0)], now: morning - 9 * day)
        try await roll.approveToNotice(threeID, from: morning)
        try await roll.approveToNotice(twoID, from: morning)
        // 820.00 × 3 − 1,000.50 = 1,459.50; 820.00 × 2 = 1,640.00.
        #expect(try await roll.enrolment(threeID).monthlyAmount == Fen(145_950))
        #expect(try await roll.enrolment(twoID).monthlyAmount == Fen(164_000))
        let standardsBefore = try await p.standards(for: nil)
        let historyBefore = try await p.amountHistory(in: nil)

        // 700.00: 700.00 × 3 − 1,000.50 = 1,099.50, a cut of 360.00 of 1,459.50 = 24.66 %: more than 20 %.
        // 700.00 × 2 = 1,400.00, a cut of 240.00 of 1,640.00 = 14.63 %: within it.
        let from = try CalendarDate("2027-01-01")
        let low = try await p.previewStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(70_000), from: from, as: .operator("张科长"), now: morning + day)
        #expect(low.needsConfirmation && low.reasons == [.cutsAmount, .belowPrevious])
        #expect(low.reached == 2 && low.previous?.monthlyPerCapita == Fen(82_000))
        let rows = Dictionary(uniqueKeysWithValues: low.changes.map { ($0.householdID, $0) })
        let a = try #require(rows[three])
        #expect(a.headName == "王建国" && a.effectiveFrom == from && a.previous == Fen(145_950) && a.amount == Fen(109_950))
        #expect(a.cutPercent == 24 && a.overLimit)
        let b = try #require(rows[two])
        #expect(b.headName == "赵大" && b.previous == Fen(164_000) && b.amount == Fen(140_000) && b.cutPercent == 14 && !b.overLimit)
        #expect(low.explain(.standard).first == "it lowers 1 household(s) by more than 20 %")

        // Nothing was written: no standard, no amount change, the amounts as they were.
        #expect(try await p.standards(for: nil) == standardsBefore)
        #expect(try await p.amountHistory(in: nil) == historyBefore)
        #expect(try await roll.enrolment(threeID).monthlyAmount == Fen(145_950))

        // With a share of 25 % the cut of 24.66 % passes; the standard is still below the one before.
        let lenient = try await SyncPipeline(storage: p.storage, identity: p.identity, standardGuard: StandardGuard(maxCutPercent: 25))
            .previewStandard(
                region: county, programme: .ruralDibao, perCapita: Fen(70_000), from: from, as: .operator("张科长"), now: morning + day)
        #expect(lenient.reasons == [.belowPrevious])
        // A rise reaches both and needs nothing: 900.00 × 3 − 1,000.50 = 1,699.50; 900.00 × 2 = 1,800.00.
        let rise = try await p.previewStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(90_000), from: from, as: .operator("张科长"), now: morning + day)
        #expect(!rise.needsConfirmation && rise.changes.map(\.amount).sorted() == [Fen(169_950), Fen(180_000)])
        // A standard for a programme no one in the county is on reaches no one.
        let nobody = try await p.previewStandard(
            region: county, programme: .urbanDibao, perCapita: Fen(90_000), from: from, as: .operator("张科长"), now: morning + day)
        #expect(nobody.reasons == [.reachesNoOne] && nobody.reached == 0 && nobody.changes.isEmpty && nobody.previous == nil)

    }

    @Test(
        "the pipeline refuses a standard that needs confirmation, for every door, until a person confirms it",
        arguments: StorageBackendKind.allCases)
    func confirmation(backend: StorageBackendKind) async throws {
        let (p, fixture, folder) = try await open(backend)
        var roll = fixture
        defer { try? FileManager.default.removeItem(at: folder) }
        // The first standard of a county reaches no one yet: it too waits for a person.
        await #expect(throws: StandardNeedsConfirmation.self) {
            try await p.addStandard(
                region: county, programme: .ruralDibao, perCapita: Fen(82_000), from: try CalendarDate("2026-01-01"),
                as: .operator("张科长"), confirmed: false, now: morning - 20 * day)
        }
        #expect(try await p.standards(for: nil).isEmpty, "the refusal wrote nothing")
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(82_000), from: try CalendarDate("2026-01-01"),
            as: .operator("张科长"), confirmed: true, now: morning - 20 * day)
        let (three, threeID) = try await roll.household(in: village, names: ["王建国", "李秀英", "王小明"], now: morning - 10 * day)
        try await roll.visit(
            three, in: village, answers: ["income.wages": .int(80_000), "income.pension": .int(20_050)], now: morning - 9 * day)
        try await roll.approveToNotice(threeID, from: morning)
        let head = try await p.storage.head()

        // 700.00 cuts 王建国's 1,459.50 by 24 %: refused with the preview, nothing written.
        let from = try CalendarDate("2027-01-01")
        var refusal: StandardNeedsConfirmation?
        do {
            _ = try await p.addStandard(
                region: county, programme: .ruralDibao, perCapita: Fen(70_000), from: from, as: .operator("张科长"), confirmed: false,
                now: morning + day)
        } catch let e as StandardNeedsConfirmation { refusal = e }
        let refused = try #require(refusal)
        #expect(refused.code == .needsConfirmation && ProblemDetails(refused).status == 409)
        #expect(refused.preview.reasons == [.cutsAmount, .belowPrevious] && refused.preview.changes.map(\.amount) == [Fen(109_950)])
        #expect(refused.message.contains("it lowers 1 household(s) by more than 20 %"))
        #expect(try await p.storage.head() == head, "nothing was logged")
        #expect(try await roll.enrolment(threeID).monthlyAmount == Fen(145_950))

        // Confirmed, it is added and the amount changes from its date, audited as confirmed.
        let added = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(70_000), from: from, as: .operator("张科长"), confirmed: true,
            now: morning + day)
        #expect(added.changes.map(\.amount) == [Fen(109_950)] && added.changes.first?.effectiveFrom == from)
        #expect(try await roll.enrolment(threeID).monthlyAmount == Fen(109_950))
        let audit = try await p.storage.auditEntries(after: 0, limit: 1000)
        #expect(audit.contains { $0.action == "standard.added" && $0.detail.hasSuffix("(confirmed)") && $0.actor == "admin:张科长" })

        // A rise needs no one's confirmation.
        let rise = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(90_000), from: try CalendarDate("2027-02-01"), as: .operator("张科长"),
            confirmed: false, now: morning + 2 * day)
        #expect(rise.changes.map(\.amount) == [Fen(169_950)])
    }
}
