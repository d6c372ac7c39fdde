/// A household on the means-test survey: where it lives, who heads it, how it lives.
///
/// Mutable and merged field by field: a caseworker's phone edit and a kiosk's address edit of
/// the same household both survive. `crossCheck` is written by the central office only (the
/// result of matching declared income against other departments' data).
public struct Household: FieldMergedRecord {
    /// ``EntityKind/household``: mutable, merged field by field.
    public static let kind = EntityKind.household

    /// The household's id.
    public var id: HouseholdID
    /// The village (12-digit code) the household is registered in.
    public var region: RegionCode
    /// The address in words.
    public var address: String
    /// The head's name as on the resident ID.
    public var headName: String
    /// Contact phone; sensitive.
    public var phone: PhoneNumber?
    /// How the household is housed.
    public var housing: Housing
    /// Floor area in square metres.
    public var housingArea: Int?
    /// Total monthly income the household declares, in fen.
    public var declaredMonthlyIncome: Fen
    /// Declared assets in words: vehicles, livestock, deposits.
    public var assets: String?
    /// Free-text notes.
    public var notes: String?
    /// Central office's cross-check result; server-owned.
    public var crossCheck: String?

    /// Makes a household; a new random id by default.
    public init(
        id: HouseholdID = HouseholdID(), region: RegionCode, address: String, headName: String, phone: PhoneNumber? = nil,
        housing: Housing, housingArea: Int? = nil, declaredMonthlyIncome: Fen, assets: String? = nil, notes: String? = nil,
        crossCheck: String? = nil
    ) {
        self.id = id
        self.region = region
        self.address = address
        self.headName = headName
        self.phone = phone
        self.housing = housing
        self.housingArea = housingArea
        self.declaredMonthlyIncome = declaredMonthlyIncome
        self.assets = assets
        self.notes = notes
        self.crossCheck = crossCheck
    }

    /// The wire fields; `crossCheck` is written by the server only.
    public static let schema = EntitySchema(
        kind: .household,
        fields: [
            "region": FieldRule(.region),
            "address": FieldRule(.text(max: 200)),
            "headName": FieldRule(.text(max: 40)),
            "phone": FieldRule(.phone, sensitive: true, nullable: true),
            "housing": FieldRule(.choice(Housing.wireNames)),
            "housingArea": FieldRule(.integer(min: 0, max: 100_000), nullable: true),
            "declaredMonthlyIncome": FieldRule(.fen(min: 0, max: 100_000_000)),
            "assets": FieldRule(.text(max: 1000), nullable: true),
            "notes": FieldRule(.text(max: 2000), nullable: true),
            "crossCheck": FieldRule(.text(max: 2000), writer: .server, nullable: true),
        ],
        required: ["region", "address", "headName", "housing", "declaredMonthlyIncome"]
    )

    public func validate() -> [FieldIssue] {
        var issues = schemaIssues()
        if region.level != .village {
            issues.append(
                FieldIssue(
                    field: "region", reason: "not-a-village",
                    message: "a household is registered in a village (12 significant digits), got \(region)"))
        }
        return issues
    }
}
