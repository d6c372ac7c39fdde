/// The sync protocol's version and limits, shared by both ends.
public enum WireProtocol {
    /// The protocol name and version every push and pull carries. Routes live under `/v1/`.
    public static let version = "fieldroll/v1"
    /// The media type of error bodies (RFC 9457).
    public static let problemMediaType = "application/problem+json"
    /// Default limits; the server's may be configured lower or higher.
    public static let defaultMaxChangesPerPush = 1000
    /// The default largest push body: 8 MiB.
    public static let defaultMaxPushBytes = 8 * 1024 * 1024
    /// The default number of changes a pull page holds at most.
    public static let defaultPullPageSize = 500
}
