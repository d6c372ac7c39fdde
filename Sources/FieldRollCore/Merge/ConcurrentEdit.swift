/// Two writes of the same field made without either seeing the other, with different values.
///
/// The merge has already picked ``winner`` by stamp; ``loser`` is what a person at the central
/// office sees beside it, and can choose instead by making a new write.
public struct ConcurrentEdit: Hashable, Codable, Sendable {
    public var field: String
    public var winner: StampedValue
    public var loser: StampedValue

    public init(field: String, winner: StampedValue, loser: StampedValue) {
        self.field = field
        self.winner = winner
        self.loser = loser
    }
}
