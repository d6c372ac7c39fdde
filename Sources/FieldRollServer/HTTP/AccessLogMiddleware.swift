import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost step of every request: gives it an `X-Request-ID`, echoes the id in the
/// response, times it for `fieldroll_http_request_duration_seconds` and writes one access log
/// line at `.info`.
///
/// The line carries only what an operator needs and nothing personal: method, the route pattern
/// (the raw path, without its query, only when no route matched), status, duration in ms, the
/// device when the request authenticated, and the request id. Never a header, a token, a query
/// string or a body.
///
/// ```
/// … info fieldroll-server : device=2f1c… duration_ms=3.214 method=POST path=/v1/sync/push request_id=9b0e… status=200 [FieldRollServer] request
/// ```
///
/// Add it first, so it wraps ``ProblemMiddleware`` and every route.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let logger: Logger
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        context.requestID = RequestID.forRequest(request.headers)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ProblemMiddleware answers every error; this is only the last resort.
            var problem = ProblemResponse.from(error)
            problem.requestID = context.requestID
            metrics.problem(problem.problem.code)
            response = try problem.response(from: request, context: context)
        }
        response.headers[.requestID] = context.requestID
        let duration = ContinuousClock.now - start
        // Hummingbird names the not-found responder "NotFound"; nil means no route was reached.
        let pattern = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
        metrics.requestFinished(route: pattern ?? "unmatched", method: request.method, status: response.status.code, duration: duration)
        var metadata: Logger.Metadata = [
            "request_id": .string(context.requestID),
            "method": .string(String(request.method.rawValue.prefix(20))),
            "path": .string(pattern ?? Self.loggable(request.uri.path)),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(Self.milliseconds(duration)),
        ]
        if let device = context.trace.device { metadata["device"] = .string(device.rawValue) }
        if let agent = request.headers[.userAgent] { metadata["user_agent"] = .string(Self.loggable(agent)) }
        logger.info("request", metadata: metadata)
        return response
    }

    /// A raw path fit for one log line: at most 200 characters, no control characters.
    static func loggable(_ path: String) -> String {
        String(String.UnicodeScalarView(path.unicodeScalars.prefix(200).map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// Milliseconds with three decimals.
    static func milliseconds(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return String(format: "%.3f", ms)
    }
}
