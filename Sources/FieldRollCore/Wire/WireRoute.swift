import Foundation

/// One operation of the v1 HTTP API: its method and path, defined once for the server's router,
/// the device client and the tests that hold `docs/openapi.json` to the code.
public struct WireRoute: Sendable, Hashable, CustomStringConvertible {
    /// `GET`, `HEAD`, `POST` or `PUT`.
    public var method: String
    /// The path in OpenAPI form, parameters in braces: `/v1/blobs/{sha256}`.
    public var template: String

    /// Makes a route from its HTTP method and its path template.
    public init(_ method: String, _ template: String) {
        self.method = method
        self.template = template
    }

    public var description: String { "\(method) \(template)" }

    /// `POST /v1/devices/enrol`: redeem a one-time code (``EnrolmentRequest`` → ``EnrolmentGrant``).
    public static let enrol = WireRoute("POST", "/v1/devices/enrol")
    /// `POST /v1/sync/push`: change sets (``PushRequest`` → ``PushResponse``).
    public static let push = WireRoute("POST", "/v1/sync/push")
    /// `GET /v1/sync/pull?after=CURSOR&limit=N` (→ ``PullPage``).
    public static let pull = WireRoute("GET", "/v1/sync/pull")
    /// `HEAD /v1/blobs/{sha256}`: whether the bytes are there, or how far an upload got.
    public static let blobStatus = WireRoute("HEAD", "/v1/blobs/{sha256}")
    /// `PUT /v1/blobs/{sha256}`: upload bytes from `Upload-Offset`.
    public static let blobUpload = WireRoute("PUT", "/v1/blobs/{sha256}")
    /// `GET /v1/blobs/{sha256}`: download photo bytes in scope.
    public static let blobDownload = WireRoute("GET", "/v1/blobs/{sha256}")

    /// `GET /v1/review/queue?step=STEP&offset=N&limit=N`: what waits for review in the device's
    /// scope, for reviewer, approver and admin devices.
    public static let reviewQueue = WireRoute("GET", "/v1/review/queue")

    /// `GET /v1/payments?month=YYYY-MM&region=CODE`: the monthly payment list of the device's
    /// scope (or a region inside it), for approver and admin devices.
    public static let payments = WireRoute("GET", "/v1/payments")

    /// Every v1 operation.
    public static let all: [WireRoute] = [enrol, push, pull, blobStatus, blobUpload, blobDownload, reviewQueue, payments]

    /// The path with its parameters filled in: `blobUpload.path(["sha256": hex])`.
    public func path(_ parameters: [String: String] = [:]) -> String {
        var out = template
        for (name, value) in parameters { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }

    /// The path for a router mounted under `/v1/`, parameters as `:name`: `blobs/:sha256`.
    public var routerPath: String {
        let relative = template.hasPrefix("/v1/") ? String(template.dropFirst(4)) : template
        return relative.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}

/// The header names of the v1 API, defined once for both ends.
public enum WireHeader {
    /// Bytes the server holds of an upload (request: where this body starts; answer: how far it got).
    public static let uploadOffset = "Upload-Offset"
    /// The whole photo's size in bytes, on every upload request.
    public static let uploadLength = "Upload-Length"
    /// A request's id: the client's if sane, else one the server makes; echoed in every answer.
    public static let requestID = "X-Request-ID"
    /// `Bearer TOKEN`.
    public static let authorization = "Authorization"
    /// `gzip` on push bodies.
    public static let contentEncoding = "Content-Encoding"
    /// `bytes=N-` or `bytes=N-M` on a blob download: only those bytes (RFC 9110 §14.2).
    public static let range = "Range"
    /// `bytes N-M/SIZE` on a 206 answer, `bytes */SIZE` on a 416.
    public static let contentRange = "Content-Range"
    /// `bytes` on blob answers: the server honours a single `Range`.
    public static let acceptRanges = "Accept-Ranges"
    /// The office's photo policy for the calling device (``PhotoPolicy``), on every pull answer.
    /// A device that does not know the header ignores it.
    public static let photoPolicy = "FieldRoll-Photo-Policy"
    /// The problem's stable code, on every problem answer beside its body: the one place a
    /// refused `HEAD` (whose answer has no body) names it.
    public static let errorCode = "FieldRoll-Error-Code"
}
