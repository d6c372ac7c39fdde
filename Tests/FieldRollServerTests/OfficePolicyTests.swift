import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

/// One door into the rolls: every office operation, for every staff role, inside and outside
/// the person's region, decided by the pipeline itself (not by the console).
@Suite("Office operations: the pipeline decides role and scope for every writer")
struct OfficePolicyTests {
    static let home = TestServer.village  // 139901002201
    static let away = TestServer.otherVillage  // 139901003201
    static let morning: Int64 = 1_795_000_000_000  // 2026-11-18 (China)
    static let day: Int64 = 86_400_000

    /// A staff member of `home` in `role`.
    static func staff(_ role: StaffRole) -> Principal {
        .staff(StaffAccount(name: "s-\(role.rawValue)", role: role, scope: home, passwordHash: "x", createdAt: 0))
    }

    /// Two devices of `village` edit one household's phone concurrently: one open conflict there.
    static func conflict(_ server: TestServer, in village: RegionCode) async throws -> ConflictRecord {
        let a = try await server.enrol(scope: village, name: "甲")
        let b = try await server.enrol(scope: village, name: "乙")
        let household = HouseholdID()
        let create = a.newHousehold(household)
        _ = try await a.push([create])
        guard case .writes(let writes) = create.payload, let base = writes.first?.stamp else { throw ImportError(problems: ["no stamp"]) }
        _ = try await a.push([a.writes(record: household.description, ["phone": "13911112222"], base: base)])
        _ = try await b.push([b.writes(record: household.description, ["phone": "13733334444"], base: base)])
        let open = try await server.pipeline.conflicts(includeResolved: false, scope: village)
        return try #require(open.last)
    }

    /// What each operation does for one principal, against records in `village`; nil when it
    /// went through, else the refusal's code.
    struct Targets {
        var enrolments: [StaffRole: EnrolmentID] = [:]
        var conflicts: [StaffRole: ConflictRecord] = [:]
        var device: [StaffRole: NodeID] = [:]
        var household: HouseholdID
    }

    static func targets(_ server: TestServer, _ roll: inout RollFixture, in village: RegionCode) async throws -> Targets {
        let (household, _) = try await roll.household(in: village, names: ["王建国"], now: morning - day)
        var t = Targets(household: household)
        for role in StaffRole.allCases {
            let (h, e) = try await roll.household(in: village, names: ["李\(role.rawValue)"], now: morning - day)
            try await roll.visit(h, in: village, answers: ["income.wages": .int(10_000)], now: morning - day)
            t.enrolments[role] = e
            t.conflicts[role] = try await conflict(server, in: village)
            t.device[role] = try await server.enrol(scope: village, name: "设备\(role.rawValue)").id
        }
        return t
    }

