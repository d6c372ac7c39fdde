import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// `GET /v1/review/queue` through a real socket, its answers checked against docs/openapi.json
/// by the test server's client, on every backend.
@Suite("The review queue over the HTTP API")
struct ReviewQueueAPITests {
    @Test(
        "a reviewer device sees the application with its household, members masked, latest visit, photo hash and open conflict; an approver sees IDs in full; a kiosk is refused",
        arguments: StorageBackendKind.allCases)
    func queue(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        let village = TestServer.village
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var roll = try await RollFixture.make(p, scope: village)
        let (household, id) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: now - 7_200_000)
        let photo = FieldRollCore.SHA256Digest(of: Data("上河村3组12号 的房屋".utf8))
        let visit = try await roll.visit(
            household, in: village, answers: ["income.wages": .int(50_000)], photos: [photo], now: now - 3_600_000)
        try await p.review(
            enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: now)

        // Two caseworkers change the address offline from the same base: a conflict on the household.
        let a = try await server.enrol(.caseworker, name: "李敏")
        let b = try await server.enrol(.caseworker, name: "王强")
        let pulled = try await a.pullAll().changes
        let stamps = pulled.compactMap { change -> HLCTimestamp? in
            guard change.change.record == household.description, case .writes(let w) = change.change.payload else { return nil }
            return w.first { $0.field == "address" }?.stamp
        }
        let base = try #require(stamps.first)
        #expect(try await a.push([a.writes(record: household.description, ["address": "上河村3组12号"], base: base)]).first?.status == .applied)
        b.physical = a.physical + 5
        let second = try await b.push([b.writes(record: household.description, ["address": "上河村3组21号"], base: base)]).first
        #expect(second?.status == .conflictRecorded)

        let reviewer = try await server.enrol(.reviewer, name: "乡镇民政的平板")
        let (status, data) = try await server.request("GET", "/v1/review/queue", token: reviewer.token)
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let page = try JSONDecoder().decode(ReviewQueuePage.self, from: data)
        #expect(page.total == 1 && page.offset == 0)
        let entry = try #require(page.entries.first)
        #expect(entry.enrolment == id.description && entry.household == household.description && entry.step == .townshipReview)
        #expect(entry.status == .surveyed && entry.mayDecide, "a reviewer decides at the township by the two-level chain")
        #expect(entry.members.map(\.name) == ["王建国", "李秀英"], "the head first")
        #expect(entry.members.first?.residentID == "110105********002X", "masked for a reviewer")
        #expect(entry.latestVisit?.id == visit.id.description && entry.latestVisit?.photos == [photo.hex])
        #expect(entry.conflicts.map(\.field) == ["address"] && entry.conflicts.first?.entity == "household")

        let approver = try await server.enrol(.approver, name: "张科长的电脑")
        let (_, full) = try await server.request("GET", "/v1/review/queue?step=township-review", token: approver.token)
        let forApprover = try JSONDecoder().decode(ReviewQueuePage.self, from: full)
        #expect(forApprover.entries.first?.members.first?.residentID == "11010519491231002X")
        #expect(forApprover.entries.first?.mayDecide == false, "the county's approver does not take the township's step")
        let (_, none) = try await server.request("GET", "/v1/review/queue?step=county-approval", token: approver.token)
        #expect(try JSONDecoder().decode(ReviewQueuePage.self, from: none).total == 0)
        let (_, skipped) = try await server.request("GET", "/v1/review/queue?offset=1&limit=5", token: approver.token)
        let after = try JSONDecoder().decode(ReviewQueuePage.self, from: skipped)
        #expect(after.entries.isEmpty && after.total == 1 && after.offset == 1)

        let (badStep, problem) = try await server.request("GET", "/v1/review/queue?step=village", token: approver.token)
        #expect(badStep == 400 && TestServer.problem(problem)?.code == .invalidQuery)
        let (badLimit, _) = try await server.request("GET", "/v1/review/queue?limit=0", token: approver.token)
        #expect(badLimit == 400)
        let kiosk = try await server.enrol(.kiosk, name: "城关镇大厅")
        let (refused, why) = try await server.request("GET", "/v1/review/queue", token: kiosk.token)
        #expect(refused == 403 && TestServer.problem(why)?.code == .forbidden)
        let (anonymous, _) = try await server.request("GET", "/v1/review/queue")
        #expect(anonymous == 401)
    }

    @Test("a device sees only its own scope's queue", arguments: StorageBackendKind.allCases)
    func scope(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var roll = try await RollFixture.make(server.pipeline, scope: TestServer.township)
        _ = try await roll.household(in: TestServer.village, names: ["王建国"], now: now)
        _ = try await roll.household(in: TestServer.otherVillage, names: ["李四"], now: now)
        let here = try await server.enrol(.reviewer, scope: TestServer.village, name: "村里的平板")
        let (_, data) = try await server.request("GET", "/v1/review/queue", token: here.token)
        let page = try JSONDecoder().decode(ReviewQueuePage.self, from: data)
        #expect(page.total == 1 && page.entries.map(\.region) == [TestServer.village])
    }
}
