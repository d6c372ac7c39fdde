/// An error body (RFC 9457 `application/problem+json`) with FieldRoll's stable `code`.
///
/// ```json
/// {"type":"urn:fieldroll:problem:scope-violation","title":"Outside your region",
///  "status":403,"detail":"household … is in 130102003202, outside 130102003201",
///  "code":"scope-violation"}
/// ```
public struct ProblemDetails: FieldRollError, Hashable, Codable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var code: ErrorCode
    /// Per-field issues for `invalid-record`.
    public var issues: [FieldIssue]?

    public init(code: ErrorCode, status: Int, title: String, detail: String? = nil, issues: [FieldIssue]? = nil) {
        self.type = "urn:fieldroll:problem:\(code.rawValue)"
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.issues = issues
    }

    /// The problem for any FieldRoll error, with the status its code implies.
    public init(_ error: any FieldRollError, status: Int? = nil) {
        let issues = (error as? ValidationError)?.issues
        self.init(code: error.code, status: status ?? Self.status(for: error.code), title: Self.title(for: error.code), detail: error.message, issues: issues)
    }

    public var message: String { detail ?? title }

    /// The HTTP status a code is answered with.
    public static func status(for code: ErrorCode) -> Int {
        switch code {
        case .unauthorized, .deviceRevoked: 401
        case .forbidden, .scopeViolation, .serverOwnedField: 403
        case .notFound: 404
        case .immutableConflict: 409
        case .payloadTooLarge, .batchTooLarge: 413
        case .invalidRecord, .unknownField, .clockSkew, .hashMismatch, .badSignature: 422
        case .storageFailure: 503
        default: 400
        }
    }

    /// A short human title for a code.
    public static func title(for code: ErrorCode) -> String {
        switch code {
        case .invalidRecord: "Invalid record"
        case .malformedJSON: "Malformed JSON"
        case .unknownField: "Unknown field"
        case .unsupportedVersion: "Unsupported protocol version"
        case .serverOwnedField: "Field set by the central office only"
        case .immutableConflict: "Record already exists with a different body"
        case .clockSkew: "Clock too far ahead"
        case .badCursor: "Bad cursor"
        case .badSignature: "Bad signature"
        case .scopeViolation: "Outside your region"
        case .unauthorized: "Not signed in"
        case .forbidden: "Not allowed for this role"
        case .deviceRevoked: "Device revoked"
        case .payloadTooLarge: "Too large"
        case .batchTooLarge: "Batch too large"
        case .hashMismatch: "Bytes do not match their hash"
        case .notFound: "Not found"
        case .storageFailure: "Storage unavailable"
        default: code.rawValue
        }
    }
}
