/// The replicated state of one mutable record: every field with the stamp that set it.
///
/// Deletion is the field ``deletedField`` set to `true` (and undeletion a later write of
/// `false`), so it merges like any other field. ``merged(with:)`` is commutative, associative
/// and idempotent: replicas that have seen the same writes hold the same state whatever order
/// the writes arrived in.
public struct RecordState: Hashable, Codable, Sendable {
    /// The reserved field that marks a record deleted.
    public static let deletedField = "_deleted"

    /// Every field by wire name, with the version that currently holds it.
    public var fields: [String: StampedValue]

    /// Makes a state from stamped fields; by default an empty one.
    public init(fields: [String: StampedValue] = [:]) { self.fields = fields }

    /// The field-wise winner of `self` and `other`.
    public func merged(with other: RecordState) -> RecordState {
        var out = self
        out.merge(other)
        return out
    }

    /// Merges `other` into this state, field by field.
    public mutating func merge(_ other: RecordState) {
        for (name, theirs) in other.fields {
            if let mine = fields[name], !theirs.wins(over: mine) { continue }
            fields[name] = theirs
        }
    }

    /// Whether the record is currently deleted.
    public var isDeleted: Bool { fields[Self.deletedField]?.value == .bool(true) }

    /// The current values without stamps (deletion marker excluded).
    public var values: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (k, v) in fields where k != Self.deletedField { out[k] = v.value }
        return out
    }

    /// The greatest stamp of any field: when the record last changed.
    public var lastStamp: HLCTimestamp? { fields.values.map(\.stamp).max() }
}

extension RecordState {
    /// The JSON form, built directly (the same JSON as the `Codable` encoding).
    public var json: JSONValue {
        var out: [String: JSONValue] = [:]
        out.reserveCapacity(fields.count)
        for (name, f) in fields {
            var o: [String: JSONValue] = ["value": f.value, "stamp": .string(f.stamp.description)]
            if let base = f.base { o["base"] = .string(base.description) }
            out[name] = .object(o)
        }
        return ["fields": .object(out)]
    }

    /// Reads a state from its parsed JSON form directly (`{"fields": {name: {"value", "stamp",
    /// "base"?}}}`), much faster than a round trip through `JSONDecoder`.
    /// - Throws: ``ValidationError`` when the shape or a stamp is wrong.
    public init(json: JSONValue) throws(ValidationError) {
        guard let fields = json.objectValue?["fields"]?.objectValue else {
            throw ValidationError([FieldIssue(field: "fields", reason: "bad-format", message: "a record state is {\"fields\": {…}}")])
        }
        var out: [String: StampedValue] = [:]
        out.reserveCapacity(fields.count)
        for (name, entry) in fields {
            guard let o = entry.objectValue, let value = o["value"], let stampText = o["stamp"]?.stringValue else {
                throw ValidationError([FieldIssue(field: name, reason: "bad-format", message: "a field carries value and stamp")])
            }
            let base: HLCTimestamp? = try o["base"]?.stringValue.map { t throws(ValidationError) in try HLCTimestamp(t) }
            out[name] = StampedValue(value: value, stamp: try HLCTimestamp(stampText), base: base)
        }
        self.init(fields: out)
    }
}
