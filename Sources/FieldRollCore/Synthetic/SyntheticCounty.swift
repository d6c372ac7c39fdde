/// One region of a synthetic county, as offices list them.
public struct RegionEntry: Hashable, Codable, Sendable {
    public var code: RegionCode
    public var name: String
    public var level: RegionCode.Level
    /// Urban communities get the urban programme; villages the rural one.
    public var urban: Bool

    public init(code: RegionCode, name: String, level: RegionCode.Level, urban: Bool) {
        self.code = code
        self.name = name
        self.level = level
        self.urban = urban
    }
}

/// A whole synthetic county: regions, households with members, standards and the roll.
public struct SyntheticCounty: Hashable, Sendable {
    public var county: RegionEntry
    public var townships: [RegionEntry]
    public var villages: [RegionEntry]
    public var households: [Household]
    /// Members grouped in household order.
    public var members: [Member]
    public var standards: [ProgrammeStandard]
    public var enrolments: [Enrolment]

    /// Every region, county first.
    public var regions: [RegionEntry] { [county] + townships + villages }

    /// Members of one household.
    public func members(of household: HouseholdID) -> [Member] { members.filter { $0.householdID == household } }
}
