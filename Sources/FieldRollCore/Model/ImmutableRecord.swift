/// A record stored whole and never changed once stored: visits, check-ins, photos and review
/// actions. The server and the devices read these through this protocol (never by JSON key):
/// what it is, where it belongs, who signed it and which photo bytes it refers to.
public protocol ImmutableRecord: Codable, Sendable, Hashable, Validatable {
    /// The kind it travels as.
    static var kind: EntityKind { get }
    /// Its id in canonical (lower-case) text, the change's `record`.
    var recordID: String { get }
    /// The region it belongs to, which decides who receives it.
    var region: RegionCode { get }
    /// The device that signed the record itself (visits, check-ins); nil when the record carries
    /// no signature of its own and is covered by its change set's signature alone.
    var signingDevice: DeviceID? { get }
    /// Content addresses of the photo bytes it refers to.
    var blobReferences: [SHA256Digest] { get }
}

extension ImmutableRecord {
    public var signingDevice: DeviceID? { nil }
    public var blobReferences: [SHA256Digest] { [] }
}

extension EntityKind {
    /// The record type of an immutable kind; nil for field-merged kinds.
    public var immutableType: (any ImmutableRecord.Type)? {
        switch self {
        case .visit: Visit.self
        case .checkIn: CheckIn.self
        case .photo: Photo.self
        case .reviewAction: ReviewAction.self
        case .standard: BenefitStandard.self
        case .amountChange: AmountChange.self
        default: nil
        }
    }
}

extension JSONValue {
    /// Reads a whole-record body as its kind's ``ImmutableRecord`` type.
    /// - Throws: when `kind` is not immutable or the body does not decode as it.
    public func immutableRecord(of kind: EntityKind) throws -> any ImmutableRecord {
        guard let type = kind.immutableType else {
            throw ValidationError([FieldIssue(field: "entity", reason: "bad-format", message: "\(kind.rawValue) is not an immutable kind")])
        }
        return try decode(as: type)
    }
}

extension Visit: ImmutableRecord {
    public static var kind: EntityKind { .visit }
    public var recordID: String { id.description }
    public var signingDevice: DeviceID? { device }
    public var blobReferences: [SHA256Digest] { photos }
}

extension CheckIn: ImmutableRecord {
    public static var kind: EntityKind { .checkIn }
    public var recordID: String { id.description }
    public var signingDevice: DeviceID? { device }
    public var blobReferences: [SHA256Digest] { photo.map { [$0] } ?? [] }
}

extension Photo: ImmutableRecord {
    public static var kind: EntityKind { .photo }
    public var recordID: String { id.description }
    public var blobReferences: [SHA256Digest] { [sha256] }
}

extension ReviewAction: ImmutableRecord {
    public static var kind: EntityKind { .reviewAction }
    public var recordID: String { id.description }
}

extension BenefitStandard: ImmutableRecord {
    public static var kind: EntityKind { .standard }
    public var recordID: String { id.description }
}

extension AmountChange: ImmutableRecord {
    public static var kind: EntityKind { .amountChange }
    public var recordID: String { id.description }
}
