/// `GET /readyz`: the server is up and its database answers, so it can take traffic. When the
/// database does not answer the route answers a `not-ready` problem (503) instead.
///
/// ```json
/// {"database":"sqlite","server":"srv-3f2a…","status":"ready"}
/// ```
public struct ReadinessStatus: Hashable, Codable, Sendable {
    /// Always `ready`.
    public var status: String
    /// The server's node id.
    public var server: NodeID
    /// The storage backend that answered: `sqlite` or `postgres`.
    public var database: String

    /// The answer of the server `server` whose `database` backend answered: status `ready`.
    public init(server: NodeID, database: String) {
        status = "ready"
        self.server = server
        self.database = database
    }
}
