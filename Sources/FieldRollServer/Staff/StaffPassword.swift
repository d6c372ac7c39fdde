import FieldRollCore
import HummingbirdBcrypt
import NIOPosix

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

    /// A hash no password matches, verified when a sign-in names no account, so that an unknown
    /// name takes as long to refuse as a wrong password.
    static let decoy = Bcrypt.hash("no account has this password", cost: defaultCost)

    /// Spends the time a real check would, for a name with no account.
    static func verifyDecoy(_ password: String) async throws {
        _ = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: decoy) }
    }
}
