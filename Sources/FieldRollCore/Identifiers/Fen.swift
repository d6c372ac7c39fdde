/// An amount of money in fen (1 yuan = 100 fen), as an integer: never floating point.
///
/// On the wire it is a JSON integer of fen. ``description`` prints yuan with two decimals.
public struct Fen: Hashable, Comparable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, AdditiveArithmetic
{
    /// The amount in fen.
    public var rawValue: Int64

    /// Wraps an amount in fen.
    public init(_ fen: Int64) { rawValue = fen }
    public init(integerLiteral value: Int64) { rawValue = value }

    /// Whole yuan.
    public static func yuan(_ y: Int64) -> Fen { Fen(y * 100) }

    /// Parses yuan text such as `420`, `348.5` or `216.05` exactly, without a Double.
    public init(yuan text: String, field: String = "amount") throws(ValidationError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let bad = ValidationError([
            FieldIssue(
                field: field, reason: "bad-format", message: "\"\(text.prefix(20))\" is not an amount in yuan with at most two decimals")
        ])
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), !parts[0].hasPrefix("+") else { throw bad }
        var cents: Int64 = 0
        if parts.count == 2 {
            let frac = parts[1]
            guard (1...2).contains(frac.count), frac.allSatisfy({ $0.isASCII && $0.isNumber }), let f = Int64(frac) else { throw bad }
            cents = frac.count == 1 ? f * 10 : f
        }
        let (scaled, o1) = whole.magnitude.multipliedReportingOverflow(by: 100)
        guard !o1, scaled <= UInt64(Int64.max - 99) else { throw bad }
        let magnitude = Int64(scaled) + cents
        rawValue = text.hasPrefix("-") ? -magnitude : magnitude
    }

    public static var zero: Fen { 0 }
    public static func + (a: Fen, b: Fen) -> Fen { Fen(a.rawValue + b.rawValue) }
    public static func - (a: Fen, b: Fen) -> Fen { Fen(a.rawValue - b.rawValue) }
    /// The amount `n` times over.
    public static func * (a: Fen, n: Int64) -> Fen { Fen(a.rawValue * n) }
    public static func < (a: Fen, b: Fen) -> Bool { a.rawValue < b.rawValue }

    /// Yuan with two decimals, e.g. `420.00`.
    public var description: String {
        let sign = rawValue < 0 ? "-" : ""
        let m = rawValue.magnitude
        let cents = m % 100
        return "\(sign)\(m / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
