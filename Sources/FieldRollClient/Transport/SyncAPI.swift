@preconcurrency import Crypto
import FieldRollCore
import FieldRollGzip
import Foundation
import Synchronization

/// The server answered with a problem (RFC 9457): its status and stable code.
public struct RemoteProblem: FieldRollError {
    /// The HTTP status it came with.
    public var status: Int
    /// The server's problem+json answer.
    public var problem: ProblemDetails
    /// Extra headers that matter (`Upload-Offset`).
    public var headers: [String: String]

    public var code: ErrorCode { problem.code }
    public var message: String { "server: \(problem.detail ?? problem.title)" }
    /// Whether trying again later may succeed (the server was busy or failed).
    public var isTransient: Bool { status >= 500 || status == 429 || code == .uploadInProgress }
}

/// The v1 sync API over an ``HTTPClient``: JSON and gzip in, typed answers or
/// ``RemoteProblem`` out.
public struct SyncAPI: Sendable {
    /// What carries the requests.
    public let http: any HTTPClient
    /// The device's bearer token (nil before enrolment).
    public var token: String?

    /// The API over `http`, authenticated with `token`.
    public init(http: any HTTPClient, token: String? = nil) {
        self.http = http
        self.token = token
    }

    var authHeaders: [String: String] { token.map { [WireHeader.authorization: "Bearer \($0)"] } ?? [:] }

    func check(_ r: HTTPResponse, _ ok: Set<Int>) throws {
        guard !ok.contains(r.status) else { return }
        if let p = try? JSONValue(parsing: r.body).decode(as: ProblemDetails.self) {
            throw RemoteProblem(status: r.status, problem: p, headers: r.headers)
        }
        // No problem body. The server names its code in a header too (a HEAD answer has no body);
        // without it a proxy or gateway answered: 502–504 mean the server behind it is out of
        // reach, any other status takes the code it stands for (413 stays payload-too-large).
        let named = r.headers[WireHeader.errorCode.lowercased()].map { $0.trimmingCharacters(in: .whitespaces) }
        let code: ErrorCode =
            if let named, !named.isEmpty {
                ErrorCode(rawValue: named)
            } else {
                (502...504).contains(r.status) ? .network : ErrorCode(httpStatus: r.status)
            }
        throw RemoteProblem(
            status: r.status,
            problem: ProblemDetails(
                code: code, status: r.status, title: "HTTP \(r.status)", detail: "the server answered \(r.status) without a problem body"),
            headers: r.headers)
    }

    func decode<T: Decodable>(_ type: T.Type, _ r: HTTPResponse) throws -> T {
        do { return try JSONValue(parsing: r.body).decode(as: T.self) } catch {
            throw ClientError(.malformedJSON, "the server's answer is not a valid \(T.self)")
        }
    }

    /// Redeems a one-time code with this device's key and id.
    package func enrol(code: String, publicKey: Curve25519.Signing.PublicKey, device: NodeID) async throws -> EnrolmentGrant {
        let body = try JSONValue(encoding: EnrolmentRequest(code: code, publicKey: publicKey.base64, device: device.rawValue))
        let route = WireRoute.enrol
        let r = try await http.send(
            HTTPRequest(
                method: route.method, path: route.path(), headers: ["Content-Type": "application/json"], body: Data(body.canonicalBytes)))
        try check(r, [201])
        return try decode(EnrolmentGrant.self, r)
    }

    /// Pushes change sets (gzip-compressed).
    package func push(_ request: PushRequest) async throws -> PushResponse {
        let json = request.json.canonicalBytes
        let r = try await http.send(
            HTTPRequest(
                method: WireRoute.push.method, path: WireRoute.push.path(),
                headers: authHeaders.merging(["Content-Type": "application/json", WireHeader.contentEncoding: "gzip"]) { a, _ in a },
                body: Data(Gzip.compress(json))))
        try check(r, [200])
        return try decode(PushResponse.self, r)
    }

    /// One page after `cursor` (nil: from the start).
    package func pull(after cursor: SyncCursor?, limit: Int) async throws -> PullPage {
        try await pullAnswer(after: cursor, limit: limit).page
    }

