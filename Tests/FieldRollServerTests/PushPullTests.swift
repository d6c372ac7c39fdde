import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Push and pull")
struct PushPullTests {
    @Test("a pushed household reaches every device of its village and no other", arguments: StorageBackendKind.allCases)
    func scopeOfPull(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let writer = try await server.enrol()
        let sameVillage = try await server.enrol(.kiosk)
        let township = try await server.enrol(.reviewer, scope: TestServer.township)
        let elsewhere = try await server.enrol(scope: TestServer.otherVillage)
        let results = try await writer.push([writer.newHousehold()])
        #expect(results.map(\.status) == [.applied])
        #expect(try await sameVillage.pullAll().changes.count == 1)
        #expect(try await township.pullAll().changes.count == 1)
        #expect(try await elsewhere.pullAll().changes.isEmpty)
    }

    @Test("mixed-case forms of one record id, and of a reference to it, make one canonical id", arguments: StorageBackendKind.allCases)
    func canonicalIDs(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let a = try await server.enrol(name: "甲")
        let b = try await server.enrol(name: "乙")
        let id = HouseholdID()
        let lower = a.newHousehold(id)
        let upper = b.writes(record: id.description.uppercased(), ["phone": "13900139000"])
        #expect(try await a.push([lower]).first?.status == .applied)
        let second = try await b.push([upper]).first
        #expect(second?.status == .applied || second?.status == .conflictRecorded, "\(String(describing: second))")
        let records = try await server.pipeline.records(of: .household, in: TestServer.village)
        #expect(records.map(\.id) == [id.description.lowercased()])
        // A reference sent in upper case is stored, and pulled, as the lowercase UUID.
        let member = Member(
            householdID: id, region: TestServer.village, name: "王建国", residentID: try ResidentID("11010519491231002X"),
            relation: .head, work: .farming, monthlyIncome: .yuan(400))
        var values = try member.fieldValues
        values["householdID"] = .string(id.description.uppercased())
        #expect(try await b.push([b.writes(.member, record: member.id.description, values)]).first?.status == .applied)
        let members = try await server.pipeline.records(of: .member, in: TestServer.village)
        guard case .state(let state)? = members.first?.content else {
            Issue.record("no member stored")
            return
        }
        #expect(state.values["householdID"] == .string(id.description))
        let fresh = try await server.enrol(name: "丙")
        let pulled = try await fresh.pullAll().changes
        #expect(Set(pulled.map(\.change.record)) == [id.description.lowercased(), member.id.description])
        let pulledMember = pulled.first { $0.change.entity == .member }
        guard case .writes(let writes)? = pulledMember?.change.payload else {
            Issue.record("the member was not pulled as field writes")
            return
        }
        #expect(writes.first { $0.field == "householdID" }?.value == .string(id.description))
    }

    @Test("a replayed push changes nothing twice", arguments: StorageBackendKind.allCases)
    func replay(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let set = try device.changeSet([device.newHousehold(), device.newHousehold()])
        let (_, first, _) = try await device.push([set])
        #expect(first?.results.map(\.status) == [.applied, .applied])
        let auditBefore = try await server.pipeline.verifyAudit().entries
        let (_, second, _) = try await device.push([set])
        #expect(second?.results.map(\.status) == [.duplicate, .duplicate])
        #expect(try await device.pullAll().changes.count == 2)
        #expect(try await server.pipeline.verifyAudit().entries == auditBefore)
    }

    @Test("pages follow commit order, and a cursor never skips a later commit", arguments: StorageBackendKind.allCases)
    func paging(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        for _ in 0..<7 { _ = try await device.push([device.newHousehold()]) }
        let (first, cursor) = try await device.pullAll(limit: 3)
        #expect(first.count == 7)
        #expect(first.map(\.position) == first.map(\.position).sorted())
        _ = try await device.push([device.newHousehold()])
        let (next, _) = try await device.pullAll(after: cursor, limit: 3)
        #expect(next.count == 1)
        let (status, body) = try await server.request("GET", "/v1/sync/pull?after=other-server:5", token: device.token)
        #expect(status == 400 && TestServer.problem(body)?.code == .badCursor)
        let (bad, badBody) = try await server.request("GET", "/v1/sync/pull?after=nonsense", token: device.token)
        #expect(bad == 400 && TestServer.problem(badBody)?.code == .badCursor)
    }

    @Test("concurrent edits keep one winner everywhere and a conflict record with both values", arguments: StorageBackendKind.allCases)
    func conflicts(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let a = try await server.enrol(name: "李敏")
        let b = try await server.enrol(name: "王强")
        let id = HouseholdID()
        _ = try await a.push([a.newHousehold(id)])
        let created = try await b.pullAll().changes
        guard case .writes(let w)? = created.first?.change.payload, let base = w.first(where: { $0.field == "phone" })?.stamp else {
            Issue.record("household not pulled")
            return
        }
        // Both edit the phone offline, from the same base.
        let fromA = a.writes(record: id.description, ["phone": "13900000001"], base: base)
        b.physical = a.physical + 5
        let fromB = b.writes(record: id.description, ["phone": "13900000002"], base: base)
        #expect(try await a.push([fromA]).first?.status == .applied)
        let second = try await b.push([fromB]).first
        #expect(second?.status == .conflictRecorded)
        let open = try await server.pipeline.conflicts(includeResolved: false, scope: nil)
        #expect(open.count == 1)
        #expect(Set([open.first?.winner.value, open.first?.loser.value]) == Set([.string("13900000001"), .string("13900000002")]))
        #expect(open.first?.winnerDevice == b.id && open.first?.loserDevice == a.id)
        // The central office chooses the other value: a new server write every device pulls.
        let resolved = try await server.pipeline.resolveConflict(
            id: open[0].id, chooseLoser: true, as: .operator("张科长"), now: b.physical + 10)
        #expect(resolved.resolution == "chose-loser")
        let records = try await server.pipeline.records(of: .household, in: TestServer.village)
        guard case .state(let state)? = records.first?.content else {
            Issue.record("no record")
            return
        }
        #expect(state.fields["phone"]?.value == .string("13900000001"))
        #expect(try await server.pipeline.conflicts(includeResolved: false, scope: nil).isEmpty)
    }

