/// The fields of a field-merged record kind: their rules, which are required, who writes them.
///
/// Both sides check writes against the same schema, so a device never queues a change the
/// server would refuse for its shape.
public struct EntitySchema: Sendable {
    /// The record kind the schema is for.
    public let kind: EntityKind
    /// Every field's rule by wire name, the deletion field ``RecordState/deletedField`` included.
    public let fields: [String: FieldRule]
    /// Fields a record must have once created.
    public let required: Set<String>

    /// Makes a schema; the deletion field is added by itself, written by the server only for enrolments.
    public init(kind: EntityKind, fields: [String: FieldRule], required: Set<String>) {
        var all = fields
        all[RecordState.deletedField] = FieldRule(.bool, writer: kind == .enrolment ? .server : .device)
        self.kind = kind
        self.fields = all
        self.required = required
    }

    /// Names of the fields encrypted at rest on the device.
    public var sensitiveFields: Set<String> { Set(fields.filter { $0.value.sensitive }.keys) }

    /// Checks one write: known field, right shape, and a writer allowed to write it.
    /// - Parameters:
    ///   - field: the field's name.
    ///   - value: the value written.
    ///   - byServer: true when the server itself is writing.
    /// - Returns: an error with a stable code, or nil.
    public func check(field: String, value: JSONValue, byServer: Bool) -> SchemaViolation? {
        guard let rule = fields[field] else {
            return SchemaViolation(
                code: .unknownField,
                issue: FieldIssue(field: field, reason: "unknown-field", message: "\(kind.rawValue) has no field \"\(field.prefix(60))\""))
        }
        if rule.writer == .server && !byServer {
            return SchemaViolation(
                code: .serverOwnedField,
                issue: FieldIssue(
                    field: field, reason: "server-owned", message: "\(kind.rawValue).\(field) is set by the central office only"))
        }
        if let issue = rule.check(value, field: field) { return SchemaViolation(code: .invalidRecord, issue: issue) }
        return nil
    }

    /// The canonical form of `value` for `field` (see ``FieldRule/canonical(_:)``); a value
    /// of an unknown field comes back unchanged.
    public func canonical(field: String, value: JSONValue) -> JSONValue {
        fields[field]?.canonical(value) ?? value
    }

    /// `writes` with every value in its canonical form; stamps and bases unchanged.
    public func canonical(_ writes: [FieldWrite]) -> [FieldWrite] {
        writes.map { FieldWrite(field: $0.field, value: canonical(field: $0.field, value: $0.value), stamp: $0.stamp, base: $0.base) }
    }

    /// Checks a complete set of values: every field valid and every required field present.
    public func validate(values: [String: JSONValue]) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        for name in required.sorted() where values[name] == nil || values[name] == .null {
            issues.append(FieldIssue(field: name, reason: "required", message: "is required"))
        }
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            if let v = check(field: name, value: value, byServer: true) { issues.append(v.issue) }
        }
        return issues
    }
}

/// One write that does not fit its schema.
public struct SchemaViolation: FieldRollError, Hashable {
    public let code: ErrorCode
    /// The field and what is wrong with it.
    public let issue: FieldIssue

    public var message: String { issue.description }
}
