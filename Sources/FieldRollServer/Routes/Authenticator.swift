import FieldRollCore
import Foundation
import Hummingbird

/// Checks `Authorization: Bearer <token>` on every protected route against storage, so a
/// revoked device is cut off on its very next request.
struct Authenticator: RouterMiddleware {
    typealias Context = ServerRequestContext
    let pipeline: SyncPipeline

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw ProblemResponse(
                .unauthorized, "send the device token as Authorization: Bearer <token>", headers: [.wwwAuthenticate: "Bearer"])
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        var context = context
        do {
            context.device = try await pipeline.authenticate(tokenHash: Secrets.hashToken(token), now: Clock.millis())
        } catch {
            // RFC 6750: every 401 names the scheme, and says when a token was sent but refused.
            let problem = ProblemResponse.from(error)
            guard problem.status == .unauthorized else { throw error }
            throw ProblemResponse(problem.problem, headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
        }
        return try await next(request, context)
    }
}

/// The server's wall clock in ms (one place, so tests and logs agree).
enum Clock {
    static func millis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

extension ServerRequestContext {
    /// The authenticated device; protected routes only run after ``Authenticator``.
    func requireDevice() throws -> DeviceIdentity {
        guard let device else { throw ProblemResponse(.unauthorized, "sign in with a device token") }
        return device
    }
}
