import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollClient

@Suite("Several server processes on one PostgreSQL")
struct MultiProcessTests {
    @Test(
        "two processes, many devices pushing and pulling at once: every device ends with exactly the server's changes, none skipped, none twice"
    )
    func twoProcesses() async throws {
        guard ServerProcess.binary != nil else {
            Issue.record("the fieldroll-server binary is not built")
            return
        }
        let url = try #require(try StorageBackendKind.postgres.freshDatabaseURL())
        let shared = tempDir("shared")
        defer { try? FileManager.default.removeItem(at: shared) }
        let extra = ["--database", url, "--blobs", shared.appendingPathComponent("blobs").path]
        let a = ServerProcess(data: shared.appendingPathComponent("a"), extra: extra)
        let b = ServerProcess(data: shared.appendingPathComponent("b"), extra: extra)
        _ = try a.run(["init"])
        let deviceCount = 8
        let rounds = 4
        let perRound = 6
        var codes: [String] = []
        for i in 0..<deviceCount {
            let out = try a.run(["device", "enroll", "--name", "平板\(i)", "--role", "caseworker", "--scope", village.digits, "--json"])
            codes.append(try #require(try JSONValue(parsing: Data(out.utf8)).objectValue?["code"]?.stringValue))
        }
        try await a.start()
        try await b.start()
        defer {
            a.killHard()
            b.killHard()
        }
        // Half the devices talk to each process, as a proxy would spread them.
        var devices: [(DeviceStore, SyncEngine, URL)] = []
        for (i, code) in codes.enumerated() {
            let server = i % 2 == 0 ? a : b
            let endpoint = ServerEndpoint(baseURL: "http://127.0.0.1:\(server.port)")
            let dir = tempDir("device")
            let store = try DeviceStore.create(at: dir, credential: credential, name: "平板\(i)")
            let grant = try await SyncAPI(http: CurlHTTPClient(endpoint: endpoint)).enrol(
                code: code, publicKey: store.publicKey, device: store.deviceID)
            var options = testOptions
            options.pullPageSize = 7  // small pages: many pulls interleave with other processes' commits
            devices.append(
                (
                    store,
                    SyncEngine(
                        store: store, api: SyncAPI(http: CurlHTTPClient(endpoint: endpoint), token: grant.token), server: grant.server,
                        options: options), dir
                ))
        }
        defer { for d in devices { try? FileManager.default.removeItem(at: d.2) } }

        let pulled = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (i, (store, engine, _)) in devices.enumerated() {
                group.addTask {
                    var total = 0
                    for round in 0..<rounds {
                        for k in 0..<perRound {
                            _ = try store.addHousehold(
                                Household(
                                    region: village, address: "设备\(i)第\(round)轮\(k)号", headName: "王建国", housing: .owned,
                                    declaredMonthlyIncome: .yuan(1)))
                        }
                        total += try await engine.sync().pulled
                    }
                    return (i, total)
                }
            }
            var all = [Int](repeating: 0, count: deviceCount)
            for try await (i, n) in group { all[i] = n }
            return all
        }
        // A last sync each, once every push has committed.
        var finalPulls: [Int] = []
        for (_, engine, _) in devices { finalPulls.append(try await engine.sync().pulled) }

        let storage = try await ServerOpener.storage(ServerConfiguration(dataDirectory: shared.path, databaseURL: url), create: false)
        defer { Task { await storage.close() } }
        let serverIDs = Set(try await storage.records(of: .household, in: village).map(\.id))
        let logged = try await storage.changes(after: 0, in: village, limit: 100_000)
        #expect(serverIDs.count == deviceCount * rounds * perRound)
        #expect(logged.count == serverIDs.count, "one logged change per household")
        #expect(Set(logged.map(\.position)).count == logged.count && logged.map(\.position) == logged.map(\.position).sorted())
        for (i, (store, _, _)) in devices.enumerated() {
            let ids = Set(try store.households(in: village).map(\.id.description))
            #expect(ids == serverIDs, "device \(i) holds exactly the server's households")
            // Every change in scope reached it exactly once: never skipped, never twice.
            #expect(pulled[i] + finalPulls[i] == logged.count, "device \(i) pulled \(pulled[i] + finalPulls[i]) of \(logged.count)")
        }
    }
}
