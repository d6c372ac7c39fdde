import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Every response names its request id")
struct RequestIDTests {
    @Test("a sane X-Request-ID is echoed; a missing or unsafe one is replaced by a new id", arguments: StorageBackendKind.allCases)
    func echo(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let given = "field-report_42.A"
        let (_, _, echoed) = try await server.exchange("GET", "/healthz", headers: ["X-Request-ID": given])
        #expect(echoed.value(forHTTPHeaderField: "X-Request-ID") == given)
        let (_, _, plain) = try await server.exchange("GET", "/healthz")
        let generated = try #require(plain.value(forHTTPHeaderField: "X-Request-ID"))
        #expect(UUID(uuidString: generated) != nil)
        let (_, _, again) = try await server.exchange("GET", "/healthz")
        #expect(again.value(forHTTPHeaderField: "X-Request-ID") != generated)
        for unsafe in ["two words", "quote\"d", String(repeating: "a", count: 129), "semi;colon", "日本"] {
            let (_, _, answer) = try await server.exchange("GET", "/healthz", headers: ["X-Request-ID": unsafe])
            let id = answer.value(forHTTPHeaderField: "X-Request-ID")
            #expect(id != unsafe && id.flatMap(UUID.init(uuidString:)) != nil, "\(unsafe)")
        }
        let longest = String(repeating: "z", count: 128)
        let (_, _, long) = try await server.exchange("GET", "/healthz", headers: ["X-Request-ID": longest])
        #expect(long.value(forHTTPHeaderField: "X-Request-ID") == longest)
    }

    @Test("problem answers carry the id in the header and as requestId, 404 and 405 included", arguments: StorageBackendKind.allCases)
    func problems(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let cases: [(String, String, Int)] = [("GET", "/nowhere", 404), ("DELETE", "/v1/sync/push", 405), ("GET", "/v1/sync/pull", 401)]
        for (i, (method, path, expected)) in cases.enumerated() {
            let given = "req-\(i)"
            let (status, data, answer) = try await server.exchange(method, path, headers: ["X-Request-ID": given])
            #expect(status == expected, "\(method) \(path)")
            #expect(answer.value(forHTTPHeaderField: "X-Request-ID") == given, "\(method) \(path)")
            #expect(TestServer.problem(data)?.requestId == given, "\(method) \(path)")
            // Generated ids reach the body too.
            let (_, body, plain) = try await server.exchange(method, path)
            let header = plain.value(forHTTPHeaderField: "X-Request-ID")
            #expect(header != nil && TestServer.problem(body)?.requestId == header, "\(method) \(path)")
        }
    }

    @Test("a problem without requestId still decodes")
    func olderServers() throws {
        let body = #"{"type":"urn:fieldroll:problem:not-found","title":"Not found","status":404,"code":"not-found"}"#
        let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(body.utf8))
        #expect(problem.code == .notFound && problem.requestId == nil)
    }
}
