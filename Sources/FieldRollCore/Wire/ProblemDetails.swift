/// An error body (RFC 9457 `application/problem+json`) with FieldRoll's stable `code`.
///
/// ```json
/// {"type":"urn:fieldroll:problem:scope-violation","title":"Outside your region",
///  "status":403,"detail":"household … is in 130102003202, outside 130102003201",
///  "code":"scope-violation"}
/// ```
public struct ProblemDetails: FieldRollError, Hashable, Codable {
    /// A URI naming the problem type: `urn:fieldroll:problem:` followed by the code.
    public var type: String
    /// A short human title of the code.
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// What went wrong this time, in words.
    public var detail: String?
    public var code: ErrorCode
    /// Per-field issues for `invalid-record`.
    public var issues: [FieldIssue]?
    /// The request's `X-Request-ID`, so a report from the field finds the server's log line.
    /// Optional: servers before it did not send it, and a client decodes problems without it.
    public var requestId: String?

    /// A problem as it was answered: every member given (a client records what it received).
    public init(code: ErrorCode, status: Int, title: String, detail: String? = nil, issues: [FieldIssue]? = nil, requestId: String? = nil) {
        self.type = "urn:fieldroll:problem:\(code.rawValue)"
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.issues = issues
        self.requestId = requestId
    }

    /// A problem with `code`, its status and title taken from ``ErrorCode/table``.
    public init(_ code: ErrorCode, detail: String? = nil, issues: [FieldIssue]? = nil) {
        self.init(code: code, status: code.status, title: code.title, detail: detail, issues: issues)
    }

    /// The problem for any FieldRoll error, with the status its code owns.
    public init(_ error: any FieldRollError) {
        self.init(error.code, detail: error.message, issues: (error as? ValidationError)?.issues)
    }

    public var message: String { detail ?? title }

    /// The HTTP status a code is answered with (``ErrorCode/status``, from the table).
    public static func status(for code: ErrorCode) -> Int { code.status }

    /// A short human title for a code (``ErrorCode/title``, from the table).
    public static func title(for code: ErrorCode) -> String { code.title }
}
