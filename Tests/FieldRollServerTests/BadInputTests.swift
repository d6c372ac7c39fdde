import FieldRollGzip
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Bad input gets problem+json with a stable code and writes nothing")
struct BadInputTests {
    /// Pushes raw bytes and returns status and problem code.
    func pushRaw(_ device: TestDevice, _ body: Data, headers: [String: String] = [:]) async throws -> (Int, ErrorCode?) {
        let (status, data) = try await device.server.request("POST", "/v1/sync/push", token: device.token, body: body, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a })
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
        let results = try await device.push([device.writes(record: HouseholdID().description, ["housingArea": "eighty", "region": .string(TestServer.village.digits)])])
        #expect(results.first?.code == .invalidRecord)
        let unknownField = try await device.push([device.writes(record: HouseholdID().description, ["favouriteColour": "red"])])
        #expect(unknownField.first?.code == .unknownField)
        #expect(try await device.pullAll().changes.isEmpty)
    }

    @Test("oversized bodies and batches are refused before anything is written", arguments: StorageBackendKind.allCases)
    func limits(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend) { $0.maxPushBytes = 20_000; $0.maxChangesPerPush = 5 }
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
        let (status, data) = try await server.request("POST", "/v1/sync/push", token: device.token, body: compressed, headers: ["Content-Encoding": "gzip", "Content-Type": "application/json"])
        #expect(status == 200)
        #expect(try JSONDecoder().decode(PushResponse.self, from: data).results.allSatisfy { $0.status == .applied })
        let (_, pulled, http) = try await server.exchange("GET", "/v1/sync/pull", token: device.token, headers: ["Accept-Encoding": "gzip"])
        // URLSession may inflate transparently; either way the page decodes and says it was gzip.
        #expect(http.value(forHTTPHeaderField: "Content-Encoding") == "gzip" || (try? JSONDecoder().decode(PullPage.self, from: pulled)) != nil)
        let page = (try? JSONDecoder().decode(PullPage.self, from: pulled)) ?? (try? JSONDecoder().decode(PullPage.self, from: Data(Gzip.decompress(Array(pulled), limit: 10_000_000))))
        #expect(page?.changes.count == 20)
    }

    @Test("unknown routes and methods answer problem+json too", arguments: StorageBackendKind.allCases)
    func routes(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let (status, _, http) = try await server.exchange("GET", "/healthz")
        #expect(status == 200 && http.value(forHTTPHeaderField: "Content-Type") == "application/json")
        let (metrics, body) = try await server.request("GET", "/metrics")
        #expect(metrics == 200 && String(decoding: body, as: UTF8.self).contains("fieldroll_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"))
    }
}
