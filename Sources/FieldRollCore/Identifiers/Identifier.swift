import Foundation

/// A record identifier: a UUID made where the record was created, typed by what it names.
///
/// Devices create records offline without asking anyone, so ids are random UUIDs; the phantom
/// type keeps a ``HouseholdID`` from being passed where a ``MemberID`` is wanted. On the wire
/// it is the lowercase UUID string.
public struct Identifier<Entity>: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let uuid: UUID

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

public typealias HouseholdID = Identifier<Household>
public typealias MemberID = Identifier<Member>
public typealias VisitID = Identifier<Visit>
public typealias CheckInID = Identifier<CheckIn>
public typealias EnrolmentID = Identifier<Enrolment>
public typealias ReviewActionID = Identifier<ReviewAction>
public typealias StandardID = Identifier<BenefitStandard>
public typealias AmountChangeID = Identifier<AmountChange>
public typealias ChangeID = Identifier<Change>
public typealias ChangeSetID = Identifier<ChangeSet>
