/// A benefit standard as the central office records it: a ``ProgrammeStandard`` with who set
/// it and when. Immutable and written by the server only (`fieldroll-server standard add`).
///
/// A later record for the same area, programme and effective date replaces an earlier one (the
/// one entered last counts): that is how a mistyped standard is corrected, with both on record.
public struct BenefitStandard: Codable, Sendable, Hashable {
    /// The record's id.
    public var id: StandardID
    /// The area: a county, township or village code. The most specific area wins.
    public var region: RegionCode
    /// The programme the standard is for.
    public var programme: Programme
    /// Monthly standard per person, in fen.
    public var monthlyPerCapita: Fen
    /// The first day the standard applies.
    public var effectiveFrom: CalendarDate
    /// Who set it (the office's name for the decision, in the audit log too).
    public var setBy: String
    /// When the office recorded it.
    public var at: Instant

    /// Makes a standard record; a new random id by default.
    public init(
        id: StandardID = StandardID(), region: RegionCode, programme: Programme, monthlyPerCapita: Fen, effectiveFrom: CalendarDate,
        setBy: String, at: Instant
    ) {
        self.id = id
        self.region = region
        self.programme = programme
        self.monthlyPerCapita = monthlyPerCapita
        self.effectiveFrom = effectiveFrom
        self.setBy = setBy
        self.at = at
    }

    /// The standard as the calculator uses it.
    public var standard: ProgrammeStandard {
        ProgrammeStandard(region: region, programme: programme, monthlyPerCapita: monthlyPerCapita, effectiveFrom: effectiveFrom)
    }

    /// At most 100,000 yuan a person a month: a larger figure is a typing error.
    public static let maxPerCapita = Fen.yuan(100_000)

    /// `2027-01-01 rural-dibao 139901000000 820.00 yuan/person`.
    public var summary: String { "\(effectiveFrom) \(programme.rawValue) \(region) \(monthlyPerCapita) yuan/person" }

    public func validate() -> [FieldIssue] {
        var c = IssueCollector()
        c.text("setBy", setBy, max: 40)
        if monthlyPerCapita <= .zero || monthlyPerCapita > Self.maxPerCapita {
            c.add("monthlyPerCapita", "out-of-range", "a standard is 0.01–\(Self.maxPerCapita) yuan a person, not \(monthlyPerCapita)")
        }
        return c.issues
    }

    /// Which of two records for the same area, programme and date counts: the later entry.
    static func entered(before a: BenefitStandard, _ b: BenefitStandard) -> Bool { (a.at, a.id) < (b.at, b.id) }
}

extension BenefitCalculator {
    /// The standard record in force for `region` and `programme` on `date`: the most specific
    /// area, then the latest effective date, then the record entered last.
    public static func standard(
        for region: RegionCode, programme: Programme, on date: CalendarDate, among records: [BenefitStandard]
    ) -> BenefitStandard? {
        records
            .filter { $0.programme == programme && $0.region.contains(region) && $0.effectiveFrom <= date }
            .max { a, b in
                if (a.region.level, a.effectiveFrom) != (b.region.level, b.effectiveFrom) {
                    return (a.region.level, a.effectiveFrom) < (b.region.level, b.effectiveFrom)
                }
                return BenefitStandard.entered(before: a, b)
            }
    }

    /// The amount a household of `size` with `income` gets under `perCapita`, by `rule`.
    ///
    /// Worked: 820.00 yuan × 3 people − 1,000.50 yuan income = 2,460.00 − 1,000.50 = 1,459.50 yuan.
    public static func compute(perCapita: Fen, size: Int, income: Fen, rule: BenefitRule) -> BenefitComputation {
        let gap = size > 0 ? perCapita * Int64(size) - income : .zero
        return BenefitComputation(perCapitaStandard: perCapita, size: size, income: income, gap: gap, amount: rule.amount(gap: gap))
    }
}
