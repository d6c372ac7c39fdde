import FieldRollCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// HTTP through Foundation's `URLSession`, for platforms where the package does not build
/// libcurl (iOS, macOS apps); on Linux it works too (FoundationNetworking), and the tests sync
/// through it against a real server.
///
/// The system's trust store decides TLS: a county's own CA (``ServerEndpoint/caFile``) or a pinned
/// key (``ServerEndpoint/pinnedPublicKey``) needs ``CurlHTTPClient`` — a request to such an
/// endpoint is refused with `untrusted-server` rather than sent with weaker checks. A download
/// arrives whole before it is handed on (no partial bytes kept when a transfer is cut: the next
/// sync fetches it again). Timeouts: ``ServerEndpoint/connectTimeout`` for the connection, and
/// ``ServerEndpoint/lowSpeedSeconds`` without a byte for a request.
public struct URLSessionHTTPClient: HTTPClient {
    /// The server this client talks to.
    public let endpoint: ServerEndpoint
    let session: URLSession

    /// A client for `endpoint` with an ephemeral session (no cookies, no cache).
    public init(endpoint: ServerEndpoint) {
        self.endpoint = endpoint
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = TimeInterval(max(endpoint.lowSpeedSeconds, Int(endpoint.connectTimeout)))
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    /// `fieldroll/0.4.0 (protocol fieldroll/v1) URLSession`.
    public static let userAgent = "fieldroll/\(FieldRollRelease.number) (protocol \(WireProtocol.version)) URLSession"

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard endpoint.caFile == nil, endpoint.pinnedPublicKey == nil else {
            throw ClientError(
                .untrustedServer, "this server is set up with its own CA or a pinned key, which the URLSession transport cannot check")
        }
        guard let url = URL(string: endpoint.baseURL + request.path) else {
            throw ClientError(.network, "not a URL: \(endpoint.baseURL)\(request.path)")
        }
        var r = URLRequest(url: url)
        r.httpMethod = request.method
        r.httpBody = request.body
        r.setValue(Self.userAgent, forHTTPHeaderField: "User-Agent")
        for (name, value) in request.headers { r.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: r)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as URLError where error.code == .cancelled {
            throw CancellationError()
        } catch let error as URLError
            where [
                .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot,
                .secureConnectionFailed,
            ].contains(error.code)
        {
            throw ClientError(.untrustedServer, "the server's certificate is not trusted: \(error.localizedDescription)")
        } catch {
            throw ClientError(.network, "no answer from \(endpoint.baseURL): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw ClientError(.network, "not an HTTP answer") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }
}
