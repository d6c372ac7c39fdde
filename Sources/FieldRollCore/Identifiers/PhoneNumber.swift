/// A contact phone number: a mainland mobile (11 digits starting with 1) or a landline
/// (area code and number, 7–12 digits, optionally with one hyphen). Sensitive: the device store
/// encrypts it at rest.
public struct PhoneNumber: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The number as entered, without spaces.
    public let rawValue: String

    /// Validates a number and removes its spaces.
    /// - Throws: ``ValidationError`` (reported under `field`) unless `text` is an 11-digit mobile number or a landline with area code.
    public init(_ text: String, field: String = "phone") throws(ValidationError) {
        let compact = text.filter { $0 != " " }
        let digits = compact.filter { $0 != "-" }
        let isDigits = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        let hyphens = compact.count - digits.count
        let mobile = isDigits && hyphens == 0 && digits.count == 11 && digits.first == "1"
        let landline = isDigits && hyphens <= 1 && digits.first == "0" && (10...12).contains(digits.count)
        guard mobile || landline else {
            throw ValidationError([
                FieldIssue(
                    field: field, reason: "bad-format",
                    message: "\"\(text.prefix(20))\" is not an 11-digit mobile or a landline with area code")
            ])
        }
        rawValue = compact
    }

    /// All but the last four digits hidden.
    public var masked: String { String(repeating: "*", count: max(0, rawValue.count - 4)) + rawValue.suffix(4) }

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
