import Foundation
import Synchronization

/// Runs an async operation with a time limit, without waiting for the operation to notice.
///
/// A task group would wait for its child to finish after cancelling it; a connection attempt
/// to a host that drops packets may not notice cancellation for a long time. Here the caller
/// resumes at the deadline and the operation is cancelled and left to finish on its own.
package enum Deadline {
    /// The operation did not finish in time.
    package struct Expired: Error {}

    /// The operation's result, or ``Expired`` after `seconds`.
    package static func run<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let gate = Gate<T>()
        // The timer ends with the operation: every PostgreSQL operation runs under a deadline, so
        // a timer left sleeping after each would pile up on a busy server.
        let timer = TimerSlot()
        return try await withCheckedThrowingContinuation { continuation in
            gate.arm(continuation)
            let work = Task {
                do { gate.finish(.success(try await operation())) } catch { gate.finish(.failure(error)) }
                timer.state.withLock { t in
                    t.done = true
                    t.task?.cancel()
                }
            }
            let sleeper = Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled, gate.finish(.failure(Expired())) { work.cancel() }
            }
            timer.state.withLock { t in
                if t.done { sleeper.cancel() } else { t.task = sleeper }
            }
        }
    }

    /// The deadline's sleeping timer, cancelled when the operation ends first.
    private final class TimerSlot: Sendable {
        let state = Mutex<(task: Task<Void, Never>?, done: Bool)>((nil, false))
    }

    /// Resumes a continuation once, whoever comes first.
    private final class Gate<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, any Error>?
        private var early: Result<T, any Error>?

        func arm(_ continuation: CheckedContinuation<T, any Error>) {
            lock.lock()
            if let early {
                lock.unlock()
                continuation.resume(with: early)
                return
            }
            self.continuation = continuation
            lock.unlock()
        }

        /// Delivers `result` if nothing was delivered yet; returns whether it was.
        @discardableResult
        func finish(_ result: Result<T, any Error>) -> Bool {
            lock.lock()
            guard let continuation else {
                let first = early == nil
                if first { early = result }
                lock.unlock()
                return first
            }
            self.continuation = nil
            early = result
            lock.unlock()
            continuation.resume(with: result)
            return true
        }
    }
}
