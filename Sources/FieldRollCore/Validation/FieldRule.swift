/// What one field of a field-merged record may hold, and who may write it.
public struct FieldRule: Sendable {
    /// The value shapes fields take.
    public enum Kind: Sendable {
        /// Text of at most `max` characters, without control characters; required unless nullable.
        case text(max: Int)
        /// A 12-digit region code.
        case region
        /// A valid resident ID number.
        case residentID
        /// A mobile or landline phone number.
        case phone
        /// An integer amount in fen from `min` to `max`.
        case fen(min: Int64, max: Int64)
        /// An integer from `min` to `max`.
        case integer(min: Int64, max: Int64)
        /// A `YYYY-MM-DD` date.
        case date
        /// One of the given wire names.
        case choice([String])
        /// The UUID of another record.
        case reference
        /// `true` or `false`.
        case bool
    }

    /// Who may write a field.
    public enum Writer: Sendable {
        /// Devices and the server may write the field.
        case device
        /// Only the server may write the field; a device's write is refused.
        case server
    }

    /// The shape of the value.
    public var kind: Kind
    /// Who may write the field.
    public var writer: Writer
    /// Encrypted at rest on the device and masked in logs.
    public var sensitive: Bool
    /// Whether `null` is allowed (clearing the field).
    public var nullable: Bool

    /// Makes a rule; by default written by devices, not sensitive, not nullable.
    public init(_ kind: Kind, writer: Writer = .device, sensitive: Bool = false, nullable: Bool = false) {
        self.kind = kind
        self.writer = writer
        self.sensitive = sensitive
        self.nullable = nullable
    }

    /// Checks one value; nil when it fits.
    public func check(_ value: JSONValue, field: String) -> FieldIssue? {
        func issue(_ reason: String, _ message: String) -> FieldIssue { FieldIssue(field: field, reason: reason, message: message) }
        if value == .null { return nullable ? nil : issue("required", "may not be null") }
        func typeIssue(_ want: String) -> FieldIssue { issue("wrong-type", "must be \(want), got \(value.typeName)") }
        switch kind {
        case .text(let max):
            guard let s = value.stringValue else { return typeIssue("a string") }
            var c = IssueCollector()
            c.text(field, s, max: max, required: !nullable)
            return c.issues.first
        case .region:
            guard let s = value.stringValue else { return typeIssue("a 12-digit region code") }
            do { _ = try RegionCode(s) } catch { return issue("bad-format", error.issues.first?.message ?? "bad region code") }
        case .residentID:
            guard let s = value.stringValue else { return typeIssue("a resident ID string") }
            do { _ = try ResidentID(s, field: field) } catch { return error.issues.first }
        case .phone:
            guard let s = value.stringValue else { return typeIssue("a phone number string") }
            do { _ = try PhoneNumber(s, field: field) } catch { return error.issues.first }
        case .fen(let lo, let hi):
            guard let n = value.intValue else { return typeIssue("an integer amount in fen") }
            if n < lo || n > hi { return issue("out-of-range", "must be between \(Fen(lo)) and \(Fen(hi)) yuan, got \(Fen(n))") }
        case .integer(let lo, let hi):
            guard let n = value.intValue else { return typeIssue("an integer") }
            if n < lo || n > hi { return issue("out-of-range", "must be between \(lo) and \(hi), got \(n)") }
        case .date:
            guard let s = value.stringValue else { return typeIssue("a YYYY-MM-DD date") }
            do { _ = try CalendarDate(s, field: field) } catch { return error.issues.first }
        case .choice(let options):
            guard let s = value.stringValue else { return typeIssue("one of \(options.joined(separator: ", "))") }
            if !options.contains(s) { return issue("not-a-choice", "\"\(s.prefix(40))\" is not one of \(options.joined(separator: ", "))") }
        case .reference:
            guard let s = value.stringValue else { return typeIssue("a UUID") }
            do { _ = try Identifier<Never>(s, field: field) } catch { return error.issues.first }
        case .bool:
            if value.boolValue == nil { return typeIssue("true or false") }
        }
        return nil
    }

    /// The one stored form of a value: a reference is the lowercase UUID (the wire form of
    /// ``Identifier``), so `ABC…` and `abc…` name one record wherever ids are compared as text.
    /// Every other value, and anything ``check(_:field:)`` would refuse, comes back unchanged.
    public func canonical(_ value: JSONValue) -> JSONValue {
        guard case .reference = kind, let text = value.stringValue, let id = try? Identifier<Never>(text) else { return value }
        return .string(id.description)
    }
}
