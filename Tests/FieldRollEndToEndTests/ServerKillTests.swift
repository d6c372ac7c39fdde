import FieldRollCore
import FieldRollServer
import Foundation
import GRDB
import Testing

@testable import FieldRollClient

/// The `fieldroll-server` binary as a separate process that a test can SIGKILL.
final class ServerProcess {
    let data: URL
    let port: Int
    /// Added to every command: `--database URL --blobs DIR` for a PostgreSQL server.
    let extra: [String]
    var process: Process?

    static let binary: URL? = {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
        return [
            argv0.deletingLastPathComponent(), argv0.deletingLastPathComponent().deletingLastPathComponent(),
            repoRoot.appendingPathComponent(".build/debug"),
        ]
        .map { $0.appendingPathComponent("fieldroll-server") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    init(data: URL, extra: [String] = []) {
        self.data = data
        self.extra = extra
        port = Int.random(in: 20_000...40_000)
    }

    func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args + ["--data", data.path] + extra
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }

    /// Starts `serve` and waits (at most 20 s) until it answers.
    func start() async throws {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["serve", "--data", data.path, "--port", String(port)] + extra
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        process = p
        let client = CurlHTTPClient(endpoint: ServerEndpoint(baseURL: "http://127.0.0.1:\(port)"))
        for _ in 0..<200 {
            if (try? await client.send(HTTPRequest(method: "GET", path: "/healthz")))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClientError(.network, "the server did not start")
    }

    func killHard() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// Rows of the server's change log, by change id.
    func logCounts() throws -> [String: Int] {
        let db = try DatabaseQueue(path: data.appendingPathComponent("fieldroll.sqlite").path)
        defer { try? db.close() }
        return try db.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT change_id, COUNT(*) AS n FROM changes GROUP BY change_id").map {
                    ($0["change_id"] as String, $0["n"] as Int)
                }, uniquingKeysWith: +)
        }
    }
}

@Suite("The server killed mid-push")
struct ServerKillTests {
    @Test("SIGKILL during a long push, restart: nothing acknowledged is lost, nothing applies twice, the device converges")
    func killAndRestart() async throws {
        guard ServerProcess.binary != nil else {
            Issue.record("the fieldroll-server binary is not built")
            return
        }
        let data = tempDir("killed-server")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = ServerProcess(data: data)
        _ = try server.run(["init"])
        let issued = try JSONValue(
            parsing: Data(
                try server.run(["device", "enroll", "--name", "李敏", "--role", "caseworker", "--scope", village.digits, "--json"]).utf8))
        try await server.start()
        let endpoint = ServerEndpoint(baseURL: "http://127.0.0.1:\(server.port)")
        let dir = tempDir("device")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try DeviceStore.create(at: dir, credential: credential, name: "李敏")
        let grant = try await SyncAPI(http: CurlHTTPClient(endpoint: endpoint)).enrol(
            code: try #require(issued.objectValue?["code"]?.stringValue), publicKey: store.publicKey, device: store.deviceID)
        for i in 0..<600 {
            _ = try store.addHousehold(
                Household(region: village, address: "上河村\(i)号", headName: "王建国", housing: .owned, declaredMonthlyIncome: .yuan(Int64(i))))
        }
        var options = testOptions
        options.initialBatch = 20
        options.maxBatch = 20
        options.attempts = 2
        let engine = SyncEngine(
            store: store, api: SyncAPI(http: CurlHTTPClient(endpoint: endpoint), token: grant.token), server: grant.server, options: options
        )
        let first = Task { try await engine.sync() }
        // Kill it once some batches have committed, while the rest are still coming.
        for _ in 0..<300 {
            if (try? server.logCounts().count) ?? 0 >= 60 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        server.killHard()
        await #expect(throws: (any Error).self) { _ = try await first.value }
        let acknowledgedBefore = 600 - (try store.pending().changeSets)
        #expect(acknowledgedBefore < 600, "the push was cut short")
        // Everything the device dropped from its outbox is on the server.
        #expect(try server.logCounts().count >= acknowledgedBefore)

        try await server.start()
        defer { server.killHard() }
        let report = try await engine.sync()
        #expect(try store.pending().changeSets == 0)
        #expect(report.changesApplied + report.duplicates == 600 - acknowledgedBefore)
        let counts = try server.logCounts()
        #expect(counts.count == 600 && counts.values.allSatisfy { $0 == 1 }, "each change in the log exactly once")
        #expect(try store.households(in: village).count == 600)
    }
}
