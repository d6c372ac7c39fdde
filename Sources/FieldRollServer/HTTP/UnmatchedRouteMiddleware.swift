import FieldRollCore
import HTTPTypes
import Hummingbird

/// Answers the requests no route matched: 405 `method-not-allowed` with an `Allow` header when
/// the path exists under other methods, 404 `not-found` when it does not exist at all.
///
/// Hummingbird answers both cases with a bare 404. Add this middleware to the router *after*
/// every route: router middleware wraps the routes added after it and the not-found responder,
/// so this one runs only for unmatched requests (and ``ProblemMiddleware``, added first, still
/// writes its answer as problem+json).
///
/// ```swift
/// router.add(middleware: UnmatchedRouteMiddleware(routes: router.routes))
/// ```
struct UnmatchedRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Every registered path with the methods it answers.
    let routes: [(path: RouterPath, methods: [HTTPRequest.Method])]
    /// The 404 page for paths under `/console` (people read those, not programs); nil: problem+json everywhere.
    let htmlNotFound: (@Sendable (Request) -> Response)?

    init(routes: [Router<Context>.RouteDescription], htmlNotFound: (@Sendable (Request) -> Response)? = nil) {
        self.htmlNotFound = htmlNotFound
        var byPath: [(path: RouterPath, methods: [HTTPRequest.Method])] = []
        for route in routes {
            if let i = byPath.firstIndex(where: { $0.path == route.path }) {
                byPath[i].methods.append(route.method)
            } else {
                byPath.append((route.path, [route.method]))
            }
        }
        self.routes = byPath
    }

    /// The methods registered for `path` (a request path, without the query), sorted.
    func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = routes.filter { Self.matches($0.path, segments) }.flatMap(\.methods)
        return Set(methods.map(\.rawValue)).sorted().compactMap { HTTPRequest.Method($0) }
    }

    /// Whether a route's path matches the request's segments, as the router's trie would.
    static func matches(_ route: RouterPath, _ segments: [Substring]) -> Bool {
        let elements = route.components
        for (i, element) in elements.enumerated() {
            if element.description == "**" { return segments.count >= i }
            guard i < segments.count, element ~= segments[i] else { return false }
        }
        return elements.count == segments.count
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            let allowed = allowedMethods(for: path)
            guard !allowed.isEmpty else {
                if let htmlNotFound, path == "/console" || path.hasPrefix("/console/") { return htmlNotFound(request) }
                throw ProblemResponse(.notFound, "no route \(request.method.rawValue) \(path.prefix(120))")
            }
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            throw ProblemResponse(
                .methodNotAllowed, "\(path.prefix(120)) answers \(list), not \(request.method.rawValue.prefix(20))", headers: [.allow: list]
            )
        }
    }
}
