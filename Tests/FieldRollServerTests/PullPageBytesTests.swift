import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// The pull route writes its page from the changes as stored, without parsing them; it must be
/// byte for byte the page the typed pull encodes, for every kind of change, on every backend.
@Suite("The pull page built from stored changes")
struct PullPageBytesTests {
    @Test(
        "spliced pages equal the typed page's canonical bytes, page by page; server-kept kinds stay out",
        arguments: StorageBackendKind.allCases)
    func sameBytes(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        let village = TestServer.village
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // The office's writes (households, members, the roll), a standard (kept on the server),
        // a signed visit with a photo from a device, a review action and the enrolment's move,
        // and a device's edit with quotes, a backslash and non-ASCII text.
        var roll = try await RollFixture.make(p, scope: village)
        let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: now - 7_200_000)
        _ = try await p.addStandard(
            region: village.ancestor(at: .county), programme: .ruralDibao, perCapita: .yuan(560), from: try CalendarDate("2026-01-01"),
            as: .operator("张科长"), confirmed: true, now: now - 7_000_000)
        try await roll.visit(
            household, in: village, answers: ["income.wages": .int(50_000), "housing.condition": .string("漏雨 \"东\\西\" 墙")],
            photos: [FieldRollCore.SHA256Digest(of: Data("房屋".utf8))], now: now - 3_600_000)
        try await p.review(
            enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: now)
        let device = try await server.enrol()
        _ = try await device.push([
            device.writes(record: household.description, ["notes": "门牌 \"12\" 号\\旁 🏠", "declaredMonthlyIncome": .int(61_234)])
        ])

        // The county's scope, where the standard is logged (a village's pull never reads it).
        let county = village.ancestor(at: .county)
        var after: Int64 = 0
        var pages = 0
        var total = 0
        while pages < 100 {
            let typed = try await p.pull(after: after, scope: county, limit: 3, now: now)
            let spliced = try await p.pullJSON(after: after, scope: county, limit: 3, now: now)
            #expect(spliced.bytes == typed.json.canonicalBytes, "page \(pages) after \(after)")
            #expect(spliced.count == typed.changes.count)
            #expect(try PullPage(json: JSONValue(parsing: spliced.bytes)) == typed, "the client reads the same page")
            total += typed.changes.count
            pages += 1
            after = typed.cursor.position
            if !typed.more { break }
        }
        #expect(pages > 2, "several pages were compared")
        let whole = try await p.pull(after: 0, scope: county, limit: 1000, now: now)
        #expect(total == whole.changes.count)
        #expect(!whole.changes.contains { $0.change.entity == .standard || $0.change.entity == .amountChange })
        let stored = try await p.storage.changes(after: 0, in: county, limit: 1000)
        #expect(stored.count > whole.changes.count, "the standard is in the log but not in any page")
    }
}
