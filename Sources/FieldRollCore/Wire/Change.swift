/// One change to one record: field writes to a mutable record, or the whole body of an
/// immutable one. Each has an id made on the device, so a retried push is recognised.
///
/// Wire form (`writes` xor `body`):
/// ```json
/// {"id":"…","entity":"household","record":"…","region":"130102003201",
///  "writes":[{"field":"phone","value":"13800000000","stamp":"001763884800000-00000-dev1","base":null}]}
/// ```
public struct Change: Hashable, Codable, Sendable {
    /// What the change carries.
    public enum Payload: Hashable, Sendable {
        /// Field writes to a household, member (or, from the server, an enrolment).
        case writes([FieldWrite])
        /// The whole body of a visit, photo, check-in or review action.
        case body(JSONValue)
    }

    /// The change's id, made where the change was made; a retried push carries the same id.
    public var id: ChangeID
    /// The kind of record changed.
    public var entity: EntityKind
    /// The record's id.
    public var record: String
    /// The record's region: scopes are checked on it.
    public var region: RegionCode
    /// The field writes or the whole body.
    public var payload: Payload

    /// Makes a change; a new random id by default.
    public init(id: ChangeID = ChangeID(), entity: EntityKind, record: String, region: RegionCode, payload: Payload) {
        self.id = id
        self.entity = entity
        self.record = record
        self.region = region
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, entity, record, region, writes, body }

    /// The members a change may carry on the wire; a server refuses others.
    public static let wireMembers = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ChangeID.self, forKey: .id)
        entity = try c.decode(EntityKind.self, forKey: .entity)
        record = try c.decode(String.self, forKey: .record)
        region = try c.decode(RegionCode.self, forKey: .region)
        let writes = try c.decodeIfPresent([FieldWrite].self, forKey: .writes)
        let body = try c.decodeIfPresent(JSONValue.self, forKey: .body)
        switch (writes, body) {
        case (let w?, nil): payload = .writes(w)
        case (nil, let b?): payload = .body(b)
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "a change carries exactly one of \"writes\" and \"body\""))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(entity, forKey: .entity)
        try c.encode(record, forKey: .record)
        try c.encode(region, forKey: .region)
        switch payload {
        case .writes(let w): try c.encode(w, forKey: .writes)
        case .body(let b): try c.encode(b, forKey: .body)
        }
    }
}
