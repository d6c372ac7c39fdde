@preconcurrency import Crypto
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Synchronization
import Testing

@testable import FieldRollClient

let village = try! RegionCode("139901002201")
let otherVillage = try! RegionCode("139901003201")
let township = try! RegionCode("139901002000")
let credential = Credential.passphrase("correct horse battery")
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func tempDir(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-e2e-\(name)-\(UUID().uuidString)")
}

/// Fast retries for tests: the same logic, shorter waits.
var testOptions: SyncOptions {
    var o = SyncOptions()
    o.baseBackoff = .milliseconds(5)
    o.maxBackoff = .milliseconds(50)
    return o
}

/// A real server on 127.0.0.1 (in this process) and devices that talk to it through libcurl.
final class Harness: Sendable {
    let server: RunningServer
    let directory: URL
    let configuration: ServerConfiguration
    var base: String { "http://127.0.0.1:\(server.port)" }
    var pipeline: SyncPipeline { server.pipeline }

    /// A server on `backend`, made as `fieldroll-server init` makes one.
    /// - Parameter restartable: listen on a port below the kernel's ephemeral range, so that no
    ///   outgoing connection of another test takes it while the test stops this server and starts
    ///   another on the same address (a restore); the kernel hands out any port otherwise.
    init(backend: StorageBackendKind = .sqlite, restartable: Bool = false, configure: (inout ServerConfiguration) -> Void = { _ in })
        async throws
    {
        directory = tempDir("server")
        var config = ServerConfiguration(dataDirectory: directory.path, databaseURL: try backend.freshDatabaseURL())
        config.port = 0
        configure(&config)
        let storage = try await ServerOpener.storage(config, create: true)
        try await SyncPipeline.initialize(storage, now: DeviceStore.systemClock())
        await storage.close()
        guard restartable else {
            configuration = config
            server = try await FieldRollServerApp.start(config, logLevel: .critical)
            return
        }
        // Another test may have picked the same port: try others, a bounded number of times.
        var attempt = 0
        while true {
            config.port = Self.portBelowEphemeralRange()
            do {
                server = try await FieldRollServerApp.start(config, logLevel: .critical)
                configuration = config
                return
            } catch let error as any FieldRollError where error.code == .cannotListen && attempt < 20 {
                attempt += 1
            }
        }
    }

