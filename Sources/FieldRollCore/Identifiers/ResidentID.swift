/// A mainland resident identity number (GB 11643-1999): 18 characters, the last a check digit.
///
/// Layout: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for men,
/// even for women), check character `0`–`9` or `X` computed from the first 17 by ISO 7064
/// MOD 11-2. Validation checks all four, so a mistyped digit is caught on the device before it
/// ever reaches the roll. Sensitive: the device store encrypts it at rest.
public struct ResidentID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The 18 characters, with an uppercase `X`.
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates a number; a lowercase `x` is accepted and stored uppercase.
    public init(_ text: String, field: String = "residentID") throws(ValidationError) {
        let upper = text.uppercased()
        let chars = Array(upper)
        func fail(_ reason: String, _ message: String) -> ValidationError {
            ValidationError([FieldIssue(field: field, reason: reason, message: message)])
        }
        guard chars.count == 18, chars[0..<17].allSatisfy({ $0.isASCII && $0.isNumber }),
            chars[17].isASCII && (chars[17].isNumber || chars[17] == "X")
        else {
            throw fail("bad-format", "a resident ID is 17 digits and a check digit or X")
        }
        let digits = chars[0..<17].compactMap { $0.wholeNumberValue }
        guard let birth = CalendarDate(year: digits[6...9], month: digits[10...11], day: digits[12...13]),
            birth.year >= 1880
        else {
            throw fail("bad-birth-date", "the birth date inside the resident ID is not a real date")
        }
        let expected = Self.checkCharacter(for: digits)
        guard chars[17] == expected else {
            throw fail("bad-check-digit", "check digit is \(chars[17]) but the first 17 digits give \(expected)")
        }
        rawValue = upper
    }

    /// The check character for 17 leading digits.
    public static func checkCharacter(for digits: [Int]) -> Character {
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// The birth date encoded in the number.
    public var birthDate: CalendarDate {
        let d = Array(rawValue).compactMap(\.wholeNumberValue)
        // Validated at init, so this is a real date.
        return CalendarDate(year: d[6...9], month: d[10...11], day: d[12...13]) ?? CalendarDate(unchecked: 1900, 1, 1)
    }

    /// Sex from the sequence digit: odd is male.
    public var sex: Sex {
        let d = Array(rawValue)[16].wholeNumberValue ?? 0
        return d % 2 == 1 ? .male : .female
    }

    /// The number with its 8 birth digits hidden (`110105********002X`), for logs and lists:
    /// ``Disclosure/maskResidentID(_:)``.
    public var masked: String { Disclosure.maskResidentID(rawValue) }

    public var description: String { masked }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

extension CalendarDate {
    fileprivate init?(year: ArraySlice<Int>, month: ArraySlice<Int>, day: ArraySlice<Int>) {
        func number(_ s: ArraySlice<Int>) -> Int { s.reduce(0) { $0 * 10 + $1 } }
        try? self.init(year: number(year), month: number(month), day: number(day))
    }
}
