import Synchronization

/// The place names one server process keeps in memory, so a console page reads them without a
/// query: filled on first use, dropped when this process imports names, and read again after
/// ``lifetime`` so that an import by another process (a city's servers share one PostgreSQL)
/// shows within a minute.
final class PlaceNameCache: Sendable {
    /// How long names are kept before they are read again.
    static let lifetime: Duration = .seconds(60)

    private struct State {
        var names: PlaceNames?
        var readAt = ContinuousClock.now
        /// Counts drops, so a read that began before one does not keep what it read.
        var generation = 0
    }

    private let state = Mutex(State())

    init() {}

    /// The names kept when they are fresh; else nil and the generation to pass to ``keep(_:readAt:generation:)``.
    func lookup(at now: ContinuousClock.Instant = .now) -> (names: PlaceNames?, generation: Int) {
        state.withLock { s in
            guard let names = s.names, now - s.readAt < Self.lifetime else { return (nil, s.generation) }
            return (names, s.generation)
        }
    }

    /// Keeps `names`, read at `readAt`, unless the cache was dropped since the read began (an
    /// import raced it): those names may be older than the import.
    func keep(_ names: PlaceNames, readAt: ContinuousClock.Instant, generation: Int) {
        state.withLock { s in
            guard s.generation == generation else { return }
            s.names = names
            s.readAt = readAt
        }
    }

    /// Forgets the names: the next lookup reads them again.
    func drop() {
        state.withLock { s in
            s.names = nil
            s.generation += 1
        }
    }
}
