/// The review chains one server runs: a chain for each county that sets its own, a default for
/// the rest, and the public holidays that deadlines skip.
///
/// A city's server holds several counties (districts); some delegate approval to the township
/// (one-level approval), some give a step more working days. The chain that decides for an
/// application is its county's: ``chain(for:)``.
///
/// Settings (`docs/review.md`):
///
/// ```
/// FIELDROLL_REVIEW_CHAIN=two-level,notice=7,village-survey=15,township-review=20,county-approval=20
/// FIELDROLL_REVIEW_COUNTIES=139902:one-level,notice=5;139903:township-review=25
/// FIELDROLL_HOLIDAYS=2027-01-01,2027-02-16..2027-02-22
/// FIELDROLL_WORKDAYS=2027-02-14,2027-02-27
/// ```
public struct ReviewChains: Hashable, Sendable {
    /// The chain of every county not named in ``counties``.
    public var fallback: ReviewChain
    /// Chains of the counties that set their own, by county code (`139902000000`).
    public var counties: [RegionCode: ReviewChain]
    /// Days that are not working days although they fall Monday to Friday.
    public var holidays: Set<CalendarDate>
    /// Make-up working days (调休): Saturdays or Sundays that are working days, as the State
    /// Council's holiday notice moves them each year.
    public var workdays: Set<CalendarDate> = []

    /// Every county on ``ReviewChain/standard``, no holidays.
    public static let standard = ReviewChains()

    /// Makes the chains from a fallback, the counties' own chains and the holidays; a region given in
    /// `counties` is reduced to its county. No make-up working days.
    public init(fallback: ReviewChain = .standard, counties: [RegionCode: ReviewChain] = [:], holidays: Set<CalendarDate> = []) {
        self.fallback = fallback
        self.counties = Dictionary(uniqueKeysWithValues: counties.map { ($0.key.ancestor(at: .county), $0.value) })
        self.holidays = holidays
    }

    /// The chain that decides for an application in `region`: its county's, else the fallback.
    public func chain(for region: RegionCode) -> ReviewChain {
        counties[region.ancestor(at: .county)] ?? fallback
    }

    /// Whether `role` may decide at `step` in any county's chain: a request that fails this is
    /// refused before the application is even looked up.
    public func mayAnywhere(_ role: Role, actAt step: ReviewStep) -> Bool {
        ([fallback] + counties.values).contains { $0.may(role, actAt: step) }
    }

    /// The settings read by ``init(settings:)``, in the order the documentation lists them.
    public static let settingNames = ["FIELDROLL_REVIEW_CHAIN", "FIELDROLL_REVIEW_COUNTIES", "FIELDROLL_HOLIDAYS", "FIELDROLL_WORKDAYS"]

    /// Reads `FIELDROLL_REVIEW_CHAIN`, `FIELDROLL_REVIEW_COUNTIES` and `FIELDROLL_HOLIDAYS`
    /// through `value`; a setting that is absent keeps its default.
    /// - Throws: ``ReviewSettingError`` (`invalid-configuration`) naming the setting and what is wrong.
    public init(settings value: (String) -> String?) throws(ReviewSettingError) {
        var fallback = ReviewChain.standard
        if let text = value("FIELDROLL_REVIEW_CHAIN") {
            fallback = try Self.chain(text, over: .standard, setting: "FIELDROLL_REVIEW_CHAIN")
        }
        var counties: [RegionCode: ReviewChain] = [:]
        if let text = value("FIELDROLL_REVIEW_COUNTIES") {
            for entry in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
                let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let county = Self.county(parts[0]) else {
                    throw ReviewSettingError(
                        message:
                            "FIELDROLL_REVIEW_COUNTIES: \"\(entry.prefix(40))\" must be COUNTY:SETTINGS with a 6-digit county code, e.g. 139902:one-level"
                    )
                }
                guard counties[county] == nil else {
                    throw ReviewSettingError(message: "FIELDROLL_REVIEW_COUNTIES names county \(parts[0]) twice")
                }
                counties[county] = try Self.chain(parts[1], over: fallback, setting: "FIELDROLL_REVIEW_COUNTIES (\(parts[0]))")
            }
        }
        var holidays: Set<CalendarDate> = []
        if let text = value("FIELDROLL_HOLIDAYS") {
            for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                holidays.formUnion(try Self.days(item, setting: "FIELDROLL_HOLIDAYS"))
            }
        }
        var workdays: Set<CalendarDate> = []
        if let text = value("FIELDROLL_WORKDAYS") {
            for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                workdays.formUnion(try Self.days(item, setting: "FIELDROLL_WORKDAYS"))
            }
        }
        if let both = workdays.intersection(holidays).min() {
            throw ReviewSettingError(message: "FIELDROLL_WORKDAYS: \(both) is also in FIELDROLL_HOLIDAYS; a day is one or the other")
        }
        self.init(fallback: fallback, counties: counties, holidays: holidays)
        self.workdays = workdays
    }

    /// A county code from `139902` or `139902000000`; nil when it is neither.
    private static func county(_ text: String) -> RegionCode? {
        let digits = text.count == 6 ? text + "000000" : text
        guard let code = try? RegionCode(digits), code.level == .county else { return nil }
        return code
    }

    /// `base` with the items of `spec` applied: `one-level`, `two-level`, `notice=DAYS`, `STEP=DAYS`.
    private static func chain(_ spec: String, over base: ReviewChain, setting: String) throws(ReviewSettingError) -> ReviewChain {
        var townshipApproves = base.townshipApproves
        var noticeDays = base.noticeDays
        var deadlines = base.deadlines
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            switch item {
            case "one-level": townshipApproves = true
            case "two-level": townshipApproves = false
            default:
                let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, let days = Int(pair[1]) else {
                    throw ReviewSettingError(
                        message:
                            "\(setting): \"\(item.prefix(40))\" must be one-level, two-level, notice=DAYS or STEP=DAYS (village-survey, township-review, county-approval)"
                    )
                }
                if pair[0] == "notice" {
                    noticeDays = days
                } else if let step = ReviewStep(rawValue: pair[0]), [.villageSurvey, .townshipReview, .countyApproval].contains(step) {
                    deadlines[step] = days
                } else {
                    throw ReviewSettingError(
                        message: "\(setting): unknown step \"\(pair[0].prefix(40))\" (village-survey, township-review, county-approval)")
                }
            }
        }
        do {
            return try ReviewChain(townshipApproves: townshipApproves, noticeDays: noticeDays, deadlines: deadlines)
        } catch {
            throw ReviewSettingError(message: "\(setting): \(error.message)")
        }
    }

    /// One day, or every day of `FROM..TO` (at most a year).
    private static func days(_ item: String, setting: String) throws(ReviewSettingError) -> [CalendarDate] {
        let ends = item.components(separatedBy: "..")
        guard ends.count <= 2, let first = try? CalendarDate(ends[0]), let last = try? CalendarDate(ends[ends.count - 1]),
            first <= last, first.days(until: last) <= 366
        else {
            throw ReviewSettingError(
                message: "\(setting): \"\(item.prefix(40))\" must be a day (2027-01-01) or a range of days (2027-02-16..2027-02-22)"
            )
        }
        return (0...first.days(until: last)).map { first.adding(days: $0) }
    }
}

/// A review chain setting that cannot be read.
public struct ReviewSettingError: FieldRollError {
    public var code: ErrorCode { .invalidConfiguration }
    public var message: String
}
