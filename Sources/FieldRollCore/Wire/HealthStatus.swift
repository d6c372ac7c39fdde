/// `GET /healthz`: the process answers (liveness). The database is not touched; see
/// ``ReadinessStatus`` for that.
///
/// ```json
/// {"protocol":"fieldroll/v1","server":"srv-3f2a…","status":"ok"}
/// ```
public struct HealthStatus: Hashable, Codable, Sendable {
    /// Always `ok`: an answer at all is the news.
    public var status: String
    /// The server's node id (the `issuer` of its cursors).
    public var server: NodeID
    /// The protocol it speaks, ``WireProtocol/version``.
    public var `protocol`: String

    /// The answer of the server `server`: status `ok` and ``WireProtocol/version``.
    public init(server: NodeID) {
        status = "ok"
        self.server = server
        self.protocol = WireProtocol.version
    }
}
