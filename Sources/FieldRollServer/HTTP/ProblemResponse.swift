import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457) with FieldRoll's stable code.
///
/// The status and title always come from the code's row in ``ErrorCode/table``, never from the
/// throw site, so the same code has the same status on every route.
public struct ProblemResponse: HTTPResponseError {
    public private(set) var problem: ProblemDetails
    /// Extra headers that tell the client what to do next (e.g. `Upload-Offset`, `Allow`).
    public var headers: HTTPFields

    /// Answers `problem` with the status and title its code owns (whatever `problem` says).
    public init(_ problem: ProblemDetails, headers: HTTPFields = [:]) {
        self.problem = ProblemDetails(problem.code, detail: problem.detail, issues: problem.issues)
        self.problem.requestId = problem.requestId
        self.headers = headers
    }

    /// A problem with `code` and a detail fit for a person.
    public init(_ code: ErrorCode, _ detail: String, headers: HTTPFields = [:]) {
        self.init(ProblemDetails(code, detail: detail), headers: headers)
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: problem.status) }

    /// The request id the body names as `requestId` (set by ``ProblemMiddleware``).
    public var requestID: String? {
        get { problem.requestId }
        set { problem.requestId = newValue }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONEncoder().encode(problem)) ?? Data()
        var h = headers
        h[.contentType] = WireProtocol.problemMediaType
        h[.contentLength] = String(data.count)
        // Beside the body, which a HEAD answer drops: a device still learns why it was refused.
        h[.errorCode] = problem.code.rawValue
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Any error as a problem: FieldRoll errors keep their code; Hummingbird's HTTP errors take
    /// the code their status stands for; anything else is an internal error whose details stay
    /// in the log.
    public static func from(_ error: any Error) -> ProblemResponse {
        switch error {
        case let p as ProblemResponse: return p
        case let p as ProblemDetails: return ProblemResponse(p)
        case let e as any FieldRollError: return ProblemResponse(ProblemDetails(e))
        case let e as HTTPError:
            let code = ErrorCode(httpStatus: e.status.code)
            return ProblemResponse(code, e.body ?? Self.defaultDetail(code), headers: e.headers)
        case let e as any HTTPResponseError:
            let code = ErrorCode(httpStatus: e.status.code)
            return ProblemResponse(code, Self.defaultDetail(code))
        case is DecodingError:
            return ProblemResponse(.malformedJSON, "the body is not the JSON this route expects: \(ChangeApplier.describe(error))")
        default: return ProblemResponse(.internalError, "the server failed; nothing was written")
        }
    }

    /// What to say when a framework error carries no text of its own.
    static func defaultDetail(_ code: ErrorCode) -> String {
        switch code {
        case .payloadTooLarge: "the request body is larger than this server accepts"
        case .notFound: "no such route"
        case .unauthorized: "sign in with a device token"
        case .internalError: "the server failed; nothing was written"
        default: code.definition?.meaning ?? "bad request"
        }
    }
}

/// Turns every error thrown below it into problem+json naming the request's id, and counts it
/// in `fieldroll_http_problems_total{code=…}`.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = ProblemResponse.from(error)
            if problem.problem.code == .internalError {
                context.logger.error("request failed: \(String(describing: error))", metadata: ["request_id": .string(context.requestID)])
            }
            problem.requestID = context.requestID.isEmpty ? nil : context.requestID
            metrics.problem(problem.problem.code)
            return try problem.response(from: request, context: context)
        }
    }
}