    /// Runs `operation` for `principal` against `targets` in `village`.
    static func attempt(
        _ operation: OfficeOperation, _ role: StaffRole, in village: RegionCode, targets t: Targets, _ p: SyncPipeline
    ) async -> ErrorCode? {
        let who = staff(role)
        let now = morning
        return await refusal {
            switch operation {
            case .importRecords:
                let csv = try CSVTable(
                    parsing: OfficeCSV.householdHeader.joined(separator: ",") + "\n"
                        + "\(t.household),\(village.digits),新地址1号,王建国,,self-built,,0.00,\n")
                let plan = try await OfficeImport(pipeline: p).plan(households: csv, members: nil, enrolments: nil, as: who, now: now)
                if let refusal = plan.refusals.first { throw ProblemDetails(refusal.code, detail: refusal.message) }
                _ = try await OfficeImport(pipeline: p).run(plan, now: now)
            case .crossCheck:
                _ = try await p.crossCheckRolls(as: who, now: now)
            case .resolveConflict:
                _ = try await p.resolveConflict(id: t.conflicts[role]?.id ?? "", chooseLoser: true, as: who, now: now)
            case .enrolDevice:
                _ = try await p.createDevice(
                    name: "新平板", role: .caseworker, scope: village, codeHash: Secrets.hash(Secrets.enrolmentCode()), expiresAt: .max / 2,
                    as: who, now: now)
            case .revokeDevice:
                if let id = t.device[role] { try await p.revoke(id, as: who, now: now) }
            case .addStandard:
                _ = try await p.addStandard(
                    region: village, programme: .ruralDibao, perCapita: Fen(50_000), from: try CalendarDate("2026-11-01"), as: who,
                    confirmed: true, now: now
                )
            case .recomputeAmounts:
                _ = try await p.recomputeAmounts(in: village, as: who, now: now)
            case .suspendOverdue:
                _ = try await p.suspendOverdue(in: village, asOf: try CalendarDate("2026-11-18"), as: who, now: now)
            case .review:
                if let id = t.enrolments[role] {
                    try await p.review(enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: who, now: now)
                }
            case .importRegions:
                _ = try await p.importPlaceNames([PlaceName(code: village, name: "导入村")], as: who, now: now)
            case .recordSurvey:
                _ = try await p.recordSurvey(
                    household: t.household, answers: ["income.wages": .int(120_000)], on: try CalendarDate("2026-11-17"),
                    investigators: ["调查员甲", "调查员乙"], as: who, now: now)
            case .printNotice, .manageStaff:
                break
            }
        }
    }

    /// What the pipeline must answer: the operation's roles first (for a review, the roles any
    /// county's chain lets act at the step), then the region.
    static func expected(_ operation: OfficeOperation, _ role: StaffRole, inside: Bool) -> ErrorCode? {
        let roles: Set<StaffRole> =
            switch operation {
            case .review: [.reviewer, .admin]  // the village survey step is a reviewer's (or an admin's), not an approver's
            case .suspendOverdue: [.approver, .admin]
            case .recordSurvey: [.reviewer, .approver, .admin]  // whoever investigates signs: the township's staff too
            default: [.admin]
            }
        guard roles.contains(role) else { return .forbidden }
        // A cross-check of the rolls has no region of its own: it raises flags only inside the person's.
        guard inside || operation == .crossCheck else { return .scopeViolation }
        return nil
    }

