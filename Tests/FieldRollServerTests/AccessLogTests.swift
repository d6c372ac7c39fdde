import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Each request leaves one access log line and nothing personal")
struct AccessLogTests {
    @Test(
        "the line names method, route, status, time, device and request id; never the token or a household's head",
        arguments: StorageBackendKind.allCases)
    func line(backend: StorageBackendKind) async throws {
        let log = CapturedLog()
        let server = try await TestServer(backend: backend, logger: log.logger)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let body = try JSONValue(encoding: PushRequest(changeSets: [try device.changeSet([device.newHousehold()])]))
        let (status, _) = try await server.request(
            "POST", "/v1/sync/push", token: device.token, json: body,
            headers: ["X-Request-ID": "push-1", "User-Agent": "fieldroll/0.4.0 (protocol fieldroll/v1) libcurl/7.88.1"])
        #expect(status == 200)
        _ = try await device.pullAll()
        let blob = "/v1/blobs/\(String(repeating: "c", count: 64))"
        _ = try await server.exchange("HEAD", blob, token: device.token, headers: ["X-Request-ID": "head-1"])
        _ = try await server.exchange("GET", "/nowhere?token=\(device.token)", headers: ["X-Request-ID": "lost-1"])

        let lines = log.accessLines
        let push = try #require(lines.first { $0.metadata["request_id"] == "push-1" })
        #expect(push.level == .info)
        #expect(push.metadata["method"] == "POST" && push.metadata["path"] == "/v1/sync/push" && push.metadata["status"] == "200")
        #expect(push.metadata["device"] == device.id.rawValue)
        #expect(push.metadata["user_agent"] == "fieldroll/0.4.0 (protocol fieldroll/v1) libcurl/7.88.1")
        #expect(Double(push.metadata["duration_ms"] ?? "") != nil)
        // A route with a parameter is logged by its pattern, not by the hash.
        let head = try #require(lines.first { $0.metadata["request_id"] == "head-1" })
        #expect(head.metadata["path"] == "/v1/blobs/{sha256}" && head.metadata["status"] == "404")
        // No route: the raw path, without its query; no device.
        let lost = try #require(lines.first { $0.metadata["request_id"] == "lost-1" })
        #expect(lost.metadata["path"] == "/nowhere" && lost.metadata["status"] == "404" && lost.metadata["device"] == nil)
        // One line per request: enrol, push, pull (one page), HEAD, the lost one.
        #expect(lines.count == 5)
        for line in log.lines {
            #expect(!line.text.contains(device.token), "\(line.text)")
            #expect(!line.text.contains("Bearer") && !line.text.contains("王建国") && !line.text.contains("东岗村"), "\(line.text)")
        }
    }
}
