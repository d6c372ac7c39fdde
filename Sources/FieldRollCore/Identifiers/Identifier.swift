import Foundation

/// A record identifier: a UUID made where the record was created, typed by what it names.
///
/// Devices create records offline without asking anyone, so ids are random UUIDs; the phantom
/// type keeps a ``HouseholdID`` from being passed where a ``MemberID`` is wanted. On the wire
/// it is the lowercase UUID string.
public struct Identifier<Entity>: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The UUID.
    public let uuid: UUID

    /// Wraps `uuid`; by default a new random one.
    public init(_ uuid: UUID = UUID()) { self.uuid = uuid }

    /// Parses a UUID string (any case).
    /// - Throws: ``ValidationError`` when the text is not a UUID.
    public init(_ text: String, field: String = "id") throws(ValidationError) {
        guard let uuid = UUID(uuidString: text) else {
            throw ValidationError([FieldIssue(field: field, reason: "bad-format", message: "\"\(text.prefix(40))\" is not a UUID")])
        }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text.prefix(40))\" is not a UUID"))
        }
        self.uuid = uuid
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The id of a ``Household``.
public typealias HouseholdID = Identifier<Household>
/// The id of a ``Member``.
public typealias MemberID = Identifier<Member>
/// The id of a ``Visit``.
public typealias VisitID = Identifier<Visit>
/// The id of a ``CheckIn``.
public typealias CheckInID = Identifier<CheckIn>
/// The id of an ``Enrolment``.
public typealias EnrolmentID = Identifier<Enrolment>
/// The id of a ``ReviewAction``.
public typealias ReviewActionID = Identifier<ReviewAction>
/// The id of a ``BenefitStandard``.
public typealias StandardID = Identifier<BenefitStandard>
/// The id of an ``AmountChange``.
public typealias AmountChangeID = Identifier<AmountChange>
/// The id of a ``Change``.
public typealias ChangeID = Identifier<Change>
/// The id of a ``ChangeSet``.
public typealias ChangeSetID = Identifier<ChangeSet>
