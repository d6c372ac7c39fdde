import FieldRollCore
import Synchronization

/// The answers of the pipeline's heavier reads over a whole region (the review queue, the
/// check-in list, the payment list, the roll), kept until the rolls change.
///
/// Every write the server makes moves its ``SyncHead``: a change logged moves its position,
/// anything else (a flag, a device, a decision) adds an audit entry, and a restore bumps its
/// generation. An answer is reused only while the head it was computed at is still the head, so
/// it is never older than a fresh read; each process keeps its own (a second server process on
/// the same PostgreSQL sees the same head, and its writes too). Reading the head is one row.
final class ReadModelCache: Sendable {
    /// What an answer was computed at.
    struct Stamp: Hashable, Sendable {
        var position: Int64
        var auditSeq: Int64
        var generation: Int64

        init(_ head: SyncHead) {
            position = head.position
            auditSeq = head.auditSeq
            generation = head.generation
        }
    }

    private struct Entry: @unchecked Sendable {
        // Only values that are Sendable are stored (see value(_:at:_:)).
        var stamp: Stamp
        var value: Any
        var used: UInt64
    }

    private let entries = Mutex<(items: [String: Entry], tick: UInt64)>(([:], 0))
    /// At most this many answers are kept; the least recently used go first.
    static let capacity = 64

    /// The answer for `key` at `stamp`: the one kept, or `compute`'s (then kept).
    func value<T: Sendable>(_ key: String, at stamp: Stamp, _ compute: () async throws -> T) async throws -> T {
        let kept: T? = entries.withLock { state in
            guard var entry = state.items[key], entry.stamp == stamp, let value = entry.value as? T else { return nil }
            state.tick += 1
            entry.used = state.tick
            state.items[key] = entry
            return value
        }
        if let kept { return kept }
        let fresh = try await compute()
        entries.withLock { state in
            state.tick += 1
            state.items[key] = Entry(stamp: stamp, value: fresh, used: state.tick)
            if state.items.count > Self.capacity, let oldest = state.items.min(by: { $0.value.used < $1.value.used })?.key {
                state.items[oldest] = nil
            }
        }
        return fresh
    }
}

extension SyncPipeline {
    /// `compute`'s answer for `key`, reused while the server's head has not moved (see
    /// ``ReadModelCache``).
    package func readModel<T: Sendable>(_ key: String, _ compute: () async throws -> T) async throws -> T {
        let stamp = ReadModelCache.Stamp(try await storage.head())
        return try await readModels.value(key, at: stamp, compute)
    }
}
