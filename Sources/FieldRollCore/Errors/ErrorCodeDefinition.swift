/// One row of FieldRoll's error-code table: a code, the one HTTP status it is answered with,
/// a short title and a one-line meaning.
///
/// The table (``ErrorCode/table``) is the single place a code's status is declared. The server's
/// problem+json responses take their status from it, and `docs/server.md` and
/// `docs/openapi.json` are rendered from it (a test keeps them equal).
public struct ErrorCodeDefinition: Sendable, Hashable {
    /// The stable machine code.
    public var code: ErrorCode
    /// The HTTP status a problem with this code is answered with, on every route.
    public var status: Int
    /// A short human title, the problem's `title`.
    public var title: String
    /// One line that says what the code means.
    public var meaning: String

    /// Makes a table row from a code, its HTTP status, its title and its meaning.
    public init(_ code: ErrorCode, _ status: Int, _ title: String, _ meaning: String) {
        self.code = code
        self.status = status
        self.title = title
        self.meaning = meaning
    }
}
