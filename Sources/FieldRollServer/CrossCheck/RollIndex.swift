import FieldRollCore

/// The rolls as the cross-check needs them: who (by resident ID) is a member of which household,
/// and what each household declared. Built from the server's member and household records;
/// deleted records are left out.
public struct RollIndex: Sendable {
    /// One member of the rolls.
    public struct Person: Sendable, Hashable {
        public var member: MemberID
        public var household: HouseholdID
        public var region: RegionCode
        public var name: String
        /// The resident ID as stored (upper-case `X`).
        public var residentID: String
        public var relation: String

        /// The member as evidence.
        var evidence: CrossCheckEvidence {
            CrossCheckEvidence(
                line: nil,
                cells: [
                    "member": member.description, "household": household.description, "name": name, "relation": relation,
                    "resident_id": residentID,
                ])
        }
    }

    /// What a household declared.
    public struct Facts: Sendable, Hashable {
        public var region: RegionCode
        /// The declared monthly income of the whole household (nil if never given).
        public var declaredMonthlyIncome: Fen?
    }

    public private(set) var people: [Person] = []
    public private(set) var households: [HouseholdID: Facts] = [:]
    private var byResidentID: [String: [Person]] = [:]
    private var byHousehold: [HouseholdID: [Person]] = [:]

    /// Indexes stored `member` and `household` records.
    public init(members: [StoredRecord], households: [StoredRecord]) {
        for record in households {
            guard case .state(let s) = record.content, !s.isDeleted, let id = try? HouseholdID(record.id) else { continue }
            let values = s.values
            self.households[id] = Facts(
                region: record.region, declaredMonthlyIncome: values["declaredMonthlyIncome"]?.intValue.map { Fen($0) })
        }
        for record in members {
            guard case .state(let s) = record.content, !s.isDeleted, let id = try? MemberID(record.id) else { continue }
            let values = s.values
            guard let rid = values["residentID"]?.stringValue, let hh = values["householdID"]?.stringValue.flatMap({ try? HouseholdID($0) })
            else { continue }
            let person = Person(
                member: id, household: hh, region: record.region, name: values["name"]?.stringValue ?? "",
                residentID: rid.uppercased(), relation: values["relation"]?.stringValue ?? "")
            people.append(person)
            byResidentID[person.residentID, default: []].append(person)
            byHousehold[hh, default: []].append(person)
        }
    }

    /// The members holding a resident ID (in any household).
    public func people(withResidentID id: ResidentID) -> [Person] { byResidentID[id.rawValue] ?? [] }

    /// A household's members.
    public func members(of household: HouseholdID) -> [Person] { byHousehold[household] ?? [] }

    /// Every resident ID with the members holding it.
    var residentIDs: [String: [Person]] { byResidentID }
    /// Every household with members, with its members.
    var memberships: [HouseholdID: [Person]] { byHousehold }
}
