/// A record kind that replicates field by field (household, member, enrolment).
///
/// The typed struct is a view over a ``RecordState``: ``fieldValues`` gives the wire fields it
/// sets, ``init(id:values:)`` reads it back from merged state and validates it.
public protocol FieldMergedRecord: Codable, Sendable, Hashable, Validatable {
    /// The type of the record's id.
    associatedtype ID: Hashable & Sendable & Codable & CustomStringConvertible
    /// The kind of record.
    static var kind: EntityKind { get }
    /// The wire fields of the kind and their rules.
    static var schema: EntitySchema { get }
    /// The record's id.
    var id: ID { get }
    /// The region the record lives in; what scopes check.
    var region: RegionCode { get }
}

extension FieldMergedRecord {
    /// The wire fields this record sets (absent optionals are omitted, `id` excluded).
    public var fieldValues: [String: JSONValue] {
        get throws {
            var object = try JSONValue(encoding: self).objectValue ?? [:]
            object["id"] = nil
            return object
        }
    }

    /// Reads a record from merged values.
    /// - Throws: ``ValidationError`` listing what is missing or malformed.
    public init(id: ID, values: [String: JSONValue]) throws {
        var object = values
        object["id"] = try JSONValue(encoding: id)
        object[RecordState.deletedField] = nil
        let issues = Self.schema.validate(values: values.filter { $0.key != RecordState.deletedField })
        if !issues.isEmpty { throw ValidationError(issues) }
        self = try JSONValue.object(object).decode(as: Self.self)
    }

    /// Schema checks of every set field; the default `validate()` of field-merged kinds.
    public func schemaIssues() -> [FieldIssue] {
        do { return Self.schema.validate(values: try fieldValues) } catch {
            return [FieldIssue(field: "*", reason: "unencodable", message: "\(error)")]
        }
    }
}
