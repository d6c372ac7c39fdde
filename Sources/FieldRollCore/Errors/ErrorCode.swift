/// A stable, machine-readable error code.
///
/// The same code appears in the server's problem+json body (`code`), in the client's thrown
/// errors and in the CLIs' one-line messages, so scripts and tests can match on it. Codes are
/// never renamed once released; new ones may be added, so a peer must accept codes it does not
/// know (they decode like any other).
///
/// Each code owns exactly one HTTP status, declared once in ``table`` beside its title and
/// meaning; the same condition raises the same code, with the same status, on every route.
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
    /// A request header is missing or malformed (for example `Upload-Length`).
    public static let invalidHeader: ErrorCode = "invalid-header"
    /// A query parameter is malformed (for example `limit`).
    public static let invalidQuery: ErrorCode = "invalid-query"
    /// A path segment is malformed (for example a blob name that is not 64 hex digits).
    public static let invalidPath: ErrorCode = "invalid-path"
    /// A CSV file cannot be parsed (an unclosed quote, a ragged row); the message names the line.
    public static let invalidCSV: ErrorCode = "invalid-csv"
    /// Text in an encoding FieldRoll does not read (an office CSV that is not UTF-8; a cross-check file
    /// that is neither UTF-8 nor GB18030).
    public static let unsupportedEncoding: ErrorCode = "unsupported-encoding"
    /// A request no more specific code describes.
    public static let badRequest: ErrorCode = "bad-request"

    // Merge and replication
    /// A device tried to write a field that only the server may write.
    public static let serverOwnedField: ErrorCode = "server-owned-field"
    /// A different body arrived under the id of an immutable record that already exists.
    public static let immutableConflict: ErrorCode = "immutable-conflict"
    /// A version stamp lies further in the future than the configured bound allows.
    public static let clockSkew: ErrorCode = "clock-skew"
    /// A cursor that this server did not issue, or cannot parse.
    public static let badCursor: ErrorCode = "bad-cursor"
    /// A conflict that was already resolved cannot be resolved again.
    public static let alreadyResolved: ErrorCode = "already-resolved"
    /// A review action for a step the application is not waiting for (the review chain's order).
    public static let illegalTransition: ErrorCode = "illegal-transition"
    /// The public notice has not run its minimum number of days yet.
    public static let noticeNotOver: ErrorCode = "notice-not-over"
    /// No benefit standard is in force for the area and programme, so no amount can be computed.
    public static let noStandard: ErrorCode = "no-standard"
    /// The household has no survey visit to take its income from.
    public static let noSurvey: ErrorCode = "no-survey"
    /// The means test gives the household nothing: its income reaches the standard.
    public static let notEligible: ErrorCode = "not-eligible"

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
    /// The device id proposed at enrolment already belongs to an enrolled device.
    public static let deviceIDTaken: ErrorCode = "device-id-taken"

    // Limits and storage
    /// A body, batch or blob is larger than the configured limit.
    public static let payloadTooLarge: ErrorCode = "payload-too-large"
    /// A push batch holds more changes than the configured limit.
    public static let batchTooLarge: ErrorCode = "batch-too-large"
    /// Uploaded bytes do not hash to the digest they were sent under.
    public static let hashMismatch: ErrorCode = "hash-mismatch"
    /// The thing asked for does not exist (or is not visible to the caller).
    public static let notFound: ErrorCode = "not-found"
    /// The path exists but not with this method; the `Allow` header lists the methods it has.
    public static let methodNotAllowed: ErrorCode = "method-not-allowed"
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
    /// A download's `Range` starts at or past the blob's end; `Content-Range: bytes */SIZE` says its size.
    public static let rangeNotSatisfiable: ErrorCode = "range-not-satisfiable"
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
    /// The audit log's hash chain does not verify: an entry was edited, removed or is missing.
    public static let auditBroken: ErrorCode = "audit-broken"
}

extension ErrorCode {
    /// Every code FieldRoll defines, in the order the documentation lists them: each with the
    /// one HTTP status it is answered with, its title and its meaning.
    ///
    /// Codes that only a device or a CLI reports (`network`, `wrong-key`, `no-server`, …) have a
    /// status too, so that any code that ever reaches an HTTP answer (a relay, a future route)
    /// keeps a single status. `docs/server.md` and `docs/openapi.json` are rendered from this
    /// table; `ErrorCodeTableTests` fails when they differ.
    public static let table: [ErrorCodeDefinition] =
        definitions + serviceDefinitions + crossCheckDefinitions + checkInDefinitions + rollDefinitions
        + officeDefinitions

