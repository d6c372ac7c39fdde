import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("/metrics speaks Prometheus and counts what was done")
struct MetricsTests {
    @Test(
        "after pushes, a pull and a photo, every family has HELP and TYPE and the counters moved by exactly that",
        arguments: StorageBackendKind.allCases)
    func counts(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let set = try device.changeSet([device.newHousehold(), device.newHousehold(), device.newHousehold(region: TestServer.otherVillage)])
        let (first, firstAnswer, _) = try await device.push([set])
        #expect(first == 200 && firstAnswer?.results.map(\.status) == [.applied, .applied, .refused])
        // The replay answers as before: two duplicates, and the refusal again.
        let (again, _, _) = try await device.push([set])
        #expect(again == 200)
        let pulled = try await device.pullAll()
        #expect(pulled.changes.count == 2)
        let photo = Data((0..<100).map { UInt8($0) })
        let path = "/v1/blobs/\(SHA256Digest(of: photo).hex)"
        let (put, _) = try await server.request("PUT", path, token: device.token, body: photo, headers: ["Upload-Length": "100"])
        #expect(put == 201)
        let (get, _) = try await server.request("GET", path, token: device.token)
        #expect(get == 200)
        // Two problem answers: a cursor this server did not issue, and a push without a token.
        let (badCursor, _) = try await server.request("GET", "/v1/sync/pull?after=nonsense", token: device.token)
        #expect(badCursor == 400)
        let (anonymous, _) = try await server.request("POST", "/v1/sync/push", body: Data("{}".utf8))
        #expect(anonymous == 401)

        let (status, body, http) = try await server.exchange("GET", "/metrics")
        #expect(status == 200 && http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: body, as: UTF8.self)
        let m = Exposition(text)
        #expect(m["fieldroll_push_changes_total{result=\"applied\"}"] == 2)
        #expect(m["fieldroll_push_changes_total{result=\"duplicate\"}"] == 2)
        #expect(m["fieldroll_push_changes_total{result=\"refused\"}"] == 2)
        #expect(m["fieldroll_push_changes_total{result=\"conflict\"}"] == 0)
        #expect(m["fieldroll_push_refusals_total{code=\"scope-violation\"}"] == 2)
        #expect(m["fieldroll_conflicts_recorded_total"] == 0)
        #expect(m["fieldroll_pull_changes_total"] == 2)
        #expect(m["fieldroll_blob_received_bytes_total"] == 100)
        #expect(m["fieldroll_blob_sent_bytes_total"] == 100)
        let push = "route=\"/v1/sync/push\",method=\"POST\",status=\"200\""
        #expect(m["fieldroll_http_request_duration_seconds_count{\(push)}"] == 2)
        #expect(m["fieldroll_http_request_duration_seconds_bucket{\(push),le=\"+Inf\"}"] == 2)
        #expect((m["fieldroll_http_request_duration_seconds_sum{\(push)}"] ?? -1) > 0)
        #expect(m["fieldroll_http_request_duration_seconds_count{route=\"/v1/blobs/{sha256}\",method=\"PUT\",status=\"201\"}"] == 1)
        #expect(m["fieldroll_database_duration_seconds_count{operation=\"push\"}"] == 2)
        // Body sizes: one sample per push and per pull answered, in bytes.
        #expect(m["fieldroll_push_body_bytes_count"] == 2)
        #expect((m["fieldroll_push_body_bytes_sum"] ?? 0) > 1_000, "two pushes of three signed changes")
        #expect(m["fieldroll_push_body_bytes_bucket{le=\"+Inf\"}"] == 2)
        let pulls = m["fieldroll_http_request_duration_seconds_count{route=\"/v1/sync/pull\",method=\"GET\",status=\"200\"}"]
        #expect(pulls != nil && m["fieldroll_pull_body_bytes_count"] == pulls)
        #expect((m["fieldroll_pull_body_bytes_sum"] ?? 0) > 0)
        // Problems by code; a refusal inside a 200 push is not a problem answer.
        #expect(m["fieldroll_http_problems_total{code=\"bad-cursor\"}"] == 1)
        #expect(m["fieldroll_http_problems_total{code=\"unauthorized\"}"] == 1)
        #expect(m["fieldroll_http_problems_total{code=\"scope-violation\"}"] == nil)
        #expect((m["fieldroll_database_duration_seconds_count{operation=\"changes\"}"] ?? 0) >= 1)
        // Bounded labels: no sample names a hash or a device.
        #expect(!text.contains(SHA256Digest(of: photo).hex) && !text.contains(device.id.rawValue))
        for family in m.families {
            #expect(text.contains("# HELP \(family) "), "\(family)")
            #expect(text.contains("# TYPE \(family) "), "\(family)")
        }
        #expect(
            m.families.isSuperset(of: [
                "fieldroll_http_request_duration_seconds", "fieldroll_push_changes_total", "fieldroll_push_refusals_total",
                "fieldroll_conflicts_recorded_total", "fieldroll_pull_changes_total", "fieldroll_blob_received_bytes_total",
                "fieldroll_blob_sent_bytes_total", "fieldroll_database_duration_seconds", "fieldroll_push_body_bytes",
                "fieldroll_pull_body_bytes", "fieldroll_http_problems_total",
            ]))
    }
}

/// Samples of a Prometheus text exposition, by series (`name{labels}`).
struct Exposition {
    var samples: [String: Double] = [:]
    /// Family names: sample names less a histogram's `_bucket`, `_sum` and `_count`.
    var families: Set<String> = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = String(line[..<space])
            samples[series] = value
            var name = String(series.prefix { $0 != "{" })
            for suffix in ["_bucket", "_sum", "_count"]
            where name.hasSuffix(suffix) && text.contains("# TYPE \(name.dropLast(suffix.count)) histogram") {
                name = String(name.dropLast(suffix.count))
            }
            families.insert(name)
        }
    }

    subscript(series: String) -> Double? { samples[series] }
}
