/// A change of an enrolment's monthly amount, with its reason: the roll's amount history.
///
/// Immutable, written by the server in the same transaction as the enrolment's new
/// `monthlyAmount`: when the county approves (the first amount), when a new standard reaches the
/// enrolment, or when a newer survey visit changes its income. It keeps the figures the amount
/// came from (``computation``), so anyone can redo the sum.
///
/// The history also records the days payment stops and starts again — a suspension, a
/// resumption, a termination at roll review — as entries whose cause says so
/// (``Cause/changesAmount`` is false): the monthly amount they name is the one in force that
/// day (``previous`` equals ``amount``), unchanged; whether a day is paid is the status's. The
/// amount in force on a day is looked up among the other entries only.
public struct AmountChange: Codable, Sendable, Hashable {
    /// Why the amount changed.
    public enum Cause: String, Codable, Sendable, CaseIterable {
        /// The first amount, computed when the application is approved (it goes on notice).
        case approval
        /// A new standard for the enrolment's area and programme.
        case standard
        /// A newer survey visit of the household (its income or size changed).
        case visit
        /// Suspended at roll review: not paid from ``effectiveFrom``.
        case suspension
        /// Resumed at roll review: paid again from ``effectiveFrom``.
        case resumption
        /// Terminated at roll review: the benefit ends on ``effectiveFrom``.
        case termination

        /// Whether an entry of this cause sets the monthly amount (approval, standard, visit),
        /// rather than recording a day payment stopped or started again.
        public var changesAmount: Bool {
            switch self {
            case .approval, .standard, .visit: true
            case .suspension, .resumption, .termination: false
            }
        }
    }

    /// The entry's id.
    public var id: AmountChangeID
    /// The enrolment whose amount this is.
    public var enrolmentID: EnrolmentID
    /// The enrolled household.
    public var householdID: HouseholdID
    public var region: RegionCode
    /// The enrolment's programme.
    public var programme: Programme
    /// The amount before (0 for the first).
    public var previous: Fen
    /// The amount from ``effectiveFrom`` on.
    public var amount: Fen
    /// The first day the change applies to.
    public var effectiveFrom: CalendarDate
    /// Why the amount changed, or why payment stopped or started again.
    public var cause: Cause
    /// For people: `standard 2027-01-01 rural-dibao 139901000000: 780.00 → 820.00 yuan/person`.
    public var reason: String
    /// The standard used, and the survey visit the income came from (for a status entry, those
    /// of the amount in force; nil when none is on record, as for an imported enrolment).
    public var standard: StandardID?
    /// The survey visit the income came from (see ``standard``); nil when none is on record.
    public var visit: VisitID?
    /// The figures the amount came from; nil when none are on record, as for an imported enrolment.
    public var computation: BenefitComputation?
    /// When the server recorded the change.
    public var at: Instant

    /// Makes an entry of the amount history; a new random id by default.
    public init(
        id: AmountChangeID = AmountChangeID(), enrolmentID: EnrolmentID, householdID: HouseholdID, region: RegionCode,
        programme: Programme, previous: Fen, amount: Fen, effectiveFrom: CalendarDate, cause: Cause, reason: String,
        standard: StandardID?, visit: VisitID?, computation: BenefitComputation?, at: Instant
    ) {
        self.id = id
        self.enrolmentID = enrolmentID
        self.householdID = householdID
        self.region = region
        self.programme = programme
        self.previous = previous
        self.amount = amount
        self.effectiveFrom = effectiveFrom
        self.cause = cause
        self.reason = reason
        self.standard = standard
        self.visit = visit
        self.computation = computation
        self.at = at
    }

    public func validate() -> [FieldIssue] {
        var c = IssueCollector()
        c.text("reason", reason, max: 1000)
        if previous < .zero || amount < .zero { c.add("amount", "out-of-range", "amounts are never negative") }
        return c.issues
    }
}

/// The household's monthly income as a survey visit records it.
///
/// Income answers are the visit's answers whose key starts with `income.` (`income.wages`,
/// `income.pension`, …), each a whole number of fen a month; the total is their sum. An
/// `income.` answer that is not a non-negative whole number (text, a fraction) is not an amount:
/// it is left out and named in ``ignored``, so the amount's reason can say so.
public struct SurveyIncome: Hashable, Sendable {
    /// The sum of the income answers that are amounts, in fen a month.
    public var total: Fen
    /// Income answers that are not amounts in fen, by key, sorted.
    public var ignored: [String]

    /// Reads the income from a visit's survey answers.
    public init(answers: [String: JSONValue]) {
        var total = Fen.zero
        var ignored: [String] = []
        for (key, value) in answers where key.hasPrefix("income.") {
            if case .int(let fen) = value, fen >= 0 { total = total + Fen(fen) } else { ignored.append(key) }
        }
        self.total = total
        self.ignored = ignored.sorted()
    }
}

extension Visit {
    /// The household's monthly income this survey records (see ``SurveyIncome``).
    public var income: SurveyIncome { SurveyIncome(answers: answers) }

    /// The visit that stands for a household: the latest by end time (then id) among those no
    /// other visit in `visits` supersedes. Nil when there are none.
    public static func latest(of visits: [Visit]) -> Visit? {
        let superseded = Set(visits.compactMap(\.supersedes))
        return visits.filter { !superseded.contains($0.id) }.max { ($0.endedAt, $0.id) < ($1.endedAt, $1.id) }
    }
}

extension BenefitCalculator {
    /// What is due for one calendar month by an enrolment's amount history, when the amount
    /// changes during the month (a standard that takes effect on the 15th): each amount counts
    /// for the days of the month it is in force, `Σ amount × days ÷ days in the month`, rounded
    /// half up to the fen once. Days before the first change count nothing.
    ///
    /// Worked: 1,560.00 yuan for 1–14 January and 1,680.00 from the 15th:
    /// (156,000 × 14 + 168,000 × 17) ÷ 31 = 5,040,000 ÷ 31 = 162,580.6… → 1,625.81 yuan.
    /// Status entries (``AmountChange/Cause/changesAmount`` false) are not amounts and are passed over.
    public static func payment(year: Int, month: Int, history: [AmountChange]) -> Fen {
        let days = CalendarDate.daysIn(month: month, year: year)
        let first = CalendarDate(unchecked: year, month, 1)
        var sum: Int64 = 0
        for day in 0..<days {
            let date = first.adding(days: day)
            sum += BenefitCalculator.amount(on: date, in: history)?.rawValue ?? 0
        }
        let d = Int64(days)
        return Fen((2 * sum + d) / (2 * d))
    }

    /// The amount in force on `date` by `history`: the change effective last on or before it
    /// (the later entry when two take effect the same day); nil before any. Status entries are
    /// passed over.
    public static func amount(on date: CalendarDate, in history: [AmountChange]) -> Fen? {
        history.filter { $0.cause.changesAmount && $0.effectiveFrom <= date }.max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }?
            .amount
    }
}
