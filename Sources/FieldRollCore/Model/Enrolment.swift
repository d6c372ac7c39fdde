/// An application and, once approved, an enrolment on a programme's roll.
///
/// Server-only: the central office writes every field (status moves through the review chain,
/// the amount comes from ``BenefitCalculator``); devices pull a read-only copy so a caseworker
/// can tell a household where its case stands.
public struct Enrolment: FieldMergedRecord {
    /// ``EntityKind/enrolment``: server-only, merged field by field.
    public static let kind = EntityKind.enrolment

    /// The enrolment's id.
    public var id: EnrolmentID
    /// The household that applied.
    public var householdID: HouseholdID
    public var region: RegionCode
    /// The programme applied for.
    public var programme: Programme
    /// Where the case stands in the review chain, or on the roll.
    public var status: EnrolmentStatus
    /// Monthly benefit for the whole household, in fen.
    public var monthlyAmount: Fen
    /// The day the household applied.
    public var appliedOn: CalendarDate
    /// The first day on the roll; required once enrolled.
    public var startDate: CalendarDate?
    /// The day the enrolment ends; nil while no end is set.
    public var endDate: CalendarDate?
    /// The day the current status began (the review chain's deadlines and the public notice's
    /// days count from it); nil for records imported without it.
    public var statusSince: CalendarDate?

    /// Makes an enrolment; a new random id by default.
    public init(
        id: EnrolmentID = EnrolmentID(), householdID: HouseholdID, region: RegionCode, programme: Programme,
        status: EnrolmentStatus, monthlyAmount: Fen, appliedOn: CalendarDate, startDate: CalendarDate? = nil,
        endDate: CalendarDate? = nil, statusSince: CalendarDate? = nil
    ) {
        self.id = id
        self.householdID = householdID
        self.region = region
        self.programme = programme
        self.status = status
        self.monthlyAmount = monthlyAmount
        self.appliedOn = appliedOn
        self.startDate = startDate
        self.endDate = endDate
        self.statusSince = statusSince
    }

    /// The wire fields, every one written by the server only.
    public static let schema = EntitySchema(
        kind: .enrolment,
        fields: [
            "householdID": FieldRule(.reference, writer: .server),
            "region": FieldRule(.region, writer: .server),
            "programme": FieldRule(.choice(Programme.wireNames), writer: .server),
            "status": FieldRule(.choice(EnrolmentStatus.wireNames), writer: .server),
            "monthlyAmount": FieldRule(.fen(min: 0, max: 10_000_000), writer: .server),
            "appliedOn": FieldRule(.date, writer: .server),
            "startDate": FieldRule(.date, writer: .server, nullable: true),
            "endDate": FieldRule(.date, writer: .server, nullable: true),
            "statusSince": FieldRule(.date, writer: .server, nullable: true),
        ],
        required: ["householdID", "region", "programme", "status", "monthlyAmount", "appliedOn"]
    )

    public func validate() -> [FieldIssue] {
        var issues = schemaIssues()
        if let start = startDate, let end = endDate, end < start {
            issues.append(FieldIssue(field: "endDate", reason: "before-start", message: "ends \(end), before it starts \(start)"))
        }
        if status == .enrolled && startDate == nil {
            issues.append(FieldIssue(field: "startDate", reason: "required", message: "an enrolled household needs a start date"))
        }
        return issues
    }
}
