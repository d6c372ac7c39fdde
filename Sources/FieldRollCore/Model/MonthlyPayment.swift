/// A calendar month, written `YYYY-MM` (`2026-12`): what a payment list is for.
public struct CalendarMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1–12.
    public let month: Int

    /// Parses `YYYY-MM`.
    /// - Throws: ``ValidationError`` naming `field` for anything else (`2026-13`, `2026-1`, `12/2026`).
    public init(_ text: String, field: String = "month") throws(ValidationError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
            (1800...2199).contains(y), (1...12).contains(m)
        else {
            throw ValidationError([
                FieldIssue(field: field, reason: "bad-format", message: "\"\(text.prefix(20))\" is not a month written YYYY-MM")
            ])
        }
        year = y
        month = m
    }

    /// The month `day` is in.
    public init(containing day: CalendarDate) {
        year = day.year
        month = day.month
    }

    /// The month `months` later (earlier when negative): `2026-12` + 1 is `2027-01`.
    public func adding(months: Int) -> CalendarMonth {
        let index = year * 12 + (month - 1) + months
        return CalendarMonth(containing: CalendarDate(unchecked: index / 12, index % 12 + 1, 1))
    }

    /// The month's first day.
    public var first: CalendarDate { CalendarDate(unchecked: year, month, 1) }
    /// How many days it has.
    public var days: Int { CalendarDate.daysIn(month: month, year: year) }
    /// Its last day.
    public var last: CalendarDate { CalendarDate(unchecked: year, month, days) }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A day from which an enrolment's status holds: enrolled from its start, suspended, resumed
/// (enrolled again), terminated — what the payment of a month is prorated by.
public struct StatusChange: Hashable, Codable, Sendable {
    /// The first day the status holds.
    public var day: CalendarDate
    /// The status from that day on.
    public var status: EnrolmentStatus

    /// Makes a status change: `status` holds from `day`.
    public init(day: CalendarDate, status: EnrolmentStatus) {
        self.day = day
        self.status = status
    }
}

/// What one enrolment is paid for one calendar month, and why, day by day.
///
/// Each day of the month counts the monthly amount in force that day (by the amount history;
/// before its first change, the amount that change replaced; without any history, the
/// enrolment's own amount, as for an imported one) if the enrolment is `enrolled` that day, and nothing before its start, while suspended or after
/// termination. The month's payment is `Σ amount of each paid day ÷ days in the month`, rounded
/// half up to the fen once. Worked: 660.00 a month, suspended from the 16th of a 30-day month →
/// 66,000 × 15 ÷ 30 = 33,000 fen = **330.00**.
public struct MonthlyPayment: Hashable, Codable, Sendable {
    /// The enrolment paid.
    public var enrolmentID: EnrolmentID
    /// The enrolled household.
    public var householdID: HouseholdID
    /// The enrolment's region.
    public var region: RegionCode
    /// The enrolment's programme.
    public var programme: Programme
    /// The household's head, in full (the payment list is the office's, not a notice).
    public var headName: String
    /// The month paid for.
    public var month: CalendarMonth
    /// What is due for the month.
    public var amount: Fen
    /// The month cut where the amount or the status changes.
    public var periods: [Period]
    /// The sum in words: `2026-12-01..2026-12-15 enrolled 660.00 × 15; 2026-12-16..2026-12-30 suspended from 2026-12-16; ÷ 30 = 330.00`.
    public var reason: String

    /// Consecutive days of the month with one amount and one status.
    public struct Period: Hashable, Codable, Sendable {
        /// The period's first day.
        public var from: CalendarDate
        /// The period's last day.
        public var through: CalendarDate
        /// How many days the period has.
        public var days: Int
        /// The status those days (nil before the enrolment's start).
        public var status: EnrolmentStatus?
        /// The day that status began.
        public var statusSince: CalendarDate?
        /// The monthly amount in force those days (0 before any), and from when.
        public var monthlyAmount: Fen
        /// The day that amount took effect; nil when no amount change is on record.
        public var amountSince: CalendarDate?
        /// Why the amount is what it is (`standard`, `visit`, `approval`), when known.
        public var cause: AmountChange.Cause?
        /// Whether these days are paid (enrolled, with an amount).
        public var paid: Bool
    }

    /// Computes the payment of `month` for an enrolment from its amount history and the days its
    /// status changed (in any order; two on one day: the later in the list counts). Status
    /// entries of the history (``AmountChange/Cause/changesAmount`` false) are not amounts: the
    /// days come from `statuses`.
    public init(
        enrolment: Enrolment, headName: String, month: CalendarMonth, history all: [AmountChange], statuses: [StatusChange]
    ) {
        let history = all.filter(\.cause.changesAmount)
        enrolmentID = enrolment.id
        householdID = enrolment.householdID
        region = enrolment.region
        programme = enrolment.programme
        self.headName = headName
        self.month = month
        let ordered = statuses.enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map(\.element)
        let earliest = history.min { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
        var periods: [Period] = []
        var sum: Int64 = 0
        for offset in 0..<month.days {
            let day = month.first.adding(days: offset)
            let status = ordered.last { $0.day <= day }
            let change = history.filter { $0.effectiveFrom <= day }.max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
            // Before the first change on record: what it changed from (0 before an approval; an
            // imported amount before its first recomputation); with no history, the enrolment's own.
            let monthly = change?.amount ?? (earliest?.previous ?? enrolment.monthlyAmount)
            let paid = status?.status == .enrolled && monthly > .zero
            if paid { sum += monthly.rawValue }
            if var last = periods.last, last.status == status?.status, last.statusSince == status?.day, last.monthlyAmount == monthly,
                last.amountSince == change?.effectiveFrom
            {
                last.through = day
                last.days += 1
                periods[periods.count - 1] = last
            } else {
                periods.append(
                    Period(
                        from: day, through: day, days: 1, status: status?.status, statusSince: status?.day, monthlyAmount: monthly,
                        amountSince: change?.effectiveFrom, cause: change?.cause, paid: paid))
            }
        }
        let d = Int64(month.days)
        let total = Fen((2 * sum + d) / (2 * d))
        amount = total
        self.periods = periods
        reason =
            periods.map { p in
                let span = p.from == p.through ? "\(p.from)" : "\(p.from)..\(p.through)"
                guard let status = p.status else { return "\(span) not yet enrolled" }
                if p.paid {
                    let from = p.amountSince.map { " (from \($0)\(p.cause.map { ", \($0.rawValue)" } ?? ""))" } ?? ""
                    return "\(span) enrolled \(p.monthlyAmount)\(from) × \(p.days)"
                }
                if status == .enrolled { return "\(span) enrolled, amount 0" }
                return "\(span) \(status.rawValue)\(p.statusSince.map { " from \($0)" } ?? "")"
            }.joined(separator: "; ") + "; ÷ \(month.days) = \(total)"
    }
}
