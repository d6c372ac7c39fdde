import FieldRollCore
import Foundation
import Hummingbird

/// `POST /v1/sync/push` and `GET /v1/sync/pull`.
struct SyncRoutes {
    let pipeline: SyncPipeline
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.post(RouterPath(WireRoute.push.routerPath)) { request, context in try await push(request, context) }
        group.get(RouterPath(WireRoute.pull.routerPath)) { request, context in try await pull(request, context) }
    }

    func push(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let (bytes, wire) = try await JSONBody.body(request, limit: configuration.maxPushBytes)
        metrics.pushBody(bytes: wire)
        let raw = try JSONBody.value(bytes)
        try Self.checkShape(raw)
        let push: PushRequest
        do { push = try PushRequest(json: raw) } catch {
            throw ProblemResponse(.malformedJSON, "the body is not a valid push: \(error.message)")
        }
        guard push.protocol == WireProtocol.version else {
            throw ProblemResponse(
                .unsupportedVersion, "this server speaks \(WireProtocol.version), the request \(push.protocol.prefix(40))")
        }
        guard push.changeCount <= configuration.maxChangesPerPush else {
            throw ProblemResponse(.batchTooLarge, "\(push.changeCount) changes in one push; at most \(configuration.maxChangesPerPush)")
        }
        let ids = push.changeSets.flatMap { $0.changes.map(\.id) }
        guard Set(ids).count == ids.count else { throw ProblemResponse(.invalidRecord, "a push names the same change id twice") }
        let response = try await pipeline.push(push.changeSets, as: .device(device), now: Clock.millis())
        metrics.pushed(response.results)
        return try JSONBody.response(response, request: request)
    }

    /// The v1 members of a push body; anything else is `unknown-field`.
    static func checkShape(_ raw: JSONValue) throws {
        try JSONBody.checkKeys(raw, allowed: PushRequest.wireMembers, at: "the push")
        for (i, set) in (raw.objectValue?["changeSets"]?.arrayValue ?? []).enumerated() {
            try JSONBody.checkKeys(set, allowed: ChangeSet.wireMembers, at: "changeSets[\(i)]")
            for (j, change) in (set.objectValue?["changes"]?.arrayValue ?? []).enumerated() {
                try JSONBody.checkKeys(change, allowed: Change.wireMembers, at: "changeSets[\(i)].changes[\(j)]")
                for (k, write) in (change.objectValue?["writes"]?.arrayValue ?? []).enumerated() {
                    try JSONBody.checkKeys(write, allowed: FieldWrite.wireMembers, at: "changeSets[\(i)].changes[\(j)].writes[\(k)]")
                }
            }
        }
    }

    func pull(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        var position: Int64 = 0
        if let after = request.uri.queryParameters.get("after"), !after.isEmpty {
            let cursor = try SyncCursor(after)
            guard cursor.issuer == pipeline.serverNode else {
                throw ProblemResponse(
                    .badCursor,
                    "cursor \(after.prefix(80)) was issued by \(cursor.issuer), not by this server (\(pipeline.serverNode)); pull from the start"
                )
            }
            position = cursor.position
        }
        var limit = WireProtocol.defaultPullPageSize
        if let text = request.uri.queryParameters.get("limit") {
            guard let n = Int(text), n >= 1 else { throw ProblemResponse(.invalidQuery, "limit must be a whole number of at least 1") }
            limit = min(n, configuration.maxPullPage)
        }
        let page = try await pipeline.pullJSON(after: position, scope: device.scope, limit: limit, now: Clock.millis())
        metrics.pulled(page.count)
        var response = JSONBody.response(canonical: page.bytes, request: request)
        metrics.pullBody(bytes: response.headers[.contentLength].flatMap { Int($0) } ?? 0)
        response.headers[.photoPolicy] = configuration.devicePhotos.policy(for: device.role).rawValue
        return response
    }
}
