/// One field written by one replica: the unit of change for mutable records.
public struct FieldWrite: Hashable, Codable, Sendable {
    /// The field's wire name.
    public var field: String
    /// The value written, as JSON.
    public var value: JSONValue
    /// The writer's clock reading when it wrote.
    public var stamp: HLCTimestamp
    /// The stamp of the value the writer had seen in this field (nil: it had none). A server
    /// whose current stamp differs from this base, with a different value, has a concurrent
    /// edit on its hands.
    public var base: HLCTimestamp?

    enum CodingKeys: String, CodingKey, CaseIterable { case field, value, stamp, base }

    /// The members a write may carry on the wire; a server refuses others.
    public static let wireMembers = Set(CodingKeys.allCases.map(\.rawValue))

    /// Makes a write of `value` to `field`, stamped `stamp` and based on `base`.
    public init(field: String, value: JSONValue, stamp: HLCTimestamp, base: HLCTimestamp?) {
        self.field = field
        self.value = value
        self.stamp = stamp
        self.base = base
    }

    /// The write as a stamped value.
    public var stamped: StampedValue { StampedValue(value: value, stamp: stamp, base: base) }
}
