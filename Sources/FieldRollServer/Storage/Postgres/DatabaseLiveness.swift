import Foundation
import Synchronization

/// Whether PostgreSQL still answers, asked at most once per period whatever the number of
/// operations waiting: an operation that completed lately is the answer; otherwise one probe
/// (a connection of its own) is shared by every operation that asks meanwhile.
///
/// Long operations ask it (see `PostgresStorage.withConnection`); under load it costs at most one
/// extra connection per period, not one per waiting request.
final class DatabaseLiveness: Sendable {
    private let state = Mutex<(alive: ContinuousClock.Instant?, probe: Task<Bool, Never>?)>((nil, nil))

    /// An operation completed: the database answers now.
    func noteAlive() { state.withLock { $0.alive = .now } }

    /// Whether the database answered within the last `seconds`, or answers `probe` within
    /// `seconds` now (one probe at a time, shared).
    func answers(within seconds: Double, probe: @escaping @Sendable () async throws -> Void) async -> Bool {
        let running: Task<Bool, Never>? = state.withLock { s in
            if let alive = s.alive, alive.duration(to: .now) < .milliseconds(Int64(seconds * 1000)) { return nil }
            if let probe = s.probe { return probe }
            let task = Task<Bool, Never> {
                do {
                    try await Deadline.run(seconds: seconds, probe)
                    return true
                } catch {
                    return false
                }
            }
            s.probe = task
            return task
        }
        guard let running else { return true }
        let ok = await running.value
        state.withLock { s in
            if s.probe == running { s.probe = nil }
            if ok { s.alive = .now }
        }
        return ok
    }
}
