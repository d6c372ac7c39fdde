import Synchronization

/// The console's sign-in limits, kept per server process: failures counted per account and
/// source address, and per address across every name.
///
/// - An account is refused **from one address** after ``SignInLockout/failures`` failures in a
///   row from that address (5), for ``SignInLockout/millis`` (15 minutes). The same account
///   still signs in from any other address, so no outsider can lock a named member out.
/// - An address is refused **for every name** after ``SignInLockout/addressFailures`` failures
///   (20) within ``SignInLockout/millis``, for ``SignInLockout/millis``: guessing across many
///   names from one place stops too.
/// - A success clears its account's count from that address (not the address's count: 19 wrong
///   guesses and one right one from the same place still leave it near its limit).
///
/// A refusal looks exactly like a wrong password (``SyncPipeline/signIn(name:password:from:now:)``).
/// The counts live in memory: a restart forgets them, and with several server processes behind
/// a proxy each process counts on its own (docs/console.md).
public final class SignInThrottle: Sendable {
    struct Pair: Hashable {
        var name: String
        var address: String
    }

    struct State {
        /// Failures in a row per account and address, and until when that pair is refused.
        var pairs: [Pair: (failures: Int, lockedUntil: Int64?)] = [:]
        /// Failure times per address within the window, and until when it is refused.
        var addresses: [String: (failures: [Int64], lockedUntil: Int64?)] = [:]
        /// bcrypt verifications run for sign-ins (one per attempt, whatever its outcome).
        var verifications = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Until when `address` is refused for every name, if it is at `now`.
    public func addressRefusedUntil(_ address: String, now: Int64) -> Int64? {
        state.withLock { s in s.addresses[address]?.lockedUntil.flatMap { $0 > now ? $0 : nil } }
    }

    /// Whether a sign-in for `name` from `address` is refused at `now` without looking at the password.
    public func isRefused(name: String, address: String, now: Int64) -> Bool {
        state.withLock { s in
            if let until = s.addresses[address]?.lockedUntil, until > now { return true }
            if let until = s.pairs[Pair(name: name, address: address)]?.lockedUntil, until > now { return true }
            return false
        }
    }

    /// Counts a failure; returns what it locked (nothing, the pair, the address or both).
    @discardableResult
    public func fail(name: String, address: String, now: Int64) -> (pairLocked: Bool, addressLocked: Bool) {
        state.withLock { s in
            let pair = Pair(name: name, address: address)
            var p = s.pairs[pair] ?? (0, nil)
            if let until = p.lockedUntil, until <= now { p = (0, nil) }
            p.failures += 1
            var pairLocked = false
            if p.failures >= SignInLockout.failures {
                p = (0, now + SignInLockout.millis)
                pairLocked = true
            }
            s.pairs[pair] = p
            var a = s.addresses[address] ?? ([], nil)
            if let until = a.lockedUntil, until <= now { a.lockedUntil = nil }
            a.failures = a.failures.filter { $0 > now - SignInLockout.millis } + [now]
            var addressLocked = false
            if a.failures.count >= SignInLockout.addressFailures {
                a = ([], now + SignInLockout.millis)
                addressLocked = true
            }
            s.addresses[address] = a
            Self.forget(&s, now: now)
            return (pairLocked, addressLocked)
        }
    }

    /// Clears the account's failures from `address` after a success.
    public func succeed(name: String, address: String) {
        _ = state.withLock { $0.pairs.removeValue(forKey: Pair(name: name, address: address)) }
    }

    /// Notes one bcrypt verification run for a sign-in.
    func noteVerification() { state.withLock { $0.verifications += 1 } }

    /// How many bcrypt verifications sign-ins have run: one per attempt, also for an unknown
    /// name or a refused account or address, so every answer costs the same.
    public var verifications: Int { state.withLock { $0.verifications } }

    /// Drops entries that no longer count, so an attacker cycling names cannot grow memory
    /// without bound for long.
    private static func forget(_ s: inout State, now: Int64) {
        guard s.pairs.count + s.addresses.count > 10_000 else { return }
        s.pairs = s.pairs.filter { $0.value.lockedUntil.map { $0 > now } ?? false }
        s.addresses = s.addresses.filter { entry in
            entry.value.lockedUntil.map { $0 > now } ?? entry.value.failures.contains { $0 > now - SignInLockout.millis }
        }
    }
}
