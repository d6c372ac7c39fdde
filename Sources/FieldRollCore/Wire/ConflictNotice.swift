/// A conflict the server recorded inside a device's scope that no person has resolved yet, as
/// the last page of a pull carries it: the field, the value the merge kept (the record's value
/// now) and the concurrent value it did not keep, each with who wrote it and when.
public struct ConflictNotice: Hashable, Codable, Sendable {
    /// The conflict's id on the server (what the office resolves).
    public var id: String
    /// The kind of record.
    public var entity: EntityKind
    /// The record's id (a household's or member's).
    public var record: String
    /// The record's region.
    public var region: RegionCode
    /// The field's wire name.
    public var field: String
    /// The value kept, with its stamp: the writing device (`stamp.node`) and the time.
    public var kept: StampedValue
    /// The concurrent value not kept, with its stamp.
    public var other: StampedValue
    /// The names of the devices that wrote each side, as enrolled (the office for its own).
    public var keptBy: String
    /// The name of the device that wrote the value not kept.
    public var otherBy: String
    /// When the server found the conflict.
    public var detectedAt: Instant

    /// Makes a notice from the server's conflict record.
    public init(
        id: String, entity: EntityKind, record: String, region: RegionCode, field: String, kept: StampedValue, other: StampedValue,
        keptBy: String, otherBy: String, detectedAt: Instant
    ) {
        self.id = id
        self.entity = entity
        self.record = record
        self.region = region
        self.field = field
        self.kept = kept
        self.other = other
        self.keptBy = keptBy
        self.otherBy = otherBy
        self.detectedAt = detectedAt
    }
}
