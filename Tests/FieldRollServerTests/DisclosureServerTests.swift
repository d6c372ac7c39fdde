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

    @Test(
        "every office export defuses formula cells with an apostrophe and imports back unchanged",
        arguments: StorageBackendKind.allCases)
    func csvExport(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let evil = #"=HYPERLINK("http://e.cn","点击")"#
        let household = Household(
            region: TestServer.village, address: "@SUM(1+1)*cmd|' /C calc'!A0", headName: evil, housing: .selfBuilt,
            declaredMonthlyIncome: .zero)
        let member = Member(
            householdID: household.id, region: TestServer.village, name: "+" + evil, residentID: try ResidentID(Self.headID),
            relation: .head, work: .farming, monthlyIncome: .zero)
        _ = try await OfficeImport(pipeline: server.pipeline).run(
            households: CSVTable(header: OfficeCSV.householdHeader, rows: [OfficeCSV.row(household)]),
            members: CSVTable(header: OfficeCSV.memberHeader, rows: [OfficeCSV.row(member)]), enrolments: nil, as: .operator(),
            now: 1_795_000_000_000)

        let households = try await OfficeExport.table(.household, pipeline: server.pipeline, scope: nil).text
        let members = try await OfficeExport.table(.member, pipeline: server.pipeline, scope: nil).text
        let read = try CSVTable(parsing: households).records
        #expect(read.first?["head_name"] == "'" + evil, "the name reaches a spreadsheet as text")
        #expect(read.first?["address"]?.hasPrefix("'@") == true)
        #expect(try CSVTable(parsing: members).records.first?["name"] == "'+" + evil)
        for line in (households + members).split(separator: "\n") {
            for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                #expect(!(text.first.map { "=+@".contains($0) } ?? false), "a cell a spreadsheet would run: \(line)")
            }
        }
        // Imported back, the apostrophe comes off again: nothing changes.
        let again = try await OfficeImport(pipeline: server.pipeline).run(
            households: try CSVTable(parsing: households), members: try CSVTable(parsing: members), enrolments: nil, as: .operator(),
            now: 1_795_000_100_000)
        #expect(again.changed.isEmpty, "\(again)")
        // The masked copy to share: no ID, birth date or phone to give the person away.
        let shared = try await OfficeExport.table(.member, pipeline: server.pipeline, scope: nil, disclosure: .restricted).records
        #expect(shared.first?["resident_id"] == "110105********002X" && shared.first?["birth_date"] == "1949")
    }

    @Test("the notice's CSV and the office CSV defuse the same cells the same way")
    func oneRule() {
        for cell in ["=1+1", "+86 139", "-1+2", "@A1", "\tx", "\rx", "'=x", "''+x", "-35.50", "-120", "张三", "'quoted", ""] {
            let notice = SpreadsheetCSV(header: ["a"], rows: [[cell]]).text
            let office = CSVTable(header: ["a"], rows: [[cell]]).text
            let spreadsheet = notice.dropFirst().replacingOccurrences(of: "\r\n", with: "\n")
            #expect(spreadsheet == office, "\(cell.debugDescription)")
            #expect(CSVFormula.restore(CSVFormula.defuse(cell)) == cell, "\(cell.debugDescription) comes back")
        }
        #expect(CSVFormula.defuse("=1+1") == "'=1+1")
        #expect(CSVFormula.defuse("-1+2") == "'-1+2")
        #expect(CSVFormula.defuse("-35.50") == "-35.50", "a negative amount stays a number")
        #expect(CSVFormula.defuse("'=x") == "''=x", "an apostrophe already there is kept through a round trip")
        #expect(CSVFormula.defuse("'quoted") == "'quoted")
    }
}
