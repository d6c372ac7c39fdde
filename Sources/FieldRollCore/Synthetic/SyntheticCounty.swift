/// One region of a synthetic county, as offices list them.
public struct RegionEntry: Hashable, Codable, Sendable {
    /// The region's 12-digit division code.
    public var code: RegionCode
    /// The region's Chinese name.
    public var name: String
    /// The region's level: county, township or village.
    public var level: RegionCode.Level
    /// Urban communities get the urban programme; villages the rural one.
    public var urban: Bool

    /// Makes a region entry.
    public init(code: RegionCode, name: String, level: RegionCode.Level, urban: Bool) {
        self.code = code
        self.name = name
        self.level = level
        self.urban = urban
    }
}

/// A whole synthetic county: regions, households with members, standards and the roll.
public struct SyntheticCounty: Hashable, Sendable {
    /// The county itself.
    public var county: RegionEntry
    /// The county's townships.
    public var townships: [RegionEntry]
    /// The villages and urban communities of every township.
    public var villages: [RegionEntry]
    /// Every household, with its members in ``members``.
    public var households: [Household]
    /// Members grouped in household order.
    public var members: [Member]
    /// The programme standards for the county's areas.
    public var standards: [ProgrammeStandard]
    /// The roll: the enrolments of the households that qualify.
    public var enrolments: [Enrolment]

    /// Every region, county first.
    public var regions: [RegionEntry] { [county] + townships + villages }

    /// Members of one household.
    public func members(of household: HouseholdID) -> [Member] { members.filter { $0.householdID == household } }
}
