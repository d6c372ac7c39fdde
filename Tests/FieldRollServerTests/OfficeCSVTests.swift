import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Import and export of office CSV")
struct OfficeCSVTests {
    func fixture(_ name: String) throws -> CSVTable {
        try CSVTable(parsing: String(contentsOf: fixturesDirectory.appendingPathComponent("county/\(name)"), encoding: .utf8))
    }

    @Test(
        "the fixture county imports, exports row for row, re-imports as a no-op, and reaches devices",
        arguments: StorageBackendKind.allCases)
    func roundTrip(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let households = try fixture("households.csv")
        let members = try fixture("members.csv")
        let roll = try fixture("enrolments.csv")
        let importer = OfficeImport(pipeline: server.pipeline)
        let first = try await importer.run(
            households: households, members: members, enrolments: roll, as: .operator(), history: true, now: 1_795_000_000_000)
        #expect(first.changed == [.household: 200, .member: 621, .enrolment: 107])
        let again = try await importer.run(
            households: households, members: members, enrolments: roll, as: .operator(), history: true, now: 1_795_000_100_000)
        #expect(again.changed.isEmpty)
        for (kind, table) in [(EntityKind.household, households), (.member, members), (.enrolment, roll)] {
            let exported = try await OfficeExport.table(kind, pipeline: server.pipeline, scope: nil)
            #expect(exported.header == table.header)
            #expect(Set(exported.rows.map { $0.joined(separator: "|") }) == Set(table.rows.map { $0.joined(separator: "|") }))
        }
        // A caseworker of one village pulls exactly that village's households, members and roll.
        let village = try RegionCode("139901002201")
        let device = try await server.enrol(scope: village)
        let pulled = try await device.pullAll().changes
        let expected =
            households.records.filter { $0["region"] == village.digits }.count
            + members.records.filter { $0["region"] == village.digits }.count
            + roll.records.filter { $0["region"] == village.digits }.count
        #expect(pulled.count == expected && expected > 0)
        #expect(pulled.allSatisfy { $0.origin == server.pipeline.serverNode })
        // The device cannot write the roll it pulled.
        if let e = pulled.first(where: { $0.change.entity == .enrolment }) {
            let r = try await device.push([device.writes(.enrolment, record: e.change.record, ["status": "terminated"])])
            #expect(r.first?.code == .serverOwnedField)
        }
    }

    @Test(
        "a plan checks every row and writes nothing; rows outside a scope are problems; running a clean plan writes it",
        arguments: StorageBackendKind.allCases)
    func plan(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let households = try fixture("households.csv")
        let importer = OfficeImport(pipeline: server.pipeline)
        let before = try await server.pipeline.storage.head()
        let plan = try await importer.plan(households: households, members: nil, enrolments: nil, as: .operator(), now: 1_795_000_000_000)
        #expect(plan.isClean && plan.changes.count == households.rows.count)
        #expect(try await server.pipeline.storage.head() == before, "a plan writes nothing, not even an audit entry")
        #expect(try await server.pipeline.records(of: .household, in: nil).isEmpty)
        let township = try RegionCode("139901002000")
        let tester = Principal(kind: .staff, name: "tester", role: .admin, scope: township, seesFullIdentifiers: true)
        let scoped = try await importer.plan(households: households, members: nil, enrolments: nil, as: tester, now: 1_795_000_000_000)
        let outside = households.records.filter { !($0["region"] ?? "").hasPrefix("139901002") }.count
        #expect(outside > 0 && scoped.problems.count == outside)
        #expect(scoped.problems.allSatisfy { $0.contains("region: ") && $0.contains("outside your region 139901002000") })
        #expect(scoped.refusals.allSatisfy { $0.code == .scopeViolation && $0.column == "region" })
        await #expect(throws: ImportError.self) { try await importer.run(scoped, now: 1_795_000_000_000) }
        #expect(try await server.pipeline.records(of: .household, in: nil).isEmpty)
        let inside = CSVTable(header: households.header, rows: households.rows.filter { $0[1].hasPrefix("139901002") })
        let clean = try await importer.plan(households: inside, members: nil, enrolments: nil, as: tester, now: 1_795_000_000_000)
        let summary = try await importer.run(clean, now: 1_795_000_000_000)
        #expect(summary.changed[.household] == households.rows.count - outside)
        #expect(try await server.pipeline.records(of: .household, in: nil).count == households.rows.count - outside)
        let audit = try await server.pipeline.storage.auditEntries(after: 0, limit: 5_000)
        #expect(audit.contains { $0.actor == "staff:tester" && $0.action == "office.import" })
    }

    @Test("one bad row anywhere imports nothing and names every bad row", arguments: StorageBackendKind.allCases)
    func badRows(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        var households = try fixture("households.csv")
        households.rows[3][6] = "-4"  // housing area
        households.rows[7][4] = "12345"  // phone
        var members = try fixture("members.csv")
        members.rows[0][4] = String(members.rows[0][4].dropLast()) + (members.rows[0][4].hasSuffix("1") ? "2" : "1")  // check digit
        do {
            _ = try await OfficeImport(pipeline: server.pipeline).run(
                households: households, members: members, enrolments: nil, as: .operator(), now: 1)
            Issue.record("a bad import was accepted")
        } catch let error as ImportError {
            #expect(error.code == .invalidRecord)
            #expect(error.problems.count == 3)
            #expect(error.problems.contains { $0.hasPrefix("households row 5: housing_area_m2") })
            #expect(error.problems.contains { $0.hasPrefix("households row 9: phone") })
            #expect(error.problems.contains { $0.hasPrefix("members row 2: resident_id") })
        }
        #expect(try await server.pipeline.records(of: .household, in: nil).isEmpty)
    }

    @Test("CSV parsing: quotes, doubled quotes, CRLF, a byte-order mark; ragged rows are refused")
    func parsing() throws {
        let t = try CSVTable(parsing: "\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",2\n")
        #expect(t.header == ["a", "b"] && t.rows == [["x, y", "say \"hi\""], ["multi\nline", "2"]])
        #expect(throws: CSVError.self) { try CSVTable(parsing: "a,b\n1\n") }
        #expect(throws: CSVError.self) { try CSVTable(parsing: "a,b\n\"open,2\n") }
        #expect(throws: CSVError.self) { try CSVTable(parsing: "") }
    }
}
