/// A 12-digit statistical division code (county 6 + township 3 + village 3).
///
/// Trailing groups of zeros mark a higher level: `130102000000` is a county,
/// `130102003000` a township in it, `130102003201` a village in that township. A region
/// therefore works as a scope: ``contains(_:)`` is a prefix test on the significant digits.
///
/// ```swift
/// let township = try RegionCode("130102003000")
/// township.contains(try RegionCode("130102003201"))  // true
/// ```
public struct RegionCode: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The administrative level a code denotes, from its trailing zero groups.
    public enum Level: Int, Comparable, Codable, Sendable {
        /// A province: 2 significant digits.
        case province = 2
        /// A city (prefecture): 4 significant digits.
        case city = 4
        /// A county or district: 6 significant digits.
        case county = 6
        /// A township or street office: 9 significant digits.
        case township = 9
        /// A village or neighbourhood committee: all 12 digits.
        case village = 12

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// The 12 ASCII digits.
    public let digits: String

    /// Validates and wraps a code.
    /// - Throws: ``ValidationError`` unless `text` is exactly 12 ASCII digits with a non-zero
    ///   province part.
    public init(_ text: String) throws(ValidationError) {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw ValidationError([
                FieldIssue(
                    field: "region", reason: "bad-format",
                    message: "region code must be 12 digits, got \"\(text.prefix(20))\"")
            ])
        }
        guard !text.hasPrefix("00") else {
            throw ValidationError([
                FieldIssue(field: "region", reason: "bad-format", message: "region code \(text) has no province")
            ])
        }
        digits = text
    }

    /// The level, read from the trailing zero groups.
    public var level: Level {
        let d = Array(digits.utf8)
        func zero(_ r: Range<Int>) -> Bool { d[r].allSatisfy { $0 == 48 } }
        if !zero(9..<12) { return .village }
        if !zero(6..<9) { return .township }
        if !zero(4..<6) { return .county }
        if !zero(2..<4) { return .city }
        return .province
    }

    /// The significant prefix: the digits up to this code's level.
    public var prefix: Substring { digits.prefix(level.rawValue) }

    /// Whether `other` is this region or lies inside it.
    public func contains(_ other: RegionCode) -> Bool {
        other.level >= level && other.digits.hasPrefix(prefix)
    }

    /// The lowest and highest 12-digit codes inside this region: a scope as a range query
    /// (`region BETWEEN lowest AND highest`) that an index can serve.
    public var codeRange: (lowest: String, highest: String) {
        let p = String(prefix)
        return (p + String(repeating: "0", count: 12 - p.count), p + String(repeating: "9", count: 12 - p.count))
    }

    /// The enclosing region at `level` (or self when already at or above it).
    public func ancestor(at level: Level) -> RegionCode {
        guard level < self.level else { return self }
        let kept = digits.prefix(level.rawValue)
        // Safe: still 12 digits with the same non-zero province.
        return RegionCode(unchecked: kept + String(repeating: "0", count: 12 - level.rawValue))
    }

    init(unchecked digits: String) { self.digits = digits }

    public var description: String { digits }

    public static func < (a: RegionCode, b: RegionCode) -> Bool { a.digits < b.digits }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(digits)
    }
}
