/// A field's value with the stamp of the write that set it and the stamp that write was based on.
public struct StampedValue: Hashable, Codable, Sendable {
    /// The field's value.
    public var value: JSONValue
    /// The clock reading of the write that set the value.
    public var stamp: HLCTimestamp
    /// The stamp of the version the writer had seen in this field when it wrote (nil: none).
    /// Kept so a late, older write that this one already replaced is not taken for a conflict.
    public var base: HLCTimestamp?

    /// Makes a version of a field from a value, its stamp and the stamp it was based on.
    public init(value: JSONValue, stamp: HLCTimestamp, base: HLCTimestamp? = nil) {
        self.value = value
        self.stamp = stamp
        self.base = base
    }

    /// Whether this version wins over `other` under the merge rule: the greater stamp wins;
    /// equal stamps (which only a faulty replica produces) fall back to the canonical bytes of
    /// the values, then of the bases, so the rule stays a total order and every replica picks
    /// the same winner.
    public func wins(over other: StampedValue) -> Bool {
        if stamp != other.stamp { return stamp > other.stamp }
        let mine = value.canonicalBytes
        let theirs = other.value.canonicalBytes
        if mine != theirs { return theirs.lexicographicallyPrecedes(mine) }
        return (other.base?.description ?? "") < (base?.description ?? "")
    }

    /// Whether the writer of this version had seen `other` (or something newer) in the field.
    public func saw(_ other: StampedValue) -> Bool {
        guard let base else { return false }
        return base >= other.stamp
    }
}
