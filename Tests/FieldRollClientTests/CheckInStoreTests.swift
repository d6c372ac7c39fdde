import FieldRollClient
import FieldRollCore
import Foundation
import Testing

@Suite("Finding households and checking in on a kiosk")
struct CheckInStoreTests {
    @Test("a household is found by a member's name, part of it, or the whole resident ID (sealed at rest)")
    func find() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let head = try store.addMember(sampleMember(h.id))
        let child = try store.addMember(
            Member(
                householdID: h.id, region: village, name: "王小明", residentID: try ResidentID("110105201001010010"), relation: .child,
                work: .student, monthlyIncome: .zero))
        var other = sampleHousehold()
        other.headName = "李四"
        let o = try store.addHousehold(other)

        let byName = try store.findHouseholds("王小明")
        #expect(byName.map(\.household.id) == [h.id] && byName.first?.matched.map(\.id) == [child.id])
        #expect(try store.findHouseholds("王").first?.matched.map(\.id).sorted() == [head.id, child.id].sorted(), "part of a name")
        let byID = try store.findHouseholds("11010519491231002x")
        #expect(byID.map(\.household.id) == [h.id] && byID.first?.matched == [head], "the check letter in either case")
        #expect(try store.findHouseholds("李四").map(\.household.id) == [o.id], "the head's name on a household without members")
        #expect(try store.findHouseholds("110105194912310038").isEmpty, "another (valid) resident ID")
        #expect(throws: ClientError.self) { try store.findHouseholds("  ") }
    }

    @Test("a check-in is refused, recording nothing, for a household not on the roll as enrolled or suspended")
    func notEnrolled() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let head = try store.addMember(sampleMember(h.id))
        let before = try store.pending()
        for status in [nil, EnrolmentStatus.applied, .rejected] {
            if let status { try pullEnrolment(store, household: h.id, status: status) }
            do {
                _ = try store.recordCheckIn(member: head.id, method: .kiosk, place: "城关镇便民服务大厅")
                Issue.record("a check-in was recorded for a household that is \(status?.rawValue ?? "not on the roll")")
            } catch let e as ClientError {
                #expect(e.code == .notEnrolled)
            }
        }
        #expect(
            try store.pending().changeSets == before.changeSets && (try store.household(h.id).checkIns).isEmpty,
            "the pulls only set the last sync")
        #expect(throws: ClientError.self) { try store.recordCheckIn(member: MemberID(), method: .kiosk, place: "大厅") }
        try pullEnrolment(store, household: h.id, status: .suspended)
        _ = try store.recordCheckIn(member: head.id, method: .kiosk, place: "城关镇便民服务大厅")
        #expect(try store.household(h.id).checkIns.count == 1, "a suspended household checks in to be resumed")
    }
}
