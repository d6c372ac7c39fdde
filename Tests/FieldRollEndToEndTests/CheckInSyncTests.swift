import FieldRollClient
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

/// A township kiosk after a sync: it lists who is due by the server's own schedule, finds a
/// recipient by name or resident ID, and records the check-in against that person only.
@Suite("Check-ins at a township kiosk")
struct CheckInSyncTests {
    @Test(
        "after a sync the kiosk lists who is due as the server does; a check-in clears it there too; others are refused",
        arguments: StorageBackendKind.allCases)
    func dueAfterSync(backend: StorageBackendKind) async throws {
        let schedule = CheckInSchedule(
            intervals: [.ruralDibao: .monthly, .urbanDibao: .quarterly, .extremePoverty: .yearly], graceDays: 3, matchThreshold: 900)
        let h = try await Harness(backend: backend) { $0.checkInSchedule = schedule }
        try await h.importCounty()
        let township = try RegionCode("139901002000")
        let kiosk = try await h.device(.kiosk, scope: township, name: "城关镇大厅")
        defer { kiosk.close() }
        #expect(try kiosk.store.checkInSchedule() == .standard, "before the first sync")
        #expect(try kiosk.store.checkInsDue(in: township, asOf: try CalendarDate("2020-01-01")).isEmpty)
        _ = try await kiosk.sync()
        #expect(try kiosk.store.checkInSchedule() == schedule, "the server's schedule came with the pull")

        let now = DeviceStore.systemClock()
        let today = CalendarDate(chinaDayOf: Instant(millis: now))
        let onServer = try await h.pipeline.checkInList(in: township, asOf: today).map(\.standing).filter { $0.state != .upcoming }
        let due = try kiosk.store.checkInsDue(in: township, asOf: today)
        #expect(!due.isEmpty && Set(due.map(\.standing)) == Set(onServer), "the device and the server apply one rule")

        // The kiosk finds the first overdue household by its head's resident ID and by name.
        let first = try #require(due.first)
        let head = try #require(try kiosk.store.household(first.householdID).members.first { $0.relation == .head })
        #expect(try kiosk.store.findHouseholds(head.residentID.rawValue).map(\.household.id) == [first.householdID])
        let cli = SyncExitTests()
        let found = try await cli.fieldroll(["household", "find", head.name, "--json", "--data", kiosk.directory.path])
        #expect(found.status == 0 && found.out.contains(first.householdID.description), "\(found.err)")
        let listed = try await cli.fieldroll(["checkins", "due", "--overdue", "--json", "--data", kiosk.directory.path])
        #expect(listed.status == 0 && listed.out.contains(head.id.description), "the due list names the members' ids: \(listed.err)")

        let recorded = try await cli.fieldroll([
            "checkin", "record", "--member", head.id.description, "--method", "kiosk", "--place", "城关镇便民服务大厅", "--data",
            kiosk.directory.path,
        ])
        #expect(recorded.status == 0, "\(recorded.err)")
        _ = try await kiosk.sync()
        let after = try await h.pipeline.checkInList(in: township, asOf: today).first { $0.standing.householdID == first.householdID }
        #expect(after?.standing.state == .upcoming && after?.standing.lastCheckIn?.memberID == head.id)
        #expect(try kiosk.store.checkInsDue(in: township, asOf: today).allSatisfy { $0.householdID != first.householdID })

        // A household this kiosk made itself, not on the roll, and one outside its township.
        let pending = try kiosk.store.pending()
        for (region, code) in [("139901002201", "not-enrolled"), ("139901003201", "scope-violation")] {
            let stray = try kiosk.store.addHousehold(
                Household(region: try RegionCode(region), address: "临时登记", headName: "赵某", housing: .rented, declaredMonthlyIncome: .zero))
            let member = try kiosk.store.addMember(
                Member(
                    householdID: stray.id, region: try RegionCode(region), name: "赵某", residentID: try ResidentID("110105201001010010"),
                    relation: .head, work: .unemployed, monthlyIncome: .zero))
            let refused = try await cli.fieldroll([
                "checkin", "record", "--member", member.id.description, "--method", "kiosk", "--place", "大厅", "--data",
                kiosk.directory.path,
            ])
            #expect(refused.status == 1 && refused.err.hasPrefix("Error: \(code): "), "\(refused.err)")
            #expect(refused.err.split(separator: "\n").count == 1, "one line")
        }
        #expect(try kiosk.store.pending().changeSets == pending.changeSets + 4, "the two households and members only, no check-in")
        await h.close()
    }
}