    @Test("server-owned fields and kinds are refused per change; the rest of the batch lands", arguments: StorageBackendKind.allCases)
    func serverOwned(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let id = HouseholdID()
        let results = try await device.push([
            device.newHousehold(id),
            device.writes(record: id.description, ["crossCheck": "ok"]),
            device.writes(.enrolment, record: EnrolmentID().description, ["monthlyAmount": .int(100_000)]),
            device.newHousehold(),
        ])
        #expect(results.map(\.status) == [.applied, .refused, .refused, .applied])
        #expect(results[1].code == .serverOwnedField && results[2].code == .serverOwnedField)
    }

    @Test("a stamp a day ahead is refused with clock-skew and accepted once re-stamped", arguments: StorageBackendKind.allCases)
    func clockSkew(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let honest = device.physical
        device.physical += 86_400_000
        let change = device.newHousehold()
        let result = try await device.push([change]).first
        #expect(result?.status == .refused && result?.code == .clockSkew)
        #expect(try await device.pullAll().changes.isEmpty, "nothing of it was stored")
        // The device corrects its clock and re-stamps the same change (same id).
        device.physical = honest
        device.clock = HybridLogicalClock(node: device.id)
        guard case .writes(let writes) = change.payload else { return }
        let stamp = device.stamp()
        var restamped = change
        restamped.payload = .writes(writes.map { FieldWrite(field: $0.field, value: $0.value, stamp: stamp, base: $0.base) })
        #expect(try await device.push([restamped]).first?.status == .applied)
    }

    @Test("records outside the device's scope are refused, whatever the change claims", arguments: StorageBackendKind.allCases)
    func scopeOfPush(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let other = try await server.enrol(scope: TestServer.otherVillage)
        let theirs = HouseholdID()
        _ = try await other.push([other.newHousehold(theirs)])
        let results = try await device.push([
            device.newHousehold(region: TestServer.otherVillage),
            // Claims our village, but the record lives in the other one.
            device.writes(record: theirs.description, ["phone": "13700000000"]),
        ])
        #expect(results.map(\.code) == [.scopeViolation, .scopeViolation])
        let reviewer = try await server.enrol(.reviewer, scope: TestServer.township)
        #expect(try await reviewer.push([reviewer.newHousehold(region: TestServer.village)]).first?.code == .forbidden)
    }

    @Test("signatures are checked: a tampered or foreign change set is refused whole", arguments: StorageBackendKind.allCases)
    func signatures(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let other = try await server.enrol()
        var tampered = try device.changeSet([device.newHousehold(), device.newHousehold()])
        tampered.changes[0] = device.newHousehold(phone: "13111111111")
        let (_, r1, _) = try await device.push([tampered])
        #expect(r1?.results.map(\.code) == [.badSignature, .badSignature])
        // A change set signed by another device, pushed by this one.
        let foreign = try other.changeSet([other.newHousehold()])
        let (_, r2, _) = try await device.push([foreign])
        #expect(r2?.results.first?.code == .forbidden)
        #expect(try await device.pullAll().changes.isEmpty)
    }

    @Test(
        "visits are immutable: identical retry is a no-op, a different body is refused, an unsigned one too",
        arguments: StorageBackendKind.allCases)
    func immutable(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let household = HouseholdID()
        let visit = try Visit(
            householdID: household, region: TestServer.village, author: "李敏", device: device.id,
            startedAt: Instant(millis: 1_795_000_000_000),
            endedAt: Instant(millis: 1_795_000_600_000), answers: ["income.wages": .int(120_000)]
        ).signed(with: device.key)
        func change(_ v: Visit) throws -> Change {
            Change(entity: .visit, record: v.id.description, region: TestServer.village, payload: .body(try JSONValue(encoding: v)))
        }
        #expect(try await device.push([device.newHousehold(household), change(visit)]).map(\.status) == [.applied, .applied])
        #expect(try await device.push([change(visit)]).first?.status == .duplicate)
        var altered = visit
        altered.answers["income.wages"] = .int(1)
        altered = try altered.signed(with: device.key)
        #expect(try await device.push([change(altered)]).first?.code == .immutableConflict)
        var unsigned = visit
        unsigned.id = VisitID()
        unsigned.signature = nil
        #expect(try await device.push([change(unsigned)]).first?.code == .badSignature)
        let pulled = try await device.pullAll().changes
        #expect(pulled.map(\.change.entity) == [.household, .visit])
    }
}
