import FieldRollCore
import FieldRollGzip
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Bad input gets problem+json with a stable code and writes nothing")
struct BadInputTests {
    /// Pushes raw bytes and returns status and problem code.
    func pushRaw(_ device: TestDevice, _ body: Data, headers: [String: String] = [:]) async throws -> (Int, ErrorCode?) {
        let (status, data) = try await device.server.request(
            "POST", "/v1/sync/push", token: device.token, body: body,
            headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a })
        return (status, TestServer.problem(data)?.code)
    }

    @Test("malformed JSON, wrong types, unknown members and a foreign protocol version", arguments: StorageBackendKind.allCases)
    func shapes(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        #expect(try await pushRaw(device, Data("{\"protocol\": ".utf8)) == (400, .malformedJSON))
        #expect(try await pushRaw(device, Data(#"{"protocol":"fieldroll/v1","changeSets":"many"}"#.utf8)) == (400, .malformedJSON))
        #expect(try await pushRaw(device, Data(#"{"protocol":"fieldroll/v1","changeSets":[],"extra":1}"#.utf8)) == (422, .unknownField))
        #expect(try await pushRaw(device, Data(#"{"protocol":"fieldroll/v9","changeSets":[]}"#.utf8)) == (400, .unsupportedVersion))
        var body = try JSONValue(encoding: PushRequest(changeSets: [try device.changeSet([device.newHousehold()])]))
        if case .object(var o) = body, case .array(var sets)? = o["changeSets"], case .object(var set) = sets[0] {
            set["priority"] = .string("high")
            sets[0] = .object(set)
            o["changeSets"] = .array(sets)
            body = .object(o)
        }
        #expect(try await pushRaw(device, Data(body.canonicalBytes)) == (422, .unknownField))
        // A field write of the wrong type is refused per change.
        let results = try await device.push([
            device.writes(record: HouseholdID().description, ["housingArea": "eighty", "region": .string(TestServer.village.digits)])
        ])
        #expect(results.first?.code == .invalidRecord)
        let unknownField = try await device.push([device.writes(record: HouseholdID().description, ["favouriteColour": "red"])])
        #expect(unknownField.first?.code == .unknownField)
        #expect(try await device.pullAll().changes.isEmpty)
    }

    @Test("oversized bodies and batches are refused before anything is written", arguments: StorageBackendKind.allCases)
    func limits(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend) {
            $0.maxPushBytes = 20_000
            $0.maxChangesPerPush = 5
        }
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let many = try device.changeSet((0..<6).map { _ in device.newHousehold() })
        let (status, _, data) = try await device.push([many])
        #expect(status == 413 && TestServer.problem(data)?.code == .batchTooLarge)
        let huge = Data(repeating: UInt8(ascii: " "), count: 30_000)
        let hugeResult = try await pushRaw(device, huge)
        #expect(hugeResult == (413, .payloadTooLarge), "\(hugeResult)")
        // A gzip body that inflates past the limit is stopped there.
        let bomb = Data(Gzip.compress(Array(repeating: UInt8(ascii: " "), count: 2_000_000)))
        #expect(try await pushRaw(device, bomb, headers: ["Content-Encoding": "gzip"]) == (413, .payloadTooLarge))
        #expect(try await pushRaw(device, Data([0x1f, 0x8b, 1, 2, 3]), headers: ["Content-Encoding": "gzip"]) == (400, .malformedJSON))
        #expect(try await device.pullAll().changes.isEmpty)
    }

    @Test("gzip request and response bodies work", arguments: StorageBackendKind.allCases)
    func gzip(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let body = try JSONValue(encoding: PushRequest(changeSets: [try device.changeSet((0..<20).map { _ in device.newHousehold() })]))
        let compressed = Data(Gzip.compress(body.canonicalBytes))
        let (status, data) = try await server.request(
            "POST", "/v1/sync/push", token: device.token, body: compressed,
            headers: ["Content-Encoding": "gzip", "Content-Type": "application/json"])
        #expect(status == 200)
        #expect(try JSONDecoder().decode(PushResponse.self, from: data).results.allSatisfy { $0.status == .applied })
        let (_, pulled, http) = try await server.exchange("GET", "/v1/sync/pull", token: device.token, headers: ["Accept-Encoding": "gzip"])
        // URLSession may inflate transparently; either way the page decodes and says it was gzip.
        #expect(
            http.value(forHTTPHeaderField: "Content-Encoding") == "gzip" || (try? JSONDecoder().decode(PullPage.self, from: pulled)) != nil)
        let page =
            (try? JSONDecoder().decode(PullPage.self, from: pulled))
            ?? (try? JSONDecoder().decode(PullPage.self, from: Data(Gzip.decompress(Array(pulled), limit: 10_000_000))))
        #expect(page?.changes.count == 20)
    }

    @Test("unknown routes and methods answer problem+json too", arguments: StorageBackendKind.allCases)
    func routes(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let (status, health, http) = try await server.exchange("GET", "/healthz")
        #expect(status == 200 && http.value(forHTTPHeaderField: "Content-Type") == "application/json")
        // The health answers are the wire types in FieldRollCore (the checker holds them to docs/openapi.json).
        #expect(try JSONDecoder().decode(HealthStatus.self, from: health) == HealthStatus(server: server.pipeline.serverNode))
        // Ready once the database answers within /readyz's 2 s: on a machine busy with the whole
        // suite, a fresh pool's first PostgreSQL connection may take longer, so a bounded few tries.
        var (readyStatus, ready, _) = try await server.exchange("GET", "/readyz")
        for _ in 0..<10 where readyStatus != 200 {
            try await Task.sleep(for: .milliseconds(500))
            (readyStatus, ready, _) = try await server.exchange("GET", "/readyz")
        }
        #expect(readyStatus == 200)
        #expect(
            try JSONDecoder().decode(ReadinessStatus.self, from: ready)
                == ReadinessStatus(server: server.pipeline.serverNode, database: backend.rawValue))
        let (metrics, body) = try await server.request("GET", "/metrics")
        #expect(
            metrics == 200
                && String(decoding: body, as: UTF8.self).contains(
                    "fieldroll_http_request_duration_seconds_count{route=\"/healthz\",method=\"GET\",status=\"200\"} 1")
        )
        // An unknown route: 404 not-found as problem+json (the checker holds it to the shared NotFound answer).
        for path in ["/nowhere", "/v1/sync/nowhere", "/v1/blobs/\(String(repeating: "a", count: 64))/more"] {
            let (missing, data, answer) = try await server.exchange("GET", path)
            #expect(missing == 404 && TestServer.problem(data)?.code == .notFound, "\(path)")
            #expect(answer.value(forHTTPHeaderField: "Content-Type") == WireProtocol.problemMediaType)
        }
        // A known path with a method it does not answer: 405 with Allow, before any token is asked for.
        let blob = "/v1/blobs/\(String(repeating: "b", count: 64))"
        for (method, path, allow) in [
            ("DELETE", "/v1/sync/push", "POST"), ("POST", "/v1/sync/pull", "GET"), ("PATCH", blob, "GET, HEAD, PUT"),
            ("POST", "/healthz", "GET"),
        ] {
            let (status, data, answer) = try await server.exchange(method, path)
            let problem = TestServer.problem(data)
            #expect(status == 405 && problem?.code == .methodNotAllowed && problem?.status == 405, "\(method) \(path)")
            #expect(answer.value(forHTTPHeaderField: "Allow") == allow, "\(method) \(path)")
            #expect(answer.value(forHTTPHeaderField: "Content-Type") == WireProtocol.problemMediaType)
        }
    }

    @Test("a bad query parameter, header or path segment has its own code, the same on every route", arguments: StorageBackendKind.allCases)
    func parameters(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        for limit in ["lots", "0", "-3"] {
            let (status, data) = try await server.request("GET", "/v1/sync/pull?limit=\(limit)", token: device.token)
            #expect(status == 400 && TestServer.problem(data)?.code == .invalidQuery, "limit=\(limit)")
        }
        let (cursor, cursorBody) = try await server.request("GET", "/v1/sync/pull?after=elsewhere:12", token: device.token)
        #expect(cursor == 400 && TestServer.problem(cursorBody)?.code == .badCursor)
        let blob = "/v1/blobs/\(String(repeating: "c", count: 64))"
        for headers in [["Upload-Length": "lots"], [:], ["Upload-Length": "4", "Upload-Offset": "first"]] {
            let (status, data) = try await server.request("PUT", blob, token: device.token, body: Data("abcd".utf8), headers: headers)
            #expect(status == 400 && TestServer.problem(data)?.code == .invalidHeader, "\(headers)")
        }
        for method in ["GET", "PUT"] {
            let (status, data) = try await server.request(
                method, "/v1/blobs/not-a-digest", token: device.token, body: method == "PUT" ? Data("x".utf8) : nil,
                headers: ["Upload-Length": "1"])
            #expect(status == 400 && TestServer.problem(data)?.code == .invalidPath, "\(method)")
        }
        // invalid-record is 422 wherever it is raised: a push naming one change id twice, a bad enrolment key.
        let change = device.newHousehold()
        let twice = try JSONValue(encoding: PushRequest(changeSets: [try device.changeSet([change, change])]))
        #expect(try await pushRaw(device, Data(twice.canonicalBytes)) == (422, .invalidRecord))
        #expect(try await device.pullAll().changes.isEmpty)
    }

    @Test("a CSV file that is not UTF-8, not CSV or not there gets its own code, in the library and the CLI")
    func csvFiles() throws {
        // 户主,地址 / 王建国,东岗村 as a GBK spreadsheet export writes it.
        let gbk = Data([
            0xBB, 0xA7, 0xD6, 0xF7, 0x2C, 0xB5, 0xD8, 0xD6, 0xB7, 0x0A, 0xCD, 0xF5, 0xBD, 0xA8, 0xB9, 0xFA, 0x2C, 0xB6, 0xAB, 0xB8, 0xDA,
            0xB4, 0xE5, 0x0A,
        ])
        #expect(String(validating: gbk, as: UTF8.self) == nil)
        func code(_ body: () throws -> Void) -> ErrorCode? {
            do { try body() } catch { return (error as? CSVFileError)?.code ?? "not-a-csv-file-error" }
            return nil
        }
        #expect(code { _ = try CSVTable(data: gbk, name: "households.csv") } == .unsupportedEncoding)
        #expect(code { _ = try CSVTable(data: Data("a,b\n\"open,2\n".utf8), name: "households.csv") } == .invalidCSV)
        #expect(code { _ = try CSVTable(contentsOfFile: "/nonexistent/households.csv") } == .notFound)
        #expect(code { _ = try CSVTable(data: Data("\u{FEFF}户主,地址\n王建国,东岗村\n".utf8), name: "households.csv") } == nil)
        // The import command reads the files before it opens a server, so no server is needed here.
        guard CLI.binary != nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("households.csv")
        try gbk.write(to: file)
        let (status, _, err) = try CLI.run(["import", "--data", folder.appendingPathComponent("data").path, "--households", file.path])
        #expect(status == 1 && err.hasPrefix("Error: unsupported-encoding: "), "\(err)")
        try Data("a,b\n1\n".utf8).write(to: file)
        let (ragged, _, raggedErr) = try CLI.run([
            "import", "--data", folder.appendingPathComponent("data").path, "--households", file.path,
        ])
        #expect(ragged == 1 && raggedErr.hasPrefix("Error: invalid-csv: "), "\(raggedErr)")
    }
}
