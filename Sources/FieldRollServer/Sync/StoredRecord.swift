import FieldRollCore

/// A record as the server holds it: merged field state for mutable kinds, the first body for
/// immutable ones.
public struct StoredRecord: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case state(RecordState)
        case body(JSONValue)
    }

    public var entity: EntityKind
    public var id: String
    public var region: RegionCode
    public var content: Content

    public init(entity: EntityKind, id: String, region: RegionCode, content: Content) {
        self.entity = entity
        self.id = id
        self.region = region
        self.content = content
    }

    /// The JSON stored in the database: the record state, or the body.
    public var contentJSON: JSONValue {
        switch content {
        case .state(let s): s.json
        case .body(let b): b
        }
    }

    /// Rebuilds a record from its stored JSON.
    public init(entity: EntityKind, id: String, region: RegionCode, json: JSONValue) throws {
        let content: Content = entity.schema == nil ? .body(json) : .state(try RecordState(json: json))
        self.init(entity: entity, id: id, region: region, content: content)
    }
}
