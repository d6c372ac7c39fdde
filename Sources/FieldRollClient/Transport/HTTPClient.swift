import FieldRollCore
import Foundation

/// One HTTP request as the sync engine makes it.
public struct HTTPRequest: Sendable {
    /// `GET`, `HEAD`, `POST` or `PUT`.
    public var method: String
    /// Path and query, e.g. `/v1/sync/pull?after=…`.
    public var path: String
    /// Request headers, by name.
    public var headers: [String: String]
    /// The body, if any.
    public var body: Data?

    /// A request to `path` on the endpoint's server.
    public init(method: String, path: String, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}

/// An HTTP answer; header names are lowercased.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers, names lowercased.
    public var headers: [String: String]
    /// The body (empty when it went to a streaming sink).
    public var body: Data
    /// How many new connections the request opened: 0 when it went out on a kept-alive one.
    public var newConnections: Int = 0
}

/// What carries requests: libcurl in the field (``CurlHTTPClient``), `URLSession` where libcurl is
/// not built (``URLSessionHTTPClient``), a fault injector in tests.
public protocol HTTPClient: Sendable {
    /// Sends a request. Throws a ``ClientError`` with code `network` or `untrusted-server`
    /// when no HTTP answer arrived.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Sends a request and hands a successful (2xx) answer's body to `sink` in pieces as they
    /// arrive, with the answer's status and headers; the returned response then has an empty
    /// body. Any other answer comes back whole, as from ``send(_:)`` (a problem to read).
    ///
    /// When the transfer is cut, every piece that arrived has been handed over before the call
    /// throws `network`, so a download can resume where it stopped. An error thrown by `sink`
    /// aborts the transfer and is rethrown.
    func send(_ request: HTTPRequest, streamingTo sink: @escaping @Sendable (HTTPResponse, Data) throws -> Void) async throws
        -> HTTPResponse
}

extension HTTPClient {
    /// The body arrives whole and goes to `sink` at once: right for clients that never cut a
    /// transfer halfway (test doubles); ``CurlHTTPClient`` streams.
    public func send(_ request: HTTPRequest, streamingTo sink: @escaping @Sendable (HTTPResponse, Data) throws -> Void) async throws
        -> HTTPResponse
    {
        var response = try await send(request)
        guard (200...299).contains(response.status) else { return response }
        let body = response.body
        response.body = Data()
        if !body.isEmpty { try sink(response, body) }
        return response
    }
}

/// Connection settings for a county's server.
public struct ServerEndpoint: Sendable, Codable, Hashable {
    /// `https://fieldroll.county.example` (or `http://127.0.0.1:8080` on the office machine).
    public var baseURL: String
    /// A PEM file of CA certificates to trust instead of the system's (a county's own CA).
    public var caFile: String?
    /// Pin the server's public key: `sha256//BASE64` (several separated by `;`).
    public var pinnedPublicKey: String?
    /// Seconds to wait for a connection.
    public var connectTimeout: Double = 10
    /// A transfer slower than `lowSpeedBytes` per second for `lowSpeedSeconds` is abandoned
    /// (a dead link rather than a slow one), so a sync never hangs.
    public var lowSpeedBytes: Int = 100
    /// See ``lowSpeedBytes``.
    public var lowSpeedSeconds: Int = 30

    /// A server at `baseURL` (a trailing `/` is dropped), trusted through the system's CAs unless `caFile` or `pinnedPublicKey` say otherwise.
    public init(baseURL: String, caFile: String? = nil, pinnedPublicKey: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
    }
}

extension ServerEndpoint {
    /// The transport for this server on this platform: libcurl where the package builds it
    /// (Linux: full control of trust, timeouts and resumable transfers), `URLSession` elsewhere.
    public func makeClient() -> any HTTPClient {
        #if canImport(CCurl)
            CurlHTTPClient(endpoint: self)
        #else
            URLSessionHTTPClient(endpoint: self)
        #endif
    }
}
