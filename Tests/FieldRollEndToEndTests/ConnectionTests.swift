import FieldRollCore
import Foundation
import Synchronization
import Testing

@testable import FieldRollClient

/// A loopback port that accepts connections (the kernel completes them) and never answers: a
/// server that hangs.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(fd >= 0 && bound == 0 && listen(fd, 8) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        self.port = port
    }

    deinit { close(fd) }
}

/// Counts requests and the connections they opened.
final class CountingHTTP: HTTPClient {
    let inner: CurlHTTPClient
    let counts = Mutex((requests: 0, opened: 0))

    init(inner: CurlHTTPClient) { self.inner = inner }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let answer = try await inner.send(request)
        counts.withLock {
            $0.requests += 1
            $0.opened += answer.newConnections
        }
        return answer
    }
}

@Suite("The device keeps one connection across a sync, names itself, and stops when cancelled")
struct ConnectionTests {
    @Test("requests through one client after the first go out on the kept-alive connection")
    func connectionIsReused() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let client = CurlHTTPClient(endpoint: ServerEndpoint(baseURL: harness.base))
        var opened: [Int] = []
        for _ in 0..<5 {
            let answer = try await client.send(HTTPRequest(method: "GET", path: "/healthz"))
            #expect(answer.status == 200)
            opened.append(answer.newConnections)
        }
        #expect(opened == [1, 0, 0, 0, 0])
        // Another client opens its own connection.
        let other = try await CurlHTTPClient(endpoint: ServerEndpoint(baseURL: harness.base)).send(
            HTTPRequest(method: "GET", path: "/healthz"))
        #expect(other.newConnections == 1)
    }

    @Test("a whole sync of a device with work to push and pull opens one connection")
    func syncUsesOneConnection() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        try await harness.importCounty()
        let device = try await harness.device()
        defer { device.close() }
        let counting = CountingHTTP(inner: CurlHTTPClient(endpoint: device.endpoint))
        _ = try device.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        let report = try await SyncEngine(store: device.store, api: SyncAPI(http: counting, token: device.token), server: device.server)
            .sync()
        #expect(report.changesApplied > 0 && report.pulled > 0)
        let (requests, opened) = counting.counts.withLock { $0 }
        #expect(requests >= 2, "a push and at least one page: \(report)")
        #expect(opened == 1)
    }

    @Test("cancelling the task ends a request to a server that never answers, long before curl's stall limit")
    func cancellationStopsTheTransfer() async throws {
        let silent = try SilentListener()
        let client = CurlHTTPClient(endpoint: ServerEndpoint(baseURL: "http://127.0.0.1:\(silent.port)"))
        let request = Task { try await client.send(HTTPRequest(method: "GET", path: "/healthz")) }
        try await Task.sleep(for: .milliseconds(300))
        request.cancel()
        // Without cancellation this would end after the 30 s stall limit with a network error.
        await #expect(throws: CancellationError.self) { try await request.value }
    }

    @Test("every request names the client, its release and the protocol in User-Agent")
    func userAgent() {
        let agent = CurlHTTPClient.userAgent
        #expect(agent.hasPrefix("fieldroll/\(FieldRollRelease.number) (protocol \(WireProtocol.version)) libcurl/"))
    }
}
