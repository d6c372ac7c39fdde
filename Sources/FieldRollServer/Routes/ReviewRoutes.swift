import FieldRollCore
import Foundation
import Hummingbird

/// `GET /v1/review/queue`: what waits for review in the device's scope, for reviewer, approver
/// and admin devices. Decisions themselves are review actions, pushed like any change.
struct ReviewRoutes {
    let pipeline: SyncPipeline

    /// The most entries one page holds.
    static let maxPage = 500

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.get(RouterPath(WireRoute.reviewQueue.routerPath)) { request, context in try await queue(request, context) }
    }

    func queue(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        guard [.reviewer, .approver, .admin].contains(device.role) else {
            throw ProblemResponse(.forbidden, "a \(device.role.rawValue) device has no review queue")
        }
        let query = request.uri.queryParameters
        var step: ReviewStep?
        if let text = query.get("step"), !text.isEmpty {
            guard let s = ReviewStep(rawValue: text) else {
                throw ProblemResponse(.invalidQuery, "step must be one of \(ReviewStep.wireNames.joined(separator: ", "))")
            }
            step = s
        }
        let offset = try Self.number(query.get("offset"), name: "offset", default: 0, range: 0...Int.max)
        let limit = try Self.number(query.get("limit"), name: "limit", default: 100, range: 1...Int.max)
        let today = CalendarDate(chinaDayOf: Instant(millis: Clock.millis()))
        let cases = try await pipeline.reviewCases(in: device.scope, step: step, role: device.role, today: today)
        let page = cases.dropFirst(offset).prefix(min(limit, Self.maxPage))
        return try JSONBody.response(ReviewQueuePage(entries: Array(page), total: cases.count, offset: offset), request: request)
    }

    static func number(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text, !text.isEmpty else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw ProblemResponse(.invalidQuery, "\(name) must be a whole number of at least \(range.lowerBound)")
        }
        return n
    }
}
