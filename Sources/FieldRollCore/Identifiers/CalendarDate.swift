/// A day in the proleptic Gregorian calendar, written `YYYY-MM-DD` on the wire.
///
/// Birth dates and benefit start dates are days, not instants: no time zone can shift them.
public struct CalendarDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The year, 1800–2200.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// - Throws: ``ValidationError`` for a day that does not exist (2023-02-29) or a year
    ///   outside 1800–2200.
    public init(year: Int, month: Int, day: Int, field: String = "date") throws(ValidationError) {
        guard (1800...2200).contains(year), (1...12).contains(month),
            day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
        else {
            let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
            throw ValidationError([FieldIssue(field: field, reason: "bad-date", message: "\(text) is not a real date")])
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(_ text: String, field: String = "date") throws(ValidationError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else {
            throw ValidationError([
                FieldIssue(field: field, reason: "bad-format", message: "\"\(text.prefix(20))\" is not a YYYY-MM-DD date")
            ])
        }
        // The date is named as it was typed (2026-02-30), not as the parts read back.
        guard (1800...2200).contains(y), (1...12).contains(m), d >= 1, d <= CalendarDate.daysIn(month: m, year: y) else {
            throw ValidationError([FieldIssue(field: field, reason: "bad-date", message: "\(text) is not a real date")])
        }
        try self.init(year: y, month: m, day: d, field: field)
    }

    init(unchecked y: Int, _ m: Int, _ d: Int) {
        year = y
        month = m
        day = d
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whole years from this date to `date`, as an age is counted.
    public func years(until date: CalendarDate) -> Int {
        var age = date.year - year
        if (date.month, date.day) < (month, day) { age -= 1 }
        return age
    }

    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(y)-\(m)-\(d)"
    }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

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
