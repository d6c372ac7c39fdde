/// The field-level merge of mutable records, shared by devices and the server.
///
/// A field keeps the version with the greatest stamp. A write also says which stamp it was based
/// on; when neither the incoming write nor the stored version was based on the other (or on
/// something newer) and their values differ, the two edits were concurrent and `apply(_:to:)` reports a ``ConcurrentEdit``. The
/// outcome never depends on detection: the same winner is kept either way.
public enum FieldMerge {
    /// What applying one write did.
    public enum Outcome: Hashable, Sendable {
        /// The write is now the field's value.
        case applied
        /// The field already held exactly this write (a retry or a second delivery).
        case duplicate
        /// A newer version is stored and the write was based on it or had the same value:
        /// nothing to keep, nothing to review.
        case superseded
        /// The write raced another; the merge picked the winner by stamp (`applied` tells
        /// whether that was the incoming write) and both versions are reported.
        case concurrent(ConcurrentEdit, applied: Bool)

        /// Whether the stored value changed.
        public var changedState: Bool {
            switch self {
            case .applied: true
            case .duplicate, .superseded: false
            case .concurrent(_, let applied): applied
            }
        }
    }

    /// Applies `write` to `state` and says what happened.
    public static func apply(_ write: FieldWrite, to state: inout RecordState) -> Outcome {
        let incoming = write.stamped
        guard let current = state.fields[write.field] else {
            state.fields[write.field] = incoming
            return .applied
        }
        if current == incoming { return .duplicate }
        let incomingWins = incoming.wins(over: current)
        // Concurrent: neither writer had seen the other's version, and they disagree.
        let concurrent = !incoming.saw(current) && !current.saw(incoming) && current.value != write.value
        if incomingWins { state.fields[write.field] = incoming }
        if concurrent {
            let edit =
                incomingWins
                ? ConcurrentEdit(field: write.field, winner: incoming, loser: current)
                : ConcurrentEdit(field: write.field, winner: current, loser: incoming)
            return .concurrent(edit, applied: incomingWins)
        }
        return incomingWins ? .applied : .superseded
    }

    /// Applies every write in order; returns one outcome per write.
    public static func apply(_ writes: [FieldWrite], to state: inout RecordState) -> [Outcome] {
        writes.map { apply($0, to: &state) }
    }
}
