import Foundation

/// How often a programme's recipients must check in.
public enum CheckInInterval: String, Codable, Sendable, CaseIterable {
    /// Every calendar month.
    case monthly
    /// Every three calendar months.
    case quarterly
    /// Every six calendar months.
    case halfYearly = "half-yearly"
    /// Every twelve calendar months.
    case yearly
    /// No periodic check-in (temporary assistance is paid once).
    case none

    /// Calendar months between check-ins; nil for ``none``.
    public var months: Int? {
        switch self {
        case .monthly: 1
        case .quarterly: 3
        case .halfYearly: 6
        case .yearly: 12
        case .none: nil
        }
    }
}

/// The check-in rules of a central office: how often each programme checks in, how many days of
/// grace follow a due date, and the face-match score below which a person looks at a check-in.
///
/// Pure, and the same on both sides: the server lists who is overdue and suspends by it, and sends
/// it with every pull page (`checkIns`) so a device lists who is due by the very same rule.
///
/// The rule, for an enrolment that is `enrolled`:
/// - the window starts on its *anchor*: the later of the day its current status began
///   (`statusSince`, else `startDate`, else `appliedOn`) and the day (Asia/Shanghai) of the
///   household's last check-in that counts — by any member, not a face match below the threshold;
/// - the check-in is *due* the programme's interval of calendar months after the anchor (the 31st
///   becomes the month's last day when the month is shorter);
/// - it is *overdue* once the grace days after the due date have passed; days overdue count from
///   the due date.
///
/// ```swift
/// let s = CheckInSchedule.standard                  // dibao quarterly, 15 days' grace
/// s.standing(of: enrolment, checkIns: its, asOf: try CalendarDate("2026-05-16"))?.state  // .overdue
/// ```
public struct CheckInSchedule: Hashable, Codable, Sendable {
    /// Each programme's interval; a programme not listed takes `none`.
    public var intervals: [Programme: CheckInInterval]
    /// Calendar days after the due date before a household counts as overdue.
    public var graceDays: Int
    /// Face-match scores (per mille) below this do not count as a check-in and are listed for a
    /// person to look at.
    public var matchThreshold: Int

    /// Urban and rural dibao quarterly, extreme-poverty support monthly, temporary assistance
    /// none; 15 days' grace; face matches below 800‰ go to a person.
    public static let standard = CheckInSchedule(
        intervals: [.urbanDibao: .quarterly, .ruralDibao: .quarterly, .extremePoverty: .monthly, .temporaryAssistance: .none],
        graceDays: 15, matchThreshold: 800)

    /// Makes a schedule from each programme's interval, the grace days and the face-match threshold (per mille).
    public init(intervals: [Programme: CheckInInterval], graceDays: Int, matchThreshold: Int) {
        self.intervals = intervals
        self.graceDays = graceDays
        self.matchThreshold = matchThreshold
    }

    /// The interval of `programme`.
    public func interval(for programme: Programme) -> CheckInInterval { intervals[programme] ?? .none }

    /// Whether a check-in proves presence: every one but a face match scored below the threshold.
    public func counts(_ checkIn: CheckIn) -> Bool { !isLowMatch(checkIn) }

    /// A face match whose score is below the threshold (or missing): a person should look at it.
    public func isLowMatch(_ checkIn: CheckIn) -> Bool {
        guard checkIn.method == .remoteFaceMatch else { return false }
        return (checkIn.matchScore ?? 0) < matchThreshold
    }

    /// Where `enrolment` stands as of `date`, given its household's check-ins (any order, any
    /// member); nil when it is not enrolled or its programme has no check-ins.
    public func standing(of enrolment: Enrolment, checkIns: [CheckIn], asOf date: CalendarDate) -> CheckInStanding? {
        guard enrolment.status == .enrolled, let months = interval(for: enrolment.programme).months else { return nil }
        let last = checkIns.filter { $0.householdID == enrolment.householdID && counts($0) }.max {
            ($0.at.millis, $0.id.description) < ($1.at.millis, $1.id.description)
        }
        let since = enrolment.statusSince ?? enrolment.startDate ?? enrolment.appliedOn
        let lastDay = last.map { CalendarDate(chinaDayOf: $0.at) }
        let anchor = max(since, lastDay ?? since)
        let due = anchor.adding(months: months)
        let graceEnds = due.adding(days: graceDays)
        let state: CheckInStanding.State = date > graceEnds ? .overdue : date >= due ? .due : .upcoming
        return CheckInStanding(
            enrolmentID: enrolment.id, householdID: enrolment.householdID, region: enrolment.region, programme: enrolment.programme,
            interval: interval(for: enrolment.programme), lastCheckIn: last.map(CheckInSummary.init), anchor: anchor, due: due,
            graceEnds: graceEnds, state: state, daysOverdue: max(0, due.days(until: date)))
    }
}

