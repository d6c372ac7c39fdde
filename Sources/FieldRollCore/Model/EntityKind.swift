/// The kinds of record FieldRoll replicates, and how each replicates.
public enum EntityKind: String, Codable, Sendable, CaseIterable {
    /// A household (``Household``): mutable.
    case household
    /// A member of a household (``Member``): mutable.
    case member
    /// A survey visit (``Visit``): immutable once signed.
    case visit
    /// A photo's record (``Photo``): immutable; the bytes travel as a blob.
    case photo
    /// A recipient's check-in (``CheckIn``): immutable.
    case checkIn = "check-in"
    /// An application or enrolment on a roll (``Enrolment``): server-only.
    case enrolment
    /// A step of the review chain (``ReviewAction``): immutable.
    case reviewAction = "review-action"
    /// A programme's per-capita standard for an area, from a date (``BenefitStandard``).
    case standard
    /// A change of an enrolment's monthly amount, with its reason (``AmountChange``).
    case amountChange = "amount-change"

    /// How records of a kind replicate.
    public enum Replication: Sendable {
        /// Field-level merge by stamp; devices write.
        case mutable
        /// Written once; the first copy stands.
        case immutable
        /// Field-level, but only the server writes; devices pull a read-only copy.
        case serverOnly
        /// Written once, whole, by the server only, and kept on the server: logged and audited
        /// like every change, but not sent to v1 devices (which do not know these kinds). What
        /// devices need of them reaches them as the server's writes to enrolments.
        case serverRecord
    }

    /// How records of this kind replicate.
    public var replication: Replication {
        switch self {
        case .household, .member: .mutable
        case .visit, .photo, .checkIn, .reviewAction: .immutable
        case .enrolment: .serverOnly
        case .standard, .amountChange: .serverRecord
        }
    }

    /// Whether pulls carry changes of this kind to devices.
    public var isPulled: Bool { replication != .serverRecord }

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
