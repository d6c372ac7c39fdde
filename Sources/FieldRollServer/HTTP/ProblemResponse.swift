import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457) with FieldRoll's stable code.
public struct ProblemResponse: HTTPResponseError {
    public var problem: ProblemDetails
    /// Extra headers that tell the client what to do next (e.g. `Upload-Offset`).
    public var headers: HTTPFields

    public init(_ problem: ProblemDetails, headers: HTTPFields = [:]) {
        self.problem = problem
        self.headers = headers
    }

    public init(_ code: ErrorCode, _ detail: String, status: Int? = nil, headers: HTTPFields = [:]) {
        self.init(
            ProblemDetails(code: code, status: status ?? ProblemDetails.status(for: code), title: ProblemDetails.title(for: code), detail: detail),
            headers: headers)
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: problem.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONEncoder().encode(problem)) ?? Data()
        var h = headers
        h[.contentType] = WireProtocol.problemMediaType
        h[.contentLength] = String(data.count)
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Any error as a problem: FieldRoll errors keep their code; Hummingbird's HTTP errors map to
    /// the nearest code; anything else is an internal error whose details stay in the log.
    public static func from(_ error: any Error) -> ProblemResponse {
        switch error {
        case let p as ProblemResponse: return p
        case let p as ProblemDetails: return ProblemResponse(p)
        case let e as any FieldRollError: return ProblemResponse(ProblemDetails(e))
        case let e as HTTPError:
            switch e.status.code {
            case 413: return ProblemResponse(.payloadTooLarge, "the request body is larger than this server accepts")
            case 404: return ProblemResponse(.notFound, "no such route", status: 404)
            case 405: return ProblemResponse(.notFound, "method not allowed on this route", status: 405)
            case 401: return ProblemResponse(.unauthorized, e.body ?? "sign in with a device token")
            default: return ProblemResponse(.malformedJSON, e.body ?? "bad request", status: e.status.code)
            }
        case let e as any HTTPResponseError where e.status.code == 413:
            return ProblemResponse(.payloadTooLarge, "the request body is larger than this server accepts")
        case is DecodingError: return ProblemResponse(.malformedJSON, "the body is not the JSON this route expects: \(ChangeApplier.describe(error))")
        default: return ProblemResponse(.internalError, "the server failed; nothing was written", status: 500)
        }
    }
}

/// Turns every error thrown below it into problem+json, and counts responses for `/metrics`.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            metrics.count(route: route, method: request.method.rawValue, status: response.status.code)
            return response
        } catch {
            let problem = ProblemResponse.from(error)
            if problem.problem.code == .internalError { context.logger.error("request failed: \(String(describing: error))") }
            metrics.count(route: route, method: request.method.rawValue, status: problem.problem.status)
            return try problem.response(from: request, context: context)
        }
    }
}