/// Where one enrolment stands with its check-ins on a given day (see ``CheckInSchedule``).
public struct CheckInStanding: Hashable, Codable, Sendable {
    /// Where an enrolment stands in its check-in window.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// The due date is still ahead.
        case upcoming
        /// Due (or past due) but inside the grace days.
        case due
        /// The grace days are over: the window was missed.
        case overdue
    }

    /// The enrolment.
    public var enrolmentID: EnrolmentID
    /// The enrolled household.
    public var householdID: HouseholdID
    /// The household's village (or wherever its enrolment lives).
    public var region: RegionCode
    /// The enrolment's programme.
    public var programme: Programme
    /// The programme's check-in interval.
    public var interval: CheckInInterval
    /// The household's last check-in that counts; nil when there has been none since enrolment.
    public var lastCheckIn: CheckInSummary?
    /// The day the current window started.
    public var anchor: CalendarDate
    /// The day the next check-in is due: the interval after ``anchor``.
    public var due: CalendarDate
    /// The last day of grace; after it the household is overdue.
    public var graceEnds: CalendarDate
    /// Upcoming, due or overdue.
    public var state: State
    /// Days from the due date to the day asked about (0 before it).
    public var daysOverdue: Int
}

/// The parts of a check-in a list shows.
public struct CheckInSummary: Hashable, Codable, Sendable {
    /// The check-in's id.
    public var id: CheckInID
    /// The member who checked in.
    public var memberID: MemberID
    /// When the check-in was taken.
    public var at: Instant
    /// The day in Asia/Shanghai.
    public var day: CalendarDate
    /// How the person checked in.
    public var method: CheckInMethod
    /// The face-match score per mille, if any.
    public var matchScore: Int?

    /// The summary of `c`.
    public init(_ c: CheckIn) {
        id = c.id
        memberID = c.memberID
        at = c.at
        day = CalendarDate(chinaDayOf: c.at)
        method = c.method
        matchScore = c.matchScore
    }
}

extension CheckInSchedule {
    /// The settings that configure the schedule, in the order the documentation lists them.
    public static let settingNames = [
        "FIELDROLL_CHECKIN_URBAN_DIBAO", "FIELDROLL_CHECKIN_RURAL_DIBAO", "FIELDROLL_CHECKIN_EXTREME_POVERTY",
        "FIELDROLL_CHECKIN_TEMPORARY_ASSISTANCE", "FIELDROLL_CHECKIN_GRACE_DAYS", "FIELDROLL_CHECKIN_MATCH_THRESHOLD",
    ]

    /// The setting naming `programme`'s interval (`FIELDROLL_CHECKIN_URBAN_DIBAO`, …).
    public static func settingName(_ programme: Programme) -> String {
        "FIELDROLL_CHECKIN_" + programme.rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The standard schedule with the overrides `value` answers (a setting's text, or nil when
    /// unset).
    /// - Throws: ``CheckInSettingError`` (`invalid-configuration`) naming a bad value.
    public init(settings value: (String) -> String?) throws(CheckInSettingError) {
        self = .standard
        for programme in Programme.allCases {
            let key = Self.settingName(programme)
            guard let text = value(key) else { continue }
            guard let interval = CheckInInterval(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw CheckInSettingError(
                    message: "\(key) must be one of \(CheckInInterval.wireNames.joined(separator: ", ")), not \"\(text.prefix(40))\"")
            }
            intervals[programme] = interval
        }
        func number(_ key: String, _ range: ClosedRange<Int>) throws(CheckInSettingError) -> Int? {
            guard let text = value(key) else { return nil }
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                throw CheckInSettingError(
                    message: "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text.prefix(40))\"")
            }
            return n
        }
        if let n = try number("FIELDROLL_CHECKIN_GRACE_DAYS", 0...365) { graceDays = n }
        if let n = try number("FIELDROLL_CHECKIN_MATCH_THRESHOLD", 0...1000) { matchThreshold = n }
    }
}

/// A `FIELDROLL_CHECKIN_*` setting that cannot be read.
public struct CheckInSettingError: FieldRollError {
    public var code: ErrorCode { .invalidConfiguration }
    public var message: String
}

extension Programme: CodingKeyRepresentable {}

extension CheckInSchedule {
    /// The schedule as a pull page carries it (`checkIns`): `intervals` by programme wire name,
    /// `graceDays`, `matchThreshold`.
    public var json: JSONValue {
        var byName: [String: JSONValue] = [:]
        for (p, i) in intervals { byName[p.rawValue] = .string(i.rawValue) }
        return ["intervals": .object(byName), "graceDays": .int(Int64(graceDays)), "matchThreshold": .int(Int64(matchThreshold))]
    }

    /// Reads ``json``; programmes or intervals this build does not know are left out (a newer
    /// server's), so they fall back to ``CheckInInterval/none``.
    public init(json: JSONValue) throws {
        guard let o = json.objectValue, let grace = o["graceDays"]?.intValue, let threshold = o["matchThreshold"]?.intValue,
            let names = o["intervals"]?.objectValue
        else {
            throw ValidationError([
                FieldIssue(
                    field: "checkIns", reason: "bad-format", message: "a check-in schedule has intervals, graceDays and matchThreshold")
            ])
        }
        var intervals: [Programme: CheckInInterval] = [:]
        for (name, value) in names {
            if let p = Programme(rawValue: name), let i = value.stringValue.flatMap(CheckInInterval.init(rawValue:)) { intervals[p] = i }
        }
        self.init(intervals: intervals, graceDays: Int(grace), matchThreshold: Int(threshold))
    }
}

extension CalendarDate {
    /// `months` calendar months later; a day the target month lacks becomes its last day
    /// (2026-01-31 plus one month is 2026-02-28).
    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let (y, m) = (total / 12, total % 12 + 1)
        return CalendarDate(unchecked: y, m, Swift.min(day, CalendarDate.daysIn(month: m, year: y)))
    }
}
