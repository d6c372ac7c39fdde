/// The kinds of record FieldRoll replicates, and how each replicates.
public enum EntityKind: String, Codable, Sendable, CaseIterable {
    case household, member, visit, photo
    case checkIn = "check-in"
    case enrolment
    case reviewAction = "review-action"

    /// How records of a kind replicate.
    public enum Replication: Sendable {
        /// Field-level merge by stamp; devices write.
        case mutable
        /// Written once; the first copy stands.
        case immutable
        /// Field-level, but only the server writes; devices pull a read-only copy.
        case serverOnly
    }

    public var replication: Replication {
        switch self {
        case .household, .member: .mutable
        case .visit, .photo, .checkIn, .reviewAction: .immutable
        case .enrolment: .serverOnly
        }
    }

    /// The field schema of a field-merged kind; nil for immutable kinds, whose bodies are
    /// validated whole by their type.
    public var schema: EntitySchema? {
        switch self {
        case .household: Household.schema
        case .member: Member.schema
        case .enrolment: Enrolment.schema
        default: nil
        }
    }
}
