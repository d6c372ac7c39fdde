/// A member of a household: identity, relation to the head, and what the means test asks.
///
/// Mutable and merged field by field. `residentID` and `phone` are sensitive.
public struct Member: FieldMergedRecord {
    /// ``EntityKind/member``: mutable, merged field by field.
    public static let kind = EntityKind.member

    /// The member's id.
    public var id: MemberID
    /// The household the member belongs to.
    public var householdID: HouseholdID
    /// The household's village, repeated so scope checks need no join.
    public var region: RegionCode
    /// The member's name.
    public var name: String
    /// The resident identity number; sensitive.
    public var residentID: ResidentID
    /// Relation to the household's head.
    public var relation: Relation
    /// Date of birth; must match the one in ``residentID``.
    public var birthDate: CalendarDate
    /// Sex; must match the one ``residentID`` encodes.
    public var sex: Sex
    /// Disability grade, or none.
    public var disability: Disability
    /// State of health.
    public var health: Health
    /// Work status.
    public var work: WorkStatus
    /// This member's monthly income, in fen.
    public var monthlyIncome: Fen
    /// Contact phone; sensitive.
    public var phone: PhoneNumber?

    /// Makes a member; a new random id by default. Birth date and sex are taken from `residentID`.
    public init(
        id: MemberID = MemberID(), householdID: HouseholdID, region: RegionCode, name: String, residentID: ResidentID,
        relation: Relation, disability: Disability = .none, health: Health = .healthy, work: WorkStatus,
        monthlyIncome: Fen, phone: PhoneNumber? = nil
    ) {
        self.id = id
        self.householdID = householdID
        self.region = region
        self.name = name
        self.residentID = residentID
        self.relation = relation
        self.birthDate = residentID.birthDate
        self.sex = residentID.sex
        self.disability = disability
        self.health = health
        self.work = work
        self.monthlyIncome = monthlyIncome
        self.phone = phone
    }

    /// The wire fields; `residentID` and `phone` are sensitive.
    public static let schema = EntitySchema(
        kind: .member,
        fields: [
            "householdID": FieldRule(.reference),
            "region": FieldRule(.region),
            "name": FieldRule(.text(max: 40)),
            "residentID": FieldRule(.residentID, sensitive: true),
            "relation": FieldRule(.choice(Relation.wireNames)),
            "birthDate": FieldRule(.date),
            "sex": FieldRule(.choice(Sex.wireNames)),
            "disability": FieldRule(.choice(Disability.wireNames)),
            "health": FieldRule(.choice(Health.wireNames)),
            "work": FieldRule(.choice(WorkStatus.wireNames)),
            "monthlyIncome": FieldRule(.fen(min: 0, max: 100_000_000)),
            "phone": FieldRule(.phone, sensitive: true, nullable: true),
        ],
        required: [
            "householdID", "region", "name", "residentID", "relation", "birthDate", "sex", "disability", "health", "work", "monthlyIncome",
        ]
    )

    public func validate() -> [FieldIssue] {
        var issues = schemaIssues()
        if residentID.birthDate != birthDate {
            issues.append(
                FieldIssue(
                    field: "birthDate", reason: "mismatch",
                    message: "\(birthDate) differs from the birth date in the resident ID (\(residentID.birthDate))"))
        }
        if residentID.sex != sex {
            issues.append(
                FieldIssue(field: "sex", reason: "mismatch", message: "\(sex.rawValue) differs from the sex the resident ID encodes"))
        }
        return issues
    }
}
