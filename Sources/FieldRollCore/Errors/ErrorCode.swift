/// A stable, machine-readable error code.
///
/// The same code appears in the server's problem+json body (`code`), in the client's thrown
/// errors and in the CLIs' one-line messages, so scripts and tests can match on it. Codes are
/// never renamed once released; new ones may be added.
public struct ErrorCode: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension ErrorCode {
    // Input and validation
    /// A record or field failed validation; the problem lists each field's issue.
    public static let invalidRecord: ErrorCode = "invalid-record"
    /// The body is not JSON, or not the JSON shape the endpoint expects.
    public static let malformedJSON: ErrorCode = "malformed-json"
    /// A field name the schema does not know.
    public static let unknownField: ErrorCode = "unknown-field"
    /// The request speaks a protocol version this peer does not.
    public static let unsupportedVersion: ErrorCode = "unsupported-version"

    // Merge and replication
    /// A device tried to write a field that only the server may write.
    public static let serverOwnedField: ErrorCode = "server-owned-field"
    /// A different body arrived under the id of an immutable record that already exists.
    public static let immutableConflict: ErrorCode = "immutable-conflict"
    /// A version stamp lies further in the future than the configured bound allows.
    public static let clockSkew: ErrorCode = "clock-skew"
    /// A cursor that this server did not issue, or cannot parse.
    public static let badCursor: ErrorCode = "bad-cursor"

    // Security
    /// A change set's Ed25519 signature does not verify against its origin's key.
    public static let badSignature: ErrorCode = "bad-signature"
    /// A record lies outside the region scope of the device or person.
    public static let scopeViolation: ErrorCode = "scope-violation"
    /// No valid credentials were presented.
    public static let unauthorized: ErrorCode = "unauthorized"
    /// The credentials are valid but the role may not do this.
    public static let forbidden: ErrorCode = "forbidden"
    /// The device has been revoked by the central office.
    public static let deviceRevoked: ErrorCode = "device-revoked"

    // Limits and storage
    /// A body, batch or blob is larger than the configured limit.
    public static let payloadTooLarge: ErrorCode = "payload-too-large"
    /// A push batch holds more changes than the configured limit.
    public static let batchTooLarge: ErrorCode = "batch-too-large"
    /// Uploaded bytes do not hash to the digest they were sent under.
    public static let hashMismatch: ErrorCode = "hash-mismatch"
    /// The thing asked for does not exist (or is not visible to the caller).
    public static let notFound: ErrorCode = "not-found"
    /// A local store or key could not be opened (wrong passphrase, damaged file).
    public static let wrongKey: ErrorCode = "wrong-key"
    /// Storage is full or failed; nothing was written.
    public static let storageFailure: ErrorCode = "storage-failure"
}

extension ErrorCode {
    /// A resumed upload's offset differs from what the server holds; the answer says where to resume.
    public static let offsetMismatch: ErrorCode = "offset-mismatch"
    /// Another upload of the same blob is under way.
    public static let uploadInProgress: ErrorCode = "upload-in-progress"
    /// Something failed inside the server; nothing was written. The server log says more.
    public static let internalError: ErrorCode = "internal-error"
}

extension ErrorCode {
    /// The server could not be reached or the connection broke; nothing is lost, try again later.
    public static let network: ErrorCode = "network"
    /// The server's TLS certificate is not trusted (or does not match the pin).
    public static let untrustedServer: ErrorCode = "untrusted-server"
}

extension ErrorCode {
    /// The data folder or database holds no FieldRoll server; run `fieldroll-server init`.
    public static let noServer: ErrorCode = "no-server"
    /// `fieldroll-server init` on a data folder or database that already holds a server.
    public static let alreadyInitialized: ErrorCode = "already-initialized"
    /// A flag, environment variable or configuration file value is wrong.
    public static let invalidConfiguration: ErrorCode = "invalid-configuration"
}
