@preconcurrency import Crypto
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Logging
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real FieldRoll server on 127.0.0.1 with its own temporary data folder.
final class TestServer: Sendable {
    let server: RunningServer
    let directory: String
    var pipeline: SyncPipeline { server.pipeline }
    var base: String { "http://127.0.0.1:\(server.port)" }

    static let village = try! RegionCode("139901002201")
    static let otherVillage = try! RegionCode("139901003201")
    static let township = try! RegionCode("139901002000")

    /// A new server on `backend` (a fresh PostgreSQL database in the test cluster, or SQLite in a
    /// temporary folder). `logger` (e.g. one that captures lines) replaces the quiet default.
    init(backend: StorageBackendKind = .sqlite, logger: Logger? = nil, configure: (inout ServerConfiguration) -> Void = { _ in })
        async throws
    {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-test-\(UUID().uuidString)").path
        var config = ServerConfiguration(dataDirectory: directory, databaseURL: try backend.freshDatabaseURL())
        config.port = 0
        configure(&config)
        try await Self.initialize(config)
        if let logger {
            server = try await FieldRollServerApp.start(config, logger: logger)
        } else {
            server = try await FieldRollServerApp.start(config, logLevel: .critical)
        }
    }

    /// Makes a new server in the configuration's data folder or database, as `fieldroll-server init` does.
    static func initialize(_ config: ServerConfiguration) async throws {
        let storage = try await ServerOpener.storage(config, create: true)
        try await SyncPipeline.initialize(storage, now: Int64(Date().timeIntervalSince1970 * 1000))
        await storage.close()
    }

    /// Stops the server and removes its data.
    func close() async {
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Issues a code in storage and redeems it over HTTP, as a device would.
    func enrol(_ role: Role = .caseworker, scope: RegionCode = village, name: String = "李敏的平板") async throws -> TestDevice {
        let code = Secrets.enrolmentCode()
        _ = try await pipeline.createDevice(
            name: name, role: role, scope: scope, codeHash: Secrets.hash(code), expiresAt: Int64.max / 2, as: .operator(), now: 0)
        let key = Curve25519.Signing.PrivateKey()
        let (status, body) = try await request(
            "POST", "/v1/devices/enrol", json: ["code": .string(code), "publicKey": .string(key.publicKey.base64)])
        try #require(status == 201, "enrolment failed: \(String(decoding: body, as: UTF8.self))")
        let answer = try #require(try JSONValue(parsing: body).objectValue)
        let device = try #require(answer["device"]?.stringValue)
        let token = try #require(answer["token"]?.stringValue, "no token: the test stops here rather than go on unauthenticated")
        try #require(!token.isEmpty)
        return TestDevice(server: self, id: try NodeID(device), key: key, token: token, scope: scope)
    }

    /// One HTTP exchange; every answer is checked against the OpenAPI document.
    @discardableResult
    func request(
        _ method: String, _ path: String, token: String? = nil, json: JSONValue? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> (Int, Data) {
        let (status, data, _) = try await exchange(method, path, token: token, json: json, body: body, headers: headers)
        return (status, data)
    }

    func exchange(
        _ method: String, _ path: String, token: String? = nil, json: JSONValue? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> (Int, Data, HTTPURLResponse) {
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = method
        if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            req.httpBody = Data(json.canonicalBytes)
            req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body { req.httpBody = body }
        // libcurl otherwise sends `Expect: 100-continue` for bodies over 1 KiB and waits a second.
        req.setValue("", forHTTPHeaderField: "Expect")
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: req)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        let missing = OpenAPIChecker.shared.missingHeaders(
            method: method, path: path, status: http.statusCode, headers: http.allHeaderFields.keys.compactMap { $0 as? String })
        #expect(missing.isEmpty, "\(method) \(path) → \(http.statusCode) lacks the documented headers \(missing)")
        if method != "HEAD" {
            let problems = OpenAPIChecker.shared.check(
                method: method, path: path, status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data
            )
            #expect(problems.isEmpty, "\(method) \(path) → \(http.statusCode): \(problems)")
        }
        return (http.statusCode, data, http)
    }

    /// Parses a problem body.
    static func problem(_ data: Data) -> ProblemDetails? { try? JSONDecoder().decode(ProblemDetails.self, from: data) }
}

/// An enrolled device in tests: its key, token and clock.
final class TestDevice: @unchecked Sendable {
    let server: TestServer
    let id: NodeID
    let key: Curve25519.Signing.PrivateKey
    let token: String
    let scope: RegionCode
    var clock: HybridLogicalClock
    var physical: Int64 = Int64(Date().timeIntervalSince1970 * 1000)

    init(server: TestServer, id: NodeID, key: Curve25519.Signing.PrivateKey, token: String, scope: RegionCode) {
        self.server = server
        self.id = id
        self.key = key
        self.token = token
        self.scope = scope
        clock = HybridLogicalClock(node: id)
    }

    func stamp() -> HLCTimestamp {
        physical += 1
        return clock.tick(now: physical)
    }

    /// Field writes to one record, as a change.
    func writes(
        _ entity: EntityKind = .household, record: String, region: RegionCode? = nil, _ fields: [String: JSONValue],
        base: HLCTimestamp? = nil
    ) -> Change {
        let stamp = self.stamp()
        return Change(
            entity: entity, record: record, region: region ?? scope,
            payload: .writes(fields.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: base) })
        )
    }

    /// A new household's fields.
    func newHousehold(_ id: HouseholdID = HouseholdID(), region: RegionCode? = nil, phone: String = "13800138000") -> Change {
        writes(
            record: id.description, region: region,
            [
                "region": .string((region ?? scope).digits), "address": .string("东岗村3组12号"), "headName": .string("王建国"),
                "housing": .string("self-built"), "declaredMonthlyIncome": .int(60_000), "phone": .string(phone),
            ])
    }

    func changeSet(_ changes: [Change]) throws -> ChangeSet {
        try ChangeSet(origin: id, stamp: stamp(), changes: changes).signed(with: key)
    }

    /// Pushes change sets; returns status, decoded response (if 200) and the raw body.
    func push(_ sets: [ChangeSet]) async throws -> (Int, PushResponse?, Data) {
        let body = try JSONValue(encoding: PushRequest(changeSets: sets))
        let (status, data) = try await server.request("POST", "/v1/sync/push", token: token, json: body)
        return (status, try? JSONDecoder().decode(PushResponse.self, from: data), data)
    }

    /// Pushes one change set and returns its results.
    func push(_ changes: [Change]) async throws -> [ChangeResult] {
        let (status, response, data) = try await push([try changeSet(changes)])
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        return response?.results ?? []
    }

    /// Pulls every page after `cursor`.
    func pullAll(after cursor: String? = nil, limit: Int = 500) async throws -> (changes: [PulledChange], cursor: String) {
        var all: [PulledChange] = []
        var cursor = cursor
        for _ in 0..<1000 {
            var path = "/v1/sync/pull?limit=\(limit)"
            if let c = cursor { path += "&after=\(c)" }
            let (status, data) = try await server.request("GET", path, token: token)
            #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
            let page = try JSONDecoder().decode(PullPage.self, from: data)
            all += page.changes
            cursor = page.cursor.description
            if !page.more { break }
        }
        return (all, cursor ?? "")
    }
}