    /// A pull page with the office's photo policy for this device (`FieldRoll-Photo-Policy`;
    /// nil when the server sent none, or a value this build does not know).
    package func pullAnswer(after cursor: SyncCursor?, limit: Int) async throws -> (page: PullPage, photoPolicy: PhotoPolicy?) {
        var path = WireRoute.pull.path() + "?limit=\(limit)"
        if let cursor {
            path += "&after=\(cursor.description.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? cursor.description)"
        }
        let r = try await http.send(HTTPRequest(method: WireRoute.pull.method, path: path, headers: authHeaders))
        try check(r, [200])
        let policy = r.headers[WireHeader.photoPolicy.lowercased()].flatMap {
            PhotoPolicy(rawValue: $0.trimmingCharacters(in: .whitespaces))
        }
        do { return (try PullPage(json: JSONValue(parsing: r.body)), policy) } catch {
            throw ClientError(.malformedJSON, "the server's answer is not a valid pull page")
        }
    }

    /// Downloads a blob from byte `offset` on (`Range: bytes=offset-` when it is not 0), handing
    /// the bytes to `sink` as they arrive with the position in the blob where they start — 0
    /// again if the server sent the whole blob after all (a proxy that drops `Range`).
    ///
    /// Throws ``RemoteProblem`` `not-found` when the server has no such blob in this device's
    /// scope (or not yet), `range-not-satisfiable` when `offset` is past its end, and `network`
    /// when the transfer is cut — the bytes handed over until then stay handed over.
    /// - Returns: the blob's size as the server states it.
    @discardableResult
    package func downloadBlob(
        _ d: FieldRollCore.SHA256Digest, from offset: Int64, into sink: @escaping @Sendable (_ at: Int64, _ bytes: Data) throws -> Void
    ) async throws -> Int64 {
        let route = WireRoute.blobDownload
        var headers = authHeaders
        if offset > 0 { headers[WireHeader.range] = "bytes=\(offset)-" }
        // Where the next piece starts: set by the first piece's answer head, then advanced.
        let next = Mutex<Int64?>(nil)
        let r = try await http.send(HTTPRequest(method: route.method, path: route.path(["sha256": d.hex]), headers: headers)) {
            head, bytes in
            let at = try next.withLock { next -> Int64 in
                let at = try next ?? Self.start(of: head)
                next = at + Int64(bytes.count)
                return at
            }
            try sink(at, bytes)
        }
        try check(r, [200, 206])
        if r.status == 206, let range = r.headers[WireHeader.contentRange.lowercased()].flatMap(ByteRange.parseContentRange) {
            return range.size
        }
        return Int64(r.headers["content-length"] ?? "") ?? 0
    }

    /// Where a download answer's body starts in the blob: 0 for 200, the `Content-Range` start for 206.
    static func start(of head: HTTPResponse) throws -> Int64 {
        guard head.status == 206 else { return 0 }
        guard let range = head.headers[WireHeader.contentRange.lowercased()].flatMap(ByteRange.parseContentRange) else {
            throw ClientError(.invalidHeader, "a 206 answer without a valid Content-Range")
        }
        return range.range.lowerBound
    }

    /// How much of a blob the server holds, and whether it is complete.
    package func blobOffset(_ d: FieldRollCore.SHA256Digest) async throws -> (complete: Bool, offset: Int64) {
        let route = WireRoute.blobStatus
        let r = try await http.send(HTTPRequest(method: route.method, path: route.path(["sha256": d.hex]), headers: authHeaders))
        guard r.status == 200 || r.status == 404 else {
            try check(r, [])
            return (false, 0)
        }
        return (r.status == 200, Int64(r.headers[WireHeader.uploadOffset.lowercased()] ?? "0") ?? 0)
    }

    /// Sends `bytes[offset...]` of a blob; answers whether the server now has all of it.
    package func putBlob(_ d: FieldRollCore.SHA256Digest, bytes: Data, from offset: Int64) async throws -> Bool {
        let r = try await http.send(
            HTTPRequest(
                method: WireRoute.blobUpload.method, path: WireRoute.blobUpload.path(["sha256": d.hex]),
                headers: authHeaders.merging([
                    WireHeader.uploadOffset: String(offset), WireHeader.uploadLength: String(bytes.count),
                    "Content-Type": "application/octet-stream",
                ]) { a, _ in a },
                body: bytes.subdata(in: Int(offset)..<bytes.count)))
        try check(r, [200, 201, 202])
        return r.status != 202
    }
}
