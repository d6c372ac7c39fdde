import FieldRollCore
import Foundation
import GRDB

/// An enrolled household whose check-in is coming up, due or overdue, as a device lists it.
public struct CheckInDue: Sendable, Codable, Hashable {
    /// Where it stands, by the server's schedule (`CheckInSchedule`).
    public var standing: CheckInStanding
    /// The household head's name, as the kiosk shows it.
    public var headName: String
    /// The household's address.
    public var address: String
    /// Who may check in for the household: its members, the head first.
    public var members: [CheckInMember]

    /// The household that is due.
    public var householdID: HouseholdID { standing.householdID }
}

/// A member as a check-in list shows them.
public struct CheckInMember: Sendable, Codable, Hashable {
    /// The member's id.
    public var id: MemberID
    /// The member's name, in full (the kiosk's person checks the face against it).
    public var name: String
    /// The member's relation to the household's head.
    public var relation: Relation
}

/// A household found by a member's name or resident ID.
public struct HouseholdMatch: Sendable, Codable, Hashable {
    /// The household found.
    public var household: Household
    /// The members that matched (empty when only the household's head name did).
    public var matched: [Member]
    /// Its entries on the roll, as last pulled.
    public var enrolments: [Enrolment]
}

extension DeviceStore {
    /// The check-in schedule the server sent with its last pull page; the standard schedule
    /// before the first sync.
    public func checkInSchedule() throws -> CheckInSchedule {
        try read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'checkin_schedule'") else { return .standard }
            return try CheckInSchedule(json: JSONValue(parsing: data))
        }
    }

    /// Enrolled households in `scope` whose check-in is due within `lookahead` days of `date`,
    /// due, or overdue, by the server's schedule (``checkInSchedule()``) over the check-ins this
    /// device holds; most overdue first.
    public func checkInsDue(in scope: RegionCode, asOf date: CalendarDate, lookahead: Int = 0) throws -> [CheckInDue] {
        let schedule = try checkInSchedule()
        let (lo, hi) = Self.range(scope)
        return try read { db in
            var checkIns: [HouseholdID: [CheckIn]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT body FROM bodies WHERE entity = 'check-in' AND region BETWEEN ? AND ?", arguments: [lo, hi])
            {
                let c = try JSONValue(parsing: vault.open(row["body"])).decode(as: CheckIn.self)
                checkIns[c.householdID, default: []].append(c)
            }
            var out: [CheckInDue] = []
            for row in try Row.fetchAll(
                db, sql: "SELECT id, state FROM records WHERE entity = 'enrolment' AND region BETWEEN ? AND ?", arguments: [lo, hi])
            {
                let s = try RecordCodec.decodeState(row["state"], entity: .enrolment, vault: vault)
                guard !s.isDeleted, let e = try? Enrolment(id: EnrolmentID(row["id"] as String), values: s.values),
                    let standing = schedule.standing(of: e, checkIns: checkIns[e.householdID] ?? [], asOf: date),
                    standing.state != .upcoming || date.days(until: standing.due) <= lookahead
                else { continue }
                guard
                    let hRow = try Row.fetchOne(
                        db, sql: "SELECT state FROM records WHERE entity = 'household' AND id = ?", arguments: [e.householdID.description]),
                    let h = try? Household(
                        id: e.householdID, values: RecordCodec.decodeState(hRow["state"], entity: .household, vault: vault).values)
                else { continue }
                let members = try Row.fetchAll(
                    db, sql: "SELECT id, state FROM records WHERE entity = 'member' AND household_id = ?",
                    arguments: [e.householdID.description]
                ).compactMap { r -> CheckInMember? in
                    let ms = try RecordCodec.decodeState(r["state"], entity: .member, vault: vault)
                    guard !ms.isDeleted, let m = try? Member(id: MemberID(r["id"] as String), values: ms.values) else { return nil }
                    return CheckInMember(id: m.id, name: m.name, relation: m.relation)
                }
                .sorted { ($0.relation == .head ? 0 : 1, $0.name, $0.id) < ($1.relation == .head ? 0 : 1, $1.name, $1.id) }
                out.append(CheckInDue(standing: standing, headName: h.headName, address: h.address, members: members))
            }
            return out.sorted {
                ($0.standing.due, $0.standing.region.digits, $0.householdID) < ($1.standing.due, $1.standing.region.digits, $1.householdID)
            }
        }
    }

    /// Households with a member whose resident ID is `query` (any case of the check letter), or
    /// whose name or head's name contains it; by address.
    ///
    /// Resident IDs are sealed at rest, so the search opens each member's — a device holds one
    /// village or township, a few thousand members, which takes milliseconds. A keyed hash index
    /// would find only whole IDs, need upkeep on every write and pull, and tell anyone holding
    /// the file which records share an ID; names are not sealed and need neither.
    public func findHouseholds(_ query: String) throws -> [HouseholdMatch] {
        let text = query.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ClientError(.invalidRecord, "give a name or a resident ID to look for") }
        let id = try? ResidentID(text.uppercased())
        let ids = try read { db -> [HouseholdID: [Member]] in
            var found: [HouseholdID: [Member]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, state FROM records WHERE entity = 'member'") {
                let s = try RecordCodec.decodeState(row["state"], entity: .member, vault: vault)
                guard !s.isDeleted, let m = try? Member(id: MemberID(row["id"] as String), values: s.values) else { continue }
                if let id, m.residentID == id {
                    found[m.householdID, default: []].append(m)
                } else if id == nil, m.name.contains(text) {
                    found[m.householdID, default: []].append(m)
                }
            }
            if id == nil {
                for row in try Row.fetchAll(db, sql: "SELECT id, state FROM records WHERE entity = 'household'") {
                    let s = try RecordCodec.decodeState(row["state"], entity: .household, vault: vault)
                    guard !s.isDeleted, s.values["headName"]?.stringValue?.contains(text) == true,
                        let h = try? HouseholdID(row["id"] as String)
                    else { continue }
                    found[h, default: []] += []
                }
            }
            return found
        }
        return try ids.map { householdID, members in
            let detail = try household(householdID)
            return HouseholdMatch(
                household: detail.household, matched: members.sorted { ($0.name, $0.id) < ($1.name, $1.id) }, enrolments: detail.enrolments)
        }
        .sorted { ($0.household.address, $0.household.id) < ($1.household.address, $1.household.id) }
    }

    /// Why `member` may not check in on this device, or nil when it may: it must belong to a
    /// household in the device's scope (when enrolled) with an enrolment that is `enrolled` or
    /// `suspended` (a suspended household checks in to be resumed).
    func checkInRefusal(member: MemberID, household: HouseholdID, region: RegionCode, scope: RegionCode?, db: Database) throws
        -> ClientError?
    {
        if let scope, !scope.contains(region) {
            return ClientError(.scopeViolation, "member \(member) lives in \(region), outside this device's scope \(scope)")
        }
        var statuses: [EnrolmentStatus] = []
        for row in try Row.fetchAll(
            db, sql: "SELECT id, state FROM records WHERE entity = 'enrolment' AND household_id = ?", arguments: [household.description])
        {
            let s = try RecordCodec.decodeState(row["state"], entity: .enrolment, vault: vault)
            if !s.isDeleted, let e = try? Enrolment(id: EnrolmentID(row["id"] as String), values: s.values) { statuses.append(e.status) }
        }
        if statuses.contains(.enrolled) || statuses.contains(.suspended) { return nil }
        let held = statuses.isEmpty ? "holds no enrolment on this device" : "is \(statuses.map(\.rawValue).joined(separator: ", "))"
        return ClientError(
            .notEnrolled, "member \(member)'s household \(household) \(held); only enrolled households check in (sync to pull the roll)")
    }
}
