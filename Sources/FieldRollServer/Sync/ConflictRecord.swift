import FieldRollCore

/// A concurrent edit kept for the central office: both versions, who made them, when.
///
/// The merge has already kept ``winner`` on every replica. Choosing ``loser`` instead is a new
/// write by the server (`fieldroll-server conflicts resolve ID --choose loser`).
public struct ConflictRecord: Codable, Sendable, Hashable {
    public var id: String
    public var entity: EntityKind
    public var record: String
    public var region: RegionCode
    public var field: String
    public var winner: StampedValue
    public var loser: StampedValue
    /// The change whose arrival revealed the conflict.
    public var change: ChangeID
    public var detectedAt: Instant
    public var resolvedAt: Instant?
    public var resolvedBy: String?
    /// `kept-winner` or `chose-loser`.
    public var resolution: String?

    /// The devices that wrote each side (from the stamps' node ids).
    public var winnerDevice: NodeID { winner.stamp.node }
    public var loserDevice: NodeID { loser.stamp.node }
}
