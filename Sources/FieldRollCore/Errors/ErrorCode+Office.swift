extension ErrorCode {
    /// A record names a household, member or enrolment that does not exist, or that lies outside
    /// the writer's region; the detail names the row (or change) and the column (or field).
    public static let unknownReference: ErrorCode = "unknown-reference"
    /// A console form arrived without the session's CSRF token (or with another one).
    public static let csrfFailed: ErrorCode = "csrf-failed"
    /// A console request needs a signed-in session and has none (expired, signed out, never signed in).
    public static let noSession: ErrorCode = "no-session"
    /// Too many failed attempts from this address or for this account; try again later.
    public static let tooManyAttempts: ErrorCode = "too-many-attempts"

    /// The table rows of the office codes above (part of ``ErrorCode/table``).
    static let officeDefinitions: [ErrorCodeDefinition] = [
        .init(
            .unknownReference, 422, "Unknown reference",
            "A record names a household, member or enrolment that does not exist or lies outside the writer's region; the detail names the row and column."
        ),
        .init(.csrfFailed, 403, "Form token missing", "A console form came without this session's CSRF token; nothing was changed."),
        .init(.noSession, 401, "Not signed in to the console", "The console session is missing or has ended; sign in again."),
        .init(.tooManyAttempts, 429, "Too many attempts", "Too many failed sign-ins; wait and try again (`Retry-After` says how long)."),
    ]
}