    /// Starts a server again on the address a stopped one had, as an office restarts after a
    /// restore. The stopped server's sockets may hold the port for a moment: a bounded number of
    /// tries, a quarter second apart.
    static func startAgain(_ config: ServerConfiguration) async throws -> RunningServer {
        var attempt = 0
        while true {
            do { return try await FieldRollServerApp.start(config, logLevel: .critical) } catch let error as any FieldRollError
                where error.code == .cannotListen && attempt < 40
            {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// A port in the 12,000 below the first ephemeral port (`ip_local_port_range`; 32768 by
    /// default), where the kernel never puts the local end of an outgoing connection.
    static func portBelowEphemeralRange() -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let first = range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
        let top = max(first, 13_024)
        return Int.random(in: (top - 12_000)..<top)
    }

    func close() async {
        await server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Imports the fixture county as the central office would.
    func importCounty() async throws {
        func table(_ name: String) throws -> CSVTable {
            try CSVTable(parsing: String(contentsOf: repoRoot.appendingPathComponent("Fixtures/county/\(name)"), encoding: .utf8))
        }
        _ = try await OfficeImport(pipeline: pipeline).run(
            households: table("households.csv"), members: table("members.csv"), enrolments: table("enrolments.csv"), as: .operator(),
            history: true,
            now: DeviceStore.systemClock())
    }

    /// A new device store, enrolled over HTTP with its own key and id.
    func device(
        _ role: Role = .caseworker, scope: RegionCode = village, name: String = "李敏",
        clock: @escaping @Sendable () -> Int64 = DeviceStore.systemClock
    ) async throws -> Device {
        let dir = tempDir("device")
        let store = try await FieldRoll.create(at: dir, credential: credential, name: name, now: clock)
        let code = Secrets.enrolmentCode()
        _ = try await pipeline.createDevice(
            name: name, role: role, scope: scope, codeHash: Secrets.hash(code), expiresAt: Int64.max / 2, as: .operator(), now: 0)
        let endpoint = ServerEndpoint(baseURL: base)
        let grant = try await store.enrol(server: endpoint, code: code)
        return Device(store: store, directory: dir, token: grant.token, server: grant.server, endpoint: endpoint)
    }

    /// The server's merged values of every household and member in `scope`.
    func state(in scope: RegionCode) async throws -> [String: [String: JSONValue]] {
        var out: [String: [String: JSONValue]] = [:]
        for kind in [EntityKind.household, .member] {
            for r in try await pipeline.records(of: kind, in: scope) {
                if case .state(let s) = r.content { out[r.id] = s.values }
            }
        }
        return out
    }
}

/// An enrolled device in a test.
struct Device: Sendable {
    let store: DeviceStore
    let directory: URL
    let token: String
    let server: NodeID
    let endpoint: ServerEndpoint

    /// A sync through libcurl, optionally through a fault injector.
    func sync(through faults: FaultyHTTPClient? = nil, options: SyncOptions = testOptions) async throws -> SyncReport {
        let http: any HTTPClient = faults ?? CurlHTTPClient(endpoint: endpoint)
        return try await SyncEngine(store: store, api: SyncAPI(http: http, token: token), server: server, options: options).sync()
    }

    /// This device's merged values of every household and member in `scope`.
    func state(in scope: RegionCode) throws -> [String: [String: JSONValue]] {
        var out: [String: [String: JSONValue]] = [:]
        for h in try store.households(in: scope) {
            out[h.id.description] = try h.fieldValues
            for m in try store.household(h.id).members { out[m.id.description] = try m.fieldValues }
        }
        return out
    }

    func close() { try? FileManager.default.removeItem(at: directory) }
}

/// Wraps libcurl and breaks chosen requests the ways a township link breaks them.
final class FaultyHTTPClient: HTTPClient {
    enum Fault: Sendable {
        /// The connection fails before the request reaches the server.
        case cutBeforeSend
        /// The server gets and commits the request; the answer never arrives.
        case loseReply
        /// Only the first `n` bytes of the body arrive (a PUT cut mid-photo).
        case truncateBody(Int)
        /// Only the first `n` bytes of the answer's body arrive (a download cut mid-photo).
        case cutDownloadAfter(Int)
        /// The answer's body arrives with its first byte changed (a damaged download).
        case corruptDownload
    }

    let inner: CurlHTTPClient
    /// Decides the fault (if any) for the n-th request with this method and path prefix.
    let plan: Mutex<[(method: String, path: String, fault: Fault)]>
    let log = Mutex<[String]>([])
    /// The `Range` header of every download, in order ("" for none), by path.
    let ranges = Mutex<[String: [String]]>([:])
    /// Body bytes that reached the device in downloads, by path.
    let downloaded = Mutex<[String: Int]>([:])

    init(endpoint: ServerEndpoint, plan: [(method: String, path: String, fault: Fault)]) {
        inner = CurlHTTPClient(endpoint: endpoint)
        self.plan = Mutex(plan)
    }

    func send(_ request: HTTPRequest, streamingTo sink: @escaping @Sendable (HTTPResponse, Data) throws -> Void) async throws
        -> HTTPResponse
    {
        let fault = takeFault(request)
        log.withLock { $0.append("\(request.method) \(request.path)") }
        ranges.withLock { $0[request.path, default: []].append(request.headers[WireHeader.range] ?? "") }
        let path = request.path
        let seen = Mutex(0)
        return try await inner.send(request) { head, chunk in
            var chunk = chunk
            let before = seen.withLock { n in
                defer { n += chunk.count }
                return n
            }
            switch fault {
            case .cutDownloadAfter(let n) where before + chunk.count > n:
                let kept = chunk.prefix(max(0, n - before))
                self.downloaded.withLock { $0[path, default: 0] += kept.count }
                if !kept.isEmpty { try sink(head, Data(kept)) }
                throw ClientError(.network, "injected: download cut after \(n) bytes")
            case .corruptDownload where before == 0 && !chunk.isEmpty:
                chunk[chunk.startIndex] ^= 0xFF
            default: break
            }
            self.downloaded.withLock { $0[path, default: 0] += chunk.count }
            try sink(head, chunk)
        }
    }

    func takeFault(_ request: HTTPRequest) -> Fault? {
        plan.withLock { plan in
            guard let i = plan.firstIndex(where: { $0.method == request.method && request.path.hasPrefix($0.path) }) else { return nil }
            return plan.remove(at: i).fault
        }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let fault: Fault? = plan.withLock { plan in
            guard let i = plan.firstIndex(where: { $0.method == request.method && request.path.hasPrefix($0.path) }) else { return nil }
            return plan.remove(at: i).fault
        }
        log.withLock { $0.append("\(request.method) \(request.path)") }
        switch fault {
        case nil:
            return try await inner.send(request)
        case .cutBeforeSend:
            throw ClientError(.network, "injected: connection cut before sending")
        case .loseReply:
            _ = try await inner.send(request)
            throw ClientError(.network, "injected: the reply was lost")
        case .truncateBody(let n):
            var cut = request
            cut.body = request.body?.prefix(n)
            _ = try await inner.send(cut)
            throw ClientError(.network, "injected: connection cut after \(n) bytes")
        case .cutDownloadAfter, .corruptDownload:
            return try await inner.send(request)
        }
    }
}

/// Runs a program to its end and returns its exit status and output, waiting on a thread of its
/// own: the program may talk to a server in this test process, whose tasks need the cooperative
/// pool that a blocking wait there would hold (two such waits on a 2-core machine stall every
/// server of the run).
func runProgram(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) async throws -> (
    status: Int32, out: String, err: String
) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(
                with: Result {
                    let p = Process()
                    p.executableURL = executable
                    p.arguments = arguments
                    if let environment { p.environment = environment }
                    let out = Pipe()
                    let err = Pipe()
                    p.standardOutput = out
                    p.standardError = err
                    try p.run()
                    let o = out.fileHandleForReading.readDataToEndOfFile()
                    let e = err.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
                })
        }.start()
    }
}
