import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation
import Synchronization
import Testing

/// A link that holds every push for a moment (a slow 3G upload) and logs each request.
private final class SlowPushes: HTTPClient {
    let inner: CurlHTTPClient
    let log = Mutex<[String]>([])

    init(endpoint: ServerEndpoint) { inner = CurlHTTPClient(endpoint: endpoint) }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await hold(request)
        return try await inner.send(request)
    }

    func send(_ request: HTTPRequest, streamingTo sink: @escaping @Sendable (HTTPResponse, Data) throws -> Void) async throws
        -> HTTPResponse
    {
        try await hold(request)
        return try await inner.send(request, streamingTo: sink)
    }

    private func hold(_ request: HTTPRequest) async throws {
        log.withLock { $0.append("\(request.method) \(request.path.split(separator: "?").first ?? "")") }
        if request.path.hasPrefix(WireRoute.push.template) { try await Task.sleep(for: .milliseconds(400)) }
    }
}

/// An app that calls `sync()` from two places at once (a pull-to-refresh beside the background
/// timer) sends its outbox once: the second call joins the first.
@Suite("One sync at a time per store")
struct SyncGateTests {
    @Test("two syncs at once on one store push the outbox once and both get the same report")
    func concurrentSyncsJoin() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let device = try await harness.device()
        defer { device.close() }
        for n in 1...40 {
            _ = try device.store.addHousehold(
                Household(
                    region: village, address: "上河村3组\(n)号", headName: "户主\(n)", housing: .selfBuilt,
                    declaredMonthlyIncome: .yuan(600)))
        }
        let link = SlowPushes(endpoint: device.endpoint)
        // Two engines over one store, as two parts of an app would make them.
        let engine: @Sendable () -> SyncEngine = {
            SyncEngine(store: device.store, api: SyncAPI(http: link, token: device.token), server: device.server)
        }
        let one = engine()
        let two = engine()
        async let first = one.sync()
        async let second = two.sync()
        let (a, b) = try await (first, second)
        #expect(a == b, "the second call got the first one's report")
        #expect(a.changesApplied == 40 && a.duplicates == 0)
        let sent = link.log.withLock { $0 }
        #expect(sent.filter { $0 == "POST \(WireRoute.push.template)" }.count == 1, "one push of 40 change sets: \(sent)")
        #expect(sent.filter { $0 == "GET \(WireRoute.pull.template)" }.count == 1, "\(sent)")
        #expect(try await harness.pipeline.records(of: .household, in: village).count == 40)

        // The gate opens again: a later sync runs on its own and finds nothing to send.
        let later = try await engine().sync()
        #expect(later.changesApplied == 0 && later.duplicates == 0)
        #expect(link.log.withLock { $0.count } > sent.count)
    }
}
