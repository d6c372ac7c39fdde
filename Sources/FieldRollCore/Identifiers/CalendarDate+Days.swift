extension CalendarDate {
    /// Days since 1970-01-01 (negative before), by the civil-from-days algorithm.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number (see ``dayNumber``).
    public init(dayNumber n: Int) {
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// Days from this date to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }

    /// Saturday or Sunday.
    public var isWeekend: Bool { weekday >= 6 }

    /// The day in China (UTC+8, no daylight saving) at `instant`.
    public init(chinaDayOf instant: Instant) {
        let eightHours: Int64 = 8 * 3_600_000
        let millis = instant.millis + eightHours
        let day = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        self.init(dayNumber: Int(day))
    }

    /// Whether this is a working day: Monday–Friday and not in `holidays`, or a make-up working
    /// day (调休) in `workdays` whatever its weekday.
    public func isWorkingDay(holidays: Set<CalendarDate> = [], workdays: Set<CalendarDate> = []) -> Bool {
        workdays.contains(self) || (!isWeekend && !holidays.contains(self))
    }

    /// Working days (see ``isWorkingDay(holidays:workdays:)``) after this date up to and
    /// including `other`; 0 when `other` is not later.
    public func workingDays(until other: CalendarDate, holidays: Set<CalendarDate> = [], workdays: Set<CalendarDate> = []) -> Int {
        guard other > self else { return 0 }
        var count = 0
        var d = adding(days: 1)
        while d <= other {
            if d.isWorkingDay(holidays: holidays, workdays: workdays) { count += 1 }
            d = d.adding(days: 1)
        }
        return count
    }
}
