/// A programme's monthly per-capita standard for an area, from a date.
public struct ProgrammeStandard: Hashable, Codable, Sendable {
    /// The area it applies to: a county, township or village code (a scope).
    public var region: RegionCode
    /// The programme the standard is for.
    public var programme: Programme
    /// Monthly standard per person, in fen.
    public var monthlyPerCapita: Fen
    /// The first day the standard applies.
    public var effectiveFrom: CalendarDate

    /// Makes a standard for `programme` in `region` from `effectiveFrom` on.
    public init(region: RegionCode, programme: Programme, monthlyPerCapita: Fen, effectiveFrom: CalendarDate) {
        self.region = region
        self.programme = programme
        self.monthlyPerCapita = monthlyPerCapita
        self.effectiveFrom = effectiveFrom
    }
}

/// The gap-filling benefit: (local standard − per-capita monthly income) × household size.
///
/// Computed in integer fen as `standard × size − total income`, which equals the formula exactly
/// without dividing, and never goes below zero.
public enum BenefitCalculator {
    /// Monthly benefit for a household of `size` with `totalMonthlyIncome`.
    public static func monthlyBenefit(standard: Fen, size: Int, totalMonthlyIncome: Fen) -> Fen {
        guard size > 0 else { return .zero }
        let gap = standard * Int64(size) - totalMonthlyIncome
        return gap > .zero ? gap : .zero
    }

    /// The standard in force for `region` and `programme` on `date`: the most specific area,
    /// then the latest effective date.
    public static func standard(
        for region: RegionCode, programme: Programme, on date: CalendarDate, among standards: [ProgrammeStandard]
    ) -> ProgrammeStandard? {
        standards
            .filter { $0.programme == programme && $0.region.contains(region) && $0.effectiveFrom <= date }
            .max { ($0.region.level, $0.effectiveFrom) < ($1.region.level, $1.effectiveFrom) }
    }
}
