/// A moment in UTC with millisecond precision, written `2026-11-23T08:10:24.123Z` on the wire.
///
/// Kept as integer milliseconds so it encodes identically on every replica (a `Date` passes
/// through floating point) and so canonical JSON, and therefore signatures, are stable.
public struct Instant: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millis: Int64

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z.
    public init(millis: Int64) { self.millis = millis }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.mmm]Z`.
    public init(_ text: String, field: String = "time") throws(ValidationError) {
        let bad = ValidationError([
            FieldIssue(field: field, reason: "bad-format", message: "\"\(text.prefix(40))\" is not a UTC time like 2026-11-23T08:10:24Z")
        ])
        let u = Array(text.utf8)
        guard u.count == 20 || u.count == 24, u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58, u.last == 90 else { throw bad }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for b in u[r] {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        var ms = 0
        if u.count == 24 {
            guard u[19] == 46, let m = num(20..<23) else { throw bad }
            ms = m
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16),
            let s = num(17..<19),
            h < 24, mi < 60, s < 60
        else { throw bad }
        let date: CalendarDate
        do { date = try CalendarDate(year: y, month: mo, day: d, field: field) } catch { throw bad }
        let days = Int64(Self.daysFromCivil(date.year, date.month, date.day))
        millis = ((days * 24 + Int64(h)) * 60 + Int64(mi)) * 60_000 + Int64(s) * 1000 + Int64(ms)
    }

    /// Midnight UTC at the start of `date`.
    public init(startOf date: CalendarDate) {
        millis = Int64(Self.daysFromCivil(date.year, date.month, date.day)) * 86_400_000
    }

    /// The calendar day (UTC) of this instant.
    public var date: CalendarDate {
        let days = floorDiv(millis, 86_400_000)
        let (y, m, d) = Self.civilFromDays(days)
        return CalendarDate(unchecked: y, m, d)
    }

    public var description: String {
        let days = floorDiv(millis, 86_400_000)
        let msOfDay = millis - days * 86_400_000
        let (y, m, d) = Self.civilFromDays(days)
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return
            "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    public static func < (a: Self, b: Self) -> Bool { a.millis < b.millis }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    // Howard Hinnant's days-from-civil algorithms.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
        let z = Int(z0) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

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
