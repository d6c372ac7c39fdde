import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// The one masking rule (``Disclosure``) where people read it: the console, the review queue
/// API, the audit log by scope, and the CSV files the server writes.
@Suite("Whoever may not see a resident ID sees no field that gives it back")
struct DisclosureServerTests {
    /// The household head's resident ID as ``RollFixture`` records it, born 1949-12-31.
    static let headID = "11010519491231002X"

    @Test(
        "on the household page a reviewer sees the ID masked and the birth year only; an approver sees both whole",
        arguments: StorageBackendKind.allCases)
    func householdPage(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("reviewer1", .reviewer)
        try await f.add("viewer1", .viewer)
        try await f.add("approver1", .approver)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let (household, _) = try await roll.household(in: TestServer.village, names: ["王建国", "李秀英"], now: f.clock.now - 86_400_000)
        for name in ["reviewer1", "viewer1"] {
            var (client, _) = try await f.signIn(name)
            let page = try await client.get("/console/households/\(household)")
            #expect(page.status == 200)
            #expect(page.body.contains("110105********002X"), "\(name): the ID masked")
            for revealing in [Self.headID, "1949-12-31", "19491231", "1952-03-05"] {
                #expect(!page.body.contains(revealing), "\(name) must not see \(revealing)")
            }
            #expect(page.body.contains("<td>1949</td>") && page.body.contains("<td>1952</td>"), "\(name): the birth years")
        }
        var (approver, _) = try await f.signIn("approver1")
        let full = try await approver.get("/console/households/\(household)")
        #expect(full.body.contains(Self.headID) && full.body.contains("1949-12-31"), "an approver signs for the money: all of it")
    }

    @Test(
        "the review queue API gives a reviewer device masked IDs and no birth date; an approver's whole IDs",
        arguments: StorageBackendKind.allCases)
    func reviewQueue(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var roll = try await RollFixture.make(server.pipeline, scope: TestServer.village)
        _ = try await roll.household(in: TestServer.village, names: ["王建国", "李秀英"], now: now - 3_600_000)
        let reviewer = try await server.enrol(.reviewer, name: "乡镇民政的平板")
        let (status, data) = try await server.request("GET", "/v1/review/queue", token: reviewer.token)
        #expect(status == 200)
        let body = String(decoding: data, as: UTF8.self)
        #expect(body.contains("110105********002X"))
        for revealing in [Self.headID, "1949-12-31", "19491231", "1952-03-05", "19520305"] {
            #expect(!body.contains(revealing), "a reviewer must not get \(revealing)")
        }
        let approver = try await server.enrol(.approver, name: "张科长的电脑")
        let (_, whole) = try await server.request("GET", "/v1/review/queue", token: approver.token)
        #expect(String(decoding: whole, as: UTF8.self).contains(Self.headID))
    }

    @Test(
        "the audit page shows a village's viewer only that village's entries; the server's own entries only county-wide",
        arguments: StorageBackendKind.allCases)
    func auditScope(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("village1", .viewer, scope: TestServer.village)
        try await f.add("county1", .viewer, scope: TestServer.village.ancestor(at: .county))
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village.ancestor(at: .county))
        let (ours, ourApplication) = try await roll.household(in: TestServer.village, names: ["王建国"], now: f.clock.now - 7_200_000)
        let (theirs, theirApplication) = try await roll.household(
            in: TestServer.otherVillage, names: ["欧阳建国"], now: f.clock.now - 3_600_000)
        try await f.server.pipeline.record(
            actor: "staff:someone", action: "notice.printed", subject: "region/\(TestServer.otherVillage.digits)", detail: "",
            now: f.clock.now)

        var (village, _) = try await f.signIn("village1")
        let page = try await village.get("/console/audit")
        #expect(page.status == 200)
        #expect(page.body.contains("household/\(ours)") && page.body.contains("enrolment/\(ourApplication)"), "its own village")
        #expect(page.body.contains("staff.signed-in"), "its own sign-in")
        for other in ["household/\(theirs)", "enrolment/\(theirApplication)", TestServer.otherVillage.digits, "server.initialized"] {
            #expect(!page.body.contains(other), "a village's viewer must not see \(other)")
        }
        var (county, _) = try await f.signIn("county1")
        let wide = try await county.get("/console/audit")
        for entry in ["household/\(ours)", "household/\(theirs)", "region/\(TestServer.otherVillage.digits)", "server.initialized"] {
            #expect(wide.body.contains(entry), "the county's viewer sees \(entry)")
        }
    }
}
