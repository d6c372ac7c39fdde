/// The rule for immutable records (visits, photos, check-ins, review actions): they never merge.
///
/// The first copy stands. A byte-identical retry — compared by canonical JSON, so key order and
/// whitespace do not matter — is a no-op; a different body under the same id is refused with
/// `immutable-conflict`, and the stored copy is left as it was.
public enum ImmutableRecordRule {
    /// What to do with an incoming immutable record.
    public enum Decision: Hashable, Sendable {
        /// No record with this id exists: store it.
        case store
        /// The same body is already stored: acknowledge, change nothing.
        case duplicate
        /// A different body is stored under this id: refuse.
        case conflict
    }

    /// Decides, given the stored body (if any) and the incoming one.
    public static func decide(existing: JSONValue?, incoming: JSONValue) -> Decision {
        guard let existing else { return .store }
        return existing.canonicalBytes == incoming.canonicalBytes ? .duplicate : .conflict
    }
}

/// A different body arrived under the id of an immutable record that already exists.
public struct ImmutableConflictError: FieldRollError, Hashable {
    /// The kind of the record.
    public let entity: EntityKind
    /// The record's id.
    public let id: String

    /// Makes the error for the record `id` of kind `entity`.
    public init(entity: EntityKind, id: String) {
        self.entity = entity
        self.id = id
    }

    public var code: ErrorCode { .immutableConflict }

    public var message: String {
        "\(entity.rawValue) \(id) already exists with a different body; records of this kind never change — record a new one that supersedes it"
    }
}
