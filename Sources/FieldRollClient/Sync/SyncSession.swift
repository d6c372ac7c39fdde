import FieldRollCore
import Foundation
import Synchronization

/// Where a device's sync stands, for a status line: what it is doing now, and how the last sync
/// ended.
public struct SyncStatus: Sendable, Hashable {
    /// What the sync is doing.
    public enum Activity: Sendable, Hashable {
        /// Not syncing.
        case idle
        /// Uploading this device's photos: bytes sent of the total.
        case uploadingPhotos(bytesDone: Int64, bytesTotal: Int64)
        /// Pushing the outbox: change sets answered of those waiting.
        case pushing(done: Int, total: Int)
        /// Pulling the region's changes: changes received so far.
        case pulling(received: Int)
        /// Downloading colleagues' photos: bytes received of the total.
        case downloadingPhotos(bytesDone: Int64, bytesTotal: Int64)
    }

    /// How a sync ended without finishing: the error's stable code and its message.
    public struct Failure: Sendable, Hashable {
        /// The error's stable code (`network`, `unauthorized`, `storage-failure`, …).
        public var code: ErrorCode
        /// The error's message, for people.
        public var message: String
        /// When it happened.
        public var at: Instant
    }

    /// What the sync is doing now.
    public var activity: Activity = .idle
    /// When a sync last finished.
    public var lastSynced: Instant?
    /// What the last finished sync did.
    public var lastReport: SyncReport?
    /// Why the last sync did not finish (nil once one finishes).
    public var lastError: Failure?
    /// When the background policy runs the next sync (nil: no background syncing).
    public var nextAttempt: Instant?

    /// Idle, never synced.
    public init() {}
}

/// A device's syncing, for an app: one ``sync()`` at a time (a second call joins the running
/// one), a ``statusUpdates()`` sequence for the screen, and an optional background policy that
/// syncs every few minutes while the device is enrolled and backs off when the server or the
/// link fails.
///
/// ```swift
/// let session = SyncSession(store: store)
/// session.startBackground(every: .seconds(600))
/// for await status in session.statusUpdates() { statusLine.text = describe(status) }
/// ```
public final class SyncSession: Sendable {
    /// The store this session syncs.
    public let store: DeviceStore
    /// How its syncs batch, retry and page.
    public let options: SyncOptions
    private let state = Mutex<
        (
            status: SyncStatus, watchers: [UUID: AsyncStream<SyncStatus>.Continuation], background: Task<Void, Never>?,
            generation: Int
        )
    >((SyncStatus(), [:], nil, 0))
    private let clock: @Sendable () -> Int64

    /// A session for an enrolled `store`; `clock` gives the times the status reports (tests move it).
    public init(store: DeviceStore, options: SyncOptions = SyncOptions(), clock: @escaping @Sendable () -> Int64 = DeviceStore.systemClock)
    {
        self.store = store
        self.options = options
        self.clock = clock
    }

    deinit {
        state.withLock { s in
            s.background?.cancel()
            for c in s.watchers.values { c.finish() }
        }
    }

    /// The status now.
    public var status: SyncStatus { state.withLock { $0.status } }

    /// The status now, then every change of it, until the iterating task stops.
    public func statusUpdates() -> AsyncStream<SyncStatus> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<SyncStatus>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) } }
        state.withLock { s in
            s.watchers[id] = continuation
            continuation.yield(s.status)
        }
        return stream
    }

    /// Syncs now (photos, push, pull, downloads), or joins the sync already running, and
    /// returns its report. The status follows it; a failure is kept as ``SyncStatus/lastError``
    /// with its code, and thrown.
    /// - Throws: ``ClientError`` `unauthorized` when the store is not enrolled, and whatever
    ///   ended the sync.
    @discardableResult
    public func sync() async throws -> SyncReport {
        do {
            let engine = try await SyncEngine(enrolledStore: store, options: options) { [weak self] p in self?.note(p) }
            let report = try await engine.sync()
            update { s in
                s.activity = .idle
                s.lastSynced = Instant(millis: clock())
                s.lastReport = report
                s.lastError = nil
            }
            return report
        } catch is CancellationError {
            update { $0.activity = .idle }
            throw CancellationError()
        } catch {
            let code = (error as? any FieldRollError)?.code ?? .internalError
            let message = (error as? any FieldRollError)?.message ?? "\(error)"
            update { s in
                s.activity = .idle
                s.lastError = SyncStatus.Failure(code: code, message: message, at: Instant(millis: clock()))
            }
            throw error
        }
    }

    /// Syncs every `interval` while the store is enrolled, starting now; after a failure the
    /// wait doubles (up to 16 × `interval`, with jitter) and goes back to `interval` after a
    /// success. A store that is not enrolled is tried again at `interval`. Starting again
    /// replaces the running policy.
    public func startBackground(every interval: Duration) {
        let generation = state.withLock { s in
            s.generation += 1
            return s.generation
        }
        let task = Task { [weak self] in
            var failures = 0
            while !Task.isCancelled {
                guard let self else { return }
                do {
                    _ = try await self.sync()
                    failures = 0
                } catch is CancellationError {
                    return
                } catch {
                    failures += 1
                }
                let factor = Double(1 << min(failures, 4))
                let wait = interval * factor * (failures == 0 ? 1 : Double.random(in: 0.75...1.0))
                let millis = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
                // Only the policy still in force says when it runs next.
                let next = Instant(millis: self.clock() + millis)
                self.update(onlyFor: generation) { $0.nextAttempt = next }
                try? await Task.sleep(for: wait)
            }
        }
        state.withLock { s in
            s.background?.cancel()
            s.background = task
        }
    }

    /// Stops the background policy; a sync under way finishes.
    public func stopBackground() {
        state.withLock { s in
            s.generation += 1
            s.background?.cancel()
            s.background = nil
        }
        update { $0.nextAttempt = nil }
    }

    /// The engine's progress as the status's activity.
    private func note(_ p: SyncProgress) {
        update { s in
            switch p.phase {
            case .photos: s.activity = .uploadingPhotos(bytesDone: p.bytesDone, bytesTotal: p.bytesTotal ?? p.bytesDone)
            case .push: s.activity = .pushing(done: p.itemsDone, total: p.itemsTotal ?? p.itemsDone)
            case .pull: s.activity = .pulling(received: p.itemsDone)
            case .downloads: s.activity = .downloadingPhotos(bytesDone: p.bytesDone, bytesTotal: p.bytesTotal ?? p.bytesDone)
            case .done: s.activity = .idle
            }
        }
    }

    /// Changes the status and tells every watcher; with `generation`, only while that
    /// background policy is the one in force (checked under the same lock).
    private func update(onlyFor generation: Int? = nil, _ change: (inout SyncStatus) -> Void) {
        state.withLock { s in
            if let generation, generation != s.generation { return }
            let before = s.status
            change(&s.status)
            guard s.status != before else { return }
            for c in s.watchers.values { c.yield(s.status) }
        }
    }
}