    private static let definitions: [ErrorCodeDefinition] = [
        // Input and validation
        .init(
            .malformedJSON, 400, "Malformed JSON", "The body is not JSON (or its gzip is damaged), or not the JSON shape the route expects."
        ),
        .init(.invalidHeader, 400, "Invalid header", "A request header is missing or malformed (for example `Upload-Length`)."),
        .init(.invalidQuery, 400, "Invalid query parameter", "A query parameter is malformed (for example `limit`)."),
        .init(.invalidPath, 400, "Invalid path", "A path segment is malformed (for example a blob name that is not 64 hex digits)."),
        .init(
            .invalidCSV, 400, "Invalid CSV", "A CSV file cannot be parsed (an unclosed quote, a ragged row); the message names the line."),
        .init(.badRequest, 400, "Bad request", "The request is wrong in a way no more specific code describes."),
        .init(.unsupportedVersion, 400, "Unsupported protocol version", "The request speaks a protocol version this server does not."),
        .init(.badCursor, 400, "Bad cursor", "A pull cursor that this server did not issue, or cannot parse; pull from the start."),
        .init(
            .unsupportedEncoding, 415, "Unsupported encoding",
            "Text in an encoding FieldRoll does not read: an office CSV that is not UTF-8 (e.g. GBK), or a cross-check file that is neither UTF-8 nor GB18030."
        ),
        .init(.invalidRecord, 422, "Invalid record", "A record or field failed validation; the problem lists each field's issue."),
        .init(.unknownField, 422, "Unknown field", "A member or field name the v1 format does not define."),
        .init(
            .clockSkew, 422, "Clock too far ahead",
            "A version stamp lies further ahead of the server's clock than `--max-clock-drift` allows."),
        .init(
            .badSignature, 422, "Bad signature", "A change set's or record's Ed25519 signature does not verify against its origin's key."),
        .init(
            .hashMismatch, 422, "Bytes do not match their hash",
            "Uploaded bytes do not hash to the SHA-256 they were sent under; the upload was discarded."),
        // Who may do what
        .init(
            .unauthorized, 401, "Not signed in",
            "No valid credentials: a missing or unknown device token, or an unknown or expired enrolment code."),
        .init(.deviceRevoked, 401, "Device revoked", "The device was revoked by the central office."),
        .init(.forbidden, 403, "Not allowed for this role", "The credentials are valid but the role may not do this."),
        .init(.scopeViolation, 403, "Outside your region", "A record lies outside the region scope of the device."),
        .init(
            .serverOwnedField, 403, "Field set by the central office only",
            "A device tried to write a field that only the server may write."),
        // What exists
        .init(.notFound, 404, "Not found", "No such route, or the thing asked for does not exist (or is not visible to the caller)."),
        .init(
            .methodNotAllowed, 405, "Method not allowed",
            "The path exists but not with this method; the `Allow` header lists the methods it has."),
        .init(
            .immutableConflict, 409, "Record already exists with a different body",
            "A different body arrived under the id of an immutable record that already exists."),
        .init(.deviceIDTaken, 409, "Device id taken", "The device id proposed at enrolment already belongs to an enrolled device."),
        .init(.alreadyResolved, 409, "Already resolved", "The conflict was already resolved."),
        .init(
            .illegalTransition, 409, "Not at this step",
            "A review action for a step the application is not waiting for; the review chain's order decides."),
        .init(.noticeNotOver, 409, "Notice not over", "The public notice has not run its minimum number of days yet."),
        .init(
            .noStandard, 409, "No standard",
            "No benefit standard is in force for the application's area and programme; add one with `fieldroll-server standard add`."),
        .init(
            .noSurvey, 409, "No survey visit",
            "The household has no survey visit to take its income from; the amount cannot be computed before one is synced."),
        .init(
            .notEligible, 409, "Not eligible",
            "The means test gives the household nothing (its income reaches the standard); refuse the application with a reason instead."),
        .init(
            .offsetMismatch, 409, "Wrong upload offset",
            "A resumed upload's offset differs from what the server holds; `Upload-Offset` says where to resume."),
        .init(.uploadInProgress, 409, "Upload in progress", "Another upload of the same blob is under way; try again shortly."),
        .init(
            .alreadyInitialized, 409, "Already initialized",
            "`fieldroll-server init` on a data folder or database that already holds a server."),
        // Limits
        .init(.payloadTooLarge, 413, "Too large", "A body or blob is larger than the configured limit."),
        .init(.batchTooLarge, 413, "Batch too large", "A push holds more changes than `--max-changes` allows."),
        .init(
            .rangeNotSatisfiable, 416, "Range not satisfiable",
            "A blob download's `Range` starts at or past the blob's end; `Content-Range: bytes */SIZE` gives the size."),
        // The server and its storage
        .init(.internalError, 500, "Internal error", "Something failed inside the server; nothing was written. The server log says more."),
        .init(.wrongKey, 500, "Cannot open the key or store", "A local store or key could not be opened (wrong passphrase, damaged file)."),
        .init(.invalidConfiguration, 500, "Invalid configuration", "A flag, environment variable or configuration file value is wrong."),
        .init(
            .auditBroken, 500, "Audit log broken", "The audit log's hash chain does not verify: an entry was edited, removed or is missing."
        ),
        .init(.storageFailure, 503, "Storage unavailable", "Storage is full, busy or failed; nothing was written."),
        .init(.noServer, 503, "No server here", "The data folder or database holds no FieldRoll server; run `fieldroll-server init`."),
        // Between device and server
        .init(
            .network, 502, "Server not reachable",
            "The server could not be reached or the connection broke; nothing is lost, try again later."),
        .init(.untrustedServer, 502, "Untrusted server", "The server's TLS certificate is not trusted (or does not match the pin)."),
    ]

    /// The table row of this code; nil for a code this build does not know (a newer peer's).
    public var definition: ErrorCodeDefinition? { Self.definitionsByCode[self] }

    /// The HTTP status this code is answered with; 500 for a code missing from the table.
    public var status: Int { definition?.status ?? 500 }

    /// A short human title (the problem's `title`); the code itself when it is not in the table.
    public var title: String { definition?.title ?? rawValue }

    private static let definitionsByCode: [ErrorCode: ErrorCodeDefinition] = Dictionary(
        table.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    /// The code a bare HTTP status stands for, when no problem body says more (a framework's or
    /// a proxy's answer).
    public init(httpStatus: Int) {
        switch httpStatus {
        case 401: self = .unauthorized
        case 403: self = .forbidden
        case 404: self = .notFound
        case 405: self = .methodNotAllowed
        case 413: self = .payloadTooLarge
        case 415: self = .unsupportedEncoding
        case 416: self = .rangeNotSatisfiable
        case 500...599: self = .internalError
        default: self = .badRequest
        }
    }
}
