import Synchronization

/// One sync at a time per store: a sync asked for while another runs on the same
/// ``DeviceStore`` joins it and gets its report, instead of pushing the same change sets a
/// second time.
///
/// The sync runs in a task of its own. Cancelling the caller that started it cancels it (those
/// who joined then get the cancellation too); one who only joined waits for the sync to end.
final class SyncGate: Sendable {
    private struct Running {
        var generation: Int
        var task: Task<SyncReport, any Error>
    }

    private let state = Mutex<(next: Int, running: Running?)>((0, nil))

    /// Runs `body`, or joins the sync already running.
    func run(_ body: @escaping @Sendable () async throws -> SyncReport) async throws -> SyncReport {
        let (task, started): (Task<SyncReport, any Error>, Bool) = state.withLock { s in
            if let running = s.running { return (running.task, false) }
            s.next += 1
            let generation = s.next
            let task = Task<SyncReport, any Error> {
                defer { self.finished(generation) }
                return try await body()
            }
            s.running = Running(generation: generation, task: task)
            return (task, true)
        }
        if started {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        }
        return try await task.value
    }

    /// Whether a sync is running now.
    var isRunning: Bool { state.withLock { $0.running != nil } }

    private func finished(_ generation: Int) {
        state.withLock { s in
            if s.running?.generation == generation { s.running = nil }
        }
    }
}
