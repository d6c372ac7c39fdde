import FieldRollCore
import Foundation
import Hummingbird

/// `GET /v1/payments?month=YYYY-MM&region=CODE`: the monthly payment list
/// (``SyncPipeline/payments(for:in:)``) of the device's scope or a region inside it, for
/// approver and admin devices. A read: nothing is written.
struct PaymentRoutes {
    let pipeline: SyncPipeline

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.get(RouterPath(WireRoute.payments.routerPath)) { request, context in try await list(request, context) }
    }

    func list(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let query = request.uri.queryParameters
        guard let text = query.get("month"), let month = try? CalendarMonth(text) else {
            throw ProblemResponse(.invalidQuery, "month must be given as YYYY-MM, e.g. 2026-12")
        }
        var region: RegionCode?
        if let text = query.get("region"), !text.isEmpty {
            guard let asked = try? RegionCode(text) else { throw ProblemResponse(.invalidQuery, "region must be a 12-digit region code") }
            region = asked
        }
        // The pipeline decides the role and the scope.
        let list = try await pipeline.payments(for: month, in: region, as: .device(device))
        return try JSONBody.response(list, request: request)
    }
}