    @Test("every office operation × every staff role × inside and outside the region", arguments: StorageBackendKind.allCases)
    func matrix(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        var roll = try await RollFixture.make(p, scope: Self.home.ancestor(at: .county))
        let inside = try await Self.targets(server, &roll, in: Self.home)
        let outside = try await Self.targets(server, &roll, in: Self.away)
        let before = try await p.records(of: .household, in: Self.away)
        let operations = OfficeOperation.allCases.filter { $0 != .printNotice && $0 != .manageStaff }
        for role in StaffRole.allCases {
            for operation in operations {
                for (isInside, village, targets) in [(true, Self.home, inside), (false, Self.away, outside)] {
                    let got = await Self.attempt(operation, role, in: village, targets: targets, p)
                    let want = Self.expected(operation, role, inside: isInside)
                    #expect(
                        got == want, "\(role.rawValue) \(operation.rawValue) \(isInside ? "inside" : "outside"): \(String(describing: got))"
                    )
                }
            }
        }
        // The admin's cross-check of the rolls flagged the resident ID shared across both villages only at home.
        #expect(!(try await p.flags(in: Self.home)).isEmpty)
        #expect(try await p.flags(in: Self.away).isEmpty)
        // Nothing outside the staff's region changed, whatever they tried.
        let after = try await p.records(of: .household, in: Self.away)
        #expect(Set(after.map(\.id)) == Set(before.map(\.id)))
        for record in after {
            let old = before.first { $0.id == record.id }
            if case .state(let a) = record.content, case .state(let b)? = old?.content {
                #expect(a.fields["address"]?.value == b.fields["address"]?.value, "household \(record.id) moved or was rewritten")
            }
        }
        // Anyone prints the notice of their own region, and the audit log names them; nobody another's.
        let today = CalendarDate(chinaDayOf: Instant(millis: Self.morning))
        for role in StaffRole.allCases {
            let home = await refusal {
                _ = try await p.printNotice(for: Self.home, on: today, format: "html", as: Self.staff(role), now: Self.morning)
            }
            let away = await refusal {
                _ = try await p.printNotice(for: Self.away, on: today, format: "html", as: Self.staff(role), now: Self.morning)
            }
            #expect(home == nil && away == .scopeViolation, "\(role.rawValue) printing notices")
        }
        let printed = try await p.storage.auditEntries(after: 0, limit: 5_000).filter { $0.action == "notice.printed" }
        #expect(Set(printed.map(\.actor)) == Set(StaffRole.allCases.map { "staff:s-\($0.rawValue)" }))
        #expect(printed.allSatisfy { $0.subject == "region/\(Self.home)" })
        // Staff accounts are managed at the server's command line only.
        for role in StaffRole.allCases {
            #expect(
                await refusal { try await p.disableStaff(name: "nobody", as: Self.staff(role), now: Self.morning) } == .forbidden)
        }
        #expect(await refusal { try await p.disableStaff(name: "nobody", as: .operator(), now: Self.morning) } == .notFound)
        #expect(try await p.verifyAudit().ok)
    }

    @Test(
        "a village admin cannot rewrite another village's roll by import: the row's region and the record's place are both checked",
        arguments: StorageBackendKind.allCases)
    func importAttack(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        var roll = try await RollFixture.make(p, scope: Self.home.ancestor(at: .county))
        let (theirs, theirEnrolment) = try await roll.household(
            in: Self.away, names: ["赵大"], status: .enrolled, now: Self.morning - Self.day)
        let admin = Self.staff(.admin)
        let importer = OfficeImport(pipeline: p)
        // An enrolment row of their household, filed under my village, at 9,999.00 a month.
        let roll1 = try CSVTable(
            parsing: OfficeCSV.enrolmentHeader.joined(separator: ",") + "\n"
                + "\(theirEnrolment),\(theirs),\(Self.home.digits),rural-dibao,enrolled,9999.00,2026-11-20,2026-11-20\n")
        let plan1 = try await importer.plan(households: nil, members: nil, enrolments: roll1, as: admin, now: Self.morning)
        #expect(!plan1.isClean && plan1.changes.isEmpty)
        #expect(plan1.refusals.contains { $0.code == .scopeViolation && $0.line == 2 && $0.column == "id" })
        // Their household moved into my village.
        let move = try CSVTable(
            parsing: OfficeCSV.householdHeader.joined(separator: ",") + "\n"
                + "\(theirs),\(Self.home.digits),上河村3组12号,赵大,,self-built,,0.00,\n")
        let plan2 = try await importer.plan(households: move, members: nil, enrolments: nil, as: admin, now: Self.morning)
        #expect(plan2.refusals.map(\.code) == [.scopeViolation] && plan2.refusals.first?.column == "id")
        await #expect(throws: ImportError.self) { try await importer.run(plan2, now: Self.morning) }
        // Even a plan made by hand for the push is refused there: the push checks where the record is.
        var forged = plan2
        forged.refusals = []
        forged.changes = [
            Change(
                entity: .household, record: theirs.description, region: Self.home,
                payload: .writes([
                    FieldWrite(
                        field: "region", value: .string(Self.home.digits),
                        stamp: HLCTimestamp(physical: Self.morning, logical: 0, node: p.serverNode), base: nil)
                ]))
        ]
        do {
            _ = try await importer.run(forged, now: Self.morning)
            Issue.record("a forged plan moved another village's household")
        } catch let error as ImportError { #expect(error.code == .scopeViolation) }
        let stored = try #require(try await p.records(of: .household, in: nil).first { $0.id == theirs.description })
        #expect(stored.region == Self.away)
        #expect(try await roll.enrolment(theirEnrolment).monthlyAmount == .zero)
        #expect(try await roll.enrolment(theirEnrolment).region == Self.away)
    }

    @Test(
        "an import never enrols: a new enrolment must be applied, one on record keeps its status and amount; history is marked",
        arguments: StorageBackendKind.allCases)
    func onlyTheChainEnrols(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        let importer = OfficeImport(pipeline: p)
        let op = Principal.operator("王科长")
        var roll = try await RollFixture.make(p, scope: Self.home)
        let (household, enrolment) = try await roll.household(in: Self.home, names: ["王建国"], now: Self.morning - Self.day)
        let header = OfficeCSV.enrolmentHeader.joined(separator: ",") + "\n"
        // The application on record, re-imported as enrolled at 99,999.00 a month.
        let raise = try CSVTable(
            parsing: header + "\(enrolment),\(household),\(Self.home.digits),rural-dibao,enrolled,99999.00,2026-11-20,2026-11-20\n")
        let refused = try await importer.plan(households: nil, members: nil, enrolments: raise, as: op, now: Self.morning)
        #expect(refused.refusals.map(\.code) == [.illegalTransition] && refused.refusals.first?.column == "status")
        // A new enrolment straight onto the roll.
        let fresh = try CSVTable(
            parsing: header + ",\(household),\(Self.home.digits),extreme-poverty,enrolled,500.00,2026-11-20,2026-11-20\n")
        let straight = try await importer.plan(households: nil, members: nil, enrolments: fresh, as: op, now: Self.morning)
        #expect(straight.refusals.map(\.code) == [.illegalTransition] && straight.refusals.first?.column == "status")
        let unchanged = try await roll.enrolment(enrolment)
        #expect(unchanged.status == .applied && unchanged.monthlyAmount == .zero)
        // The same row as the county's roll moving onto FieldRoll: imported, and the audit log says so.
        let summary = try await importer.run(
            households: nil, members: nil, enrolments: fresh, as: op, history: true, source: "roll-2025.csv", now: Self.morning)
        #expect(summary.changed[.enrolment] == 1)
        let audit = try await p.storage.auditEntries(after: 0, limit: 1_000)
        #expect(
            audit.contains {
                $0.action == "office.import" && $0.actor == "admin:王科长" && $0.detail.contains("from roll-2025.csv")
                    && $0.detail.contains("imported as history")
            })
        // Even as history, what is on record is not rewritten.
        let history = try await importer.plan(households: nil, members: nil, enrolments: raise, as: op, history: true, now: Self.morning)
        #expect(history.refusals.map(\.code) == [.illegalTransition])
    }

    @Test(
        "references must exist in scope on every door; rows without ids match existing records instead of duplicating them",
        arguments: StorageBackendKind.allCases)
    func references(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        let importer = OfficeImport(pipeline: p)
        let op = Principal.operator("王科长")
        let ghost = HouseholdID()
        // An enrolment of a household nobody has: refused, naming the row and the column; the preview writes nothing.
        let orphan = try CSVTable(
            parsing: OfficeCSV.enrolmentHeader.joined(separator: ",") + "\n"
                + ",\(ghost),\(Self.home.digits),rural-dibao,applied,0.00,2026-11-20,\n")
        let head = try await p.storage.head()
        let plan = try await importer.plan(households: nil, members: nil, enrolments: orphan, as: op, now: Self.morning)
        #expect(plan.refusals.count == 1)
        #expect(plan.refusals.first?.code == .unknownReference && plan.refusals.first?.column == "household_id")
        #expect(plan.problems.first?.hasPrefix("enrolments row 2: household_id: no household") == true)
        #expect(try await p.storage.head() == head)
        do {
            _ = try await importer.run(households: nil, members: nil, enrolments: orphan, as: op, now: Self.morning)
            Issue.record("an enrolment of no household was imported")
        } catch let error as ImportError { #expect(error.code == .unknownReference) }

        // Households and members without ids, imported twice: the second run matches, never duplicates.
        let households = try CSVTable(
            parsing: OfficeCSV.householdHeader.joined(separator: ",") + "\n"
                + ",\(Self.home.digits),上河村1组1号,张三,,self-built,,0.00,\n"
                + ",\(Self.home.digits),上河村1组2号,李四,,self-built,,0.00,\n")
        let first = try await importer.run(households: households, members: nil, enrolments: nil, as: op, now: Self.morning)
        #expect(first.changed[.household] == 2)
        let again = try await importer.plan(households: households, members: nil, enrolments: nil, as: op, now: Self.morning + 1_000)
        #expect(again.isClean && again.changes.isEmpty && again.summary.matched[.household] == 2)
        #expect(again.matches.count == 2 && again.matches.allSatisfy { $0.contains("matches existing household") })
        #expect(try await p.records(of: .household, in: nil).count == 2)

        let zhang = try #require(
            try await p.records(of: .household, in: nil).first { r in
                if case .state(let s) = r.content { return s.fields["headName"]?.value == .string("张三") }
                return false
            })
        let members = try CSVTable(
            parsing: OfficeCSV.memberHeader.joined(separator: ",") + "\n"
                + ",\(zhang.id),\(Self.home.digits),张三,11010519491231002X,head,1949-12-31,female,none,healthy,farming,0.00,\n")
        _ = try await importer.run(households: nil, members: members, enrolments: nil, as: op, now: Self.morning + 2_000)
        let twice = try await importer.plan(households: nil, members: members, enrolments: nil, as: op, now: Self.morning + 3_000)
        #expect(twice.isClean && twice.changes.isEmpty && twice.matches.first?.contains("matches existing member") == true)
        #expect(try await p.records(of: .member, in: nil).count == 1)
        // The same person filed under another household is refused, not copied.
        let li = try #require(try await p.records(of: .household, in: nil).first { $0.id != zhang.id })
        let moved = try CSVTable(
            parsing: OfficeCSV.memberHeader.joined(separator: ",") + "\n"
                + ",\(li.id),\(Self.home.digits),张三,11010519491231002X,head,1949-12-31,female,none,healthy,farming,0.00,\n")
        let movedPlan = try await importer.plan(households: nil, members: moved, enrolments: nil, as: op, now: Self.morning + 4_000)
        #expect(movedPlan.refusals.first?.column == "resident_id")

        // A device's push naming a household that does not exist is refused per change; the rest of the batch stands.
        let device = try await server.enrol(scope: Self.home)
        let member = Member(
            householdID: ghost, region: Self.home, name: "无户", residentID: try ResidentID("110105195203050039"), relation: .head,
            work: .farming, monthlyIncome: .zero)
        let stamp = device.stamp()
        let orphanMember = Change(
            entity: .member, record: member.id.description, region: Self.home,
            payload: .writes(
                try member.fieldValues.sorted { $0.key < $1.key }.map {
                    FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil)
                }))
        let results = try await device.push([orphanMember, device.newHousehold()])
        #expect(results.map(\.status) == [.refused, .applied])
        #expect(results.first?.code == .unknownReference && results.first?.detail?.contains("householdID") == true)
        // A household of another village is as good as none to this device.
        let (theirs, _) = try await {
            var roll = try await RollFixture.make(p, scope: Self.away)
            return try await roll.household(in: Self.away, names: ["赵大"], now: Self.morning)
        }()
        var visiting = member
        visiting.householdID = theirs
        let stamp2 = device.stamp()
        let crossing = Change(
            entity: .member, record: MemberID().description, region: Self.home,
            payload: .writes(
                try visiting.fieldValues.sorted { $0.key < $1.key }.map {
                    FieldWrite(field: $0.key, value: $0.value, stamp: stamp2, base: nil)
                }))
        #expect(try await device.push([crossing]).first?.code == .unknownReference)
    }
}
