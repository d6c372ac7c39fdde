/// Two writes of the same field made without either seeing the other, with different values.
///
/// The merge has already picked ``winner`` by stamp; ``loser`` is what a person at the central
/// office sees beside it, and can choose instead by making a new write.
public struct ConcurrentEdit: Hashable, Codable, Sendable {
    /// The field's wire name.
    public var field: String
    /// The version the merge kept: the one with the greater stamp.
    public var winner: StampedValue
    /// The other version, not kept.
    public var loser: StampedValue

    /// Makes a report of two concurrent writes of `field`.
    public init(field: String, winner: StampedValue, loser: StampedValue) {
        self.field = field
        self.winner = winner
        self.loser = loser
    }
}
