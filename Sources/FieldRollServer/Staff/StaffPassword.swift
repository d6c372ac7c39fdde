import FieldRollCore
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// Staff passwords: bcrypt hashes (hummingbird-auth's `Bcrypt`), computed off the event loops.
public enum StaffPassword {
    /// bcrypt's work factor for new hashes: 2^12 rounds, a few hundred milliseconds per hash on
    /// the office's server; a stored hash keeps the cost it was made with.
    public static let defaultCost: UInt8 = 12

    /// Checks a new password: 10 to 72 bytes (bcrypt reads no further than 72).
    /// - Throws: ``ProblemDetails`` `invalid-record` saying what is wrong.
    public static func validate(_ password: String) throws {
        guard password.count >= 10 else {
            throw ProblemDetails(.invalidRecord, detail: "a password needs at least 10 characters")
        }
        guard password.utf8.count <= 72 else {
            throw ProblemDetails(.invalidRecord, detail: "a password may be at most 72 bytes long (bcrypt ignores the rest)")
        }
    }

    /// The bcrypt hash of `password`, computed on NIO's thread pool.
    public static func hash(_ password: String, cost: UInt8 = defaultCost) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`, computed on NIO's thread pool.
    public static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// One sign-in's verification: `password` against `hash`, or, when `hash` is nil, against a
    /// decoy of the cost of `costLike` (which never matches), computed on NIO's thread pool.
    /// Either way the same bcrypt work is done, so the caller's answer takes the same time.
    static func verify(_ password: String, hash: String?, costLike: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.verify(password, hash: decoy(like: costLike))
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    /// Decoy hashes by cost, made once each.
    private static let decoys = Mutex<[Int: String]>([:])

    /// A hash no password matches, of the same cost as `hash` (the default cost when nil or
    /// unreadable): verified instead of an account's own hash when a sign-in names no account
    /// or may not succeed, so that the refusal takes as long as a wrong password.
    static func decoy(like hash: String?) -> String {
        let cost = hash.flatMap(Self.cost(of:)) ?? Int(defaultCost)
        return decoys.withLock { made in
            if let known = made[cost] { return known }
            let new = Bcrypt.hash("no account has this password", cost: UInt8(cost))
            made[cost] = new
            return new
        }
    }

    /// The cost of a `$2b$12$…` hash.
    static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$")
        guard parts.count >= 3, let cost = Int(parts[1]), (4...31).contains(cost) else { return nil }
        return cost
    }
}
