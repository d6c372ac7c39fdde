import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Photo blobs upload resumably and are read only in scope")
struct BlobTests {
    static let photo: Data = (try? Data(contentsOf: fixturesDirectory.appendingPathComponent("photos/survey-sheet.jpg"))) ?? Data()

    @Test("a cut upload resumes from the server's offset; a wrong offset is told where to resume", arguments: StorageBackendKind.allCases)
    func resume(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let bytes = Self.photo
        let d = SHA256Digest(of: bytes)
        let path = "/v1/blobs/\(d.hex)"
        let (_, _, head0) = try await server.exchange("HEAD", path, token: device.token)
        #expect(head0.statusCode == 404 && head0.value(forHTTPHeaderField: "Upload-Offset") == "0")
        let half = bytes.count / 2
        let (s1, b1) = try await server.request(
            "PUT", path, token: device.token, body: bytes.prefix(half), headers: ["Upload-Length": "\(bytes.count)", "Upload-Offset": "0"])
        #expect(s1 == 202 && (try? JSONValue(parsing: b1))?.objectValue?["received"] == .int(Int64(half)))
        let (_, _, head1) = try await server.exchange("HEAD", path, token: device.token)
        #expect(head1.value(forHTTPHeaderField: "Upload-Offset") == "\(half)")
        // Resending from 0 would duplicate bytes: the server refuses and says where to go on.
        let (_, problem, wrong) = try await server.exchange(
            "PUT", path, token: device.token, body: bytes, headers: ["Upload-Length": "\(bytes.count)", "Upload-Offset": "0"])
        #expect(
            wrong.statusCode == 409 && TestServer.problem(problem)?.code == .offsetMismatch
                && wrong.value(forHTTPHeaderField: "Upload-Offset") == "\(half)")
        let (s2, _) = try await server.request(
            "PUT", path, token: device.token, body: bytes.suffix(from: half),
            headers: ["Upload-Length": "\(bytes.count)", "Upload-Offset": "\(half)"])
        #expect(s2 == 201)
        let (_, _, head2) = try await server.exchange("HEAD", path, token: device.token)
        #expect(head2.statusCode == 200 && head2.value(forHTTPHeaderField: "Upload-Offset") == "\(bytes.count)")
        // Already there: never sent again.
        let (s3, _) = try await server.request("PUT", path, token: device.token, body: Data(), headers: ["Upload-Length": "\(bytes.count)"])
        #expect(s3 == 200)
        let (get, got) = try await server.request("GET", path, token: device.token)
        #expect(get == 200 && got == bytes)
    }

    @Test("a 32 MB photo uploads in two parts and downloads byte for byte")
    func largeRoundTrip() async throws {
        let server = try await TestServer { $0.maxBlobBytes = 64 * 1024 * 1024 }
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        var generator = SystemRandomNumberGenerator()
        let words = (0..<(32 * 1024 * 1024 / 8)).map { _ in generator.next() as UInt64 }
        let bytes = words.withUnsafeBytes { Data($0) }
        let d = SHA256Digest(of: bytes)
        let path = "/v1/blobs/\(d.hex)"
        let cut = 15 * 1024 * 1024 + 3
        let (first, _) = try await server.request(
            "PUT", path, token: device.token, body: bytes.prefix(cut), headers: ["Upload-Length": "\(bytes.count)", "Upload-Offset": "0"])
        #expect(first == 202)
        // The rest completes it: the server hashes the part it holds, then the new bytes as they come.
        let (second, _) = try await server.request(
            "PUT", path, token: device.token, body: bytes.suffix(from: cut),
            headers: ["Upload-Length": "\(bytes.count)", "Upload-Offset": "\(cut)"])
        #expect(second == 201)
        let (status, got) = try await server.request("GET", path, token: device.token)
        #expect(status == 200)
        #expect(got.count == bytes.count && got == bytes)
    }

    @Test("bytes that do not hash to their name are discarded", arguments: StorageBackendKind.allCases)
    func hashMismatch(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let claimed = SHA256Digest(of: Data("something else".utf8))
        let (status, body) = try await server.request(
            "PUT", "/v1/blobs/\(claimed.hex)", token: device.token, body: Self.photo, headers: ["Upload-Length": "\(Self.photo.count)"])
        #expect(status == 422 && TestServer.problem(body)?.code == .hashMismatch)
        let (_, _, head) = try await server.exchange("HEAD", "/v1/blobs/\(claimed.hex)", token: device.token)
        #expect(head.statusCode == 404 && head.value(forHTTPHeaderField: "Upload-Offset") == "0")
        let (tooBig, tooBigBody) = try await server.request(
            "PUT", "/v1/blobs/\(claimed.hex)", token: device.token, body: Data([1]), headers: ["Upload-Length": "\(Int64.max)"])
        #expect(tooBig == 413 && TestServer.problem(tooBigBody)?.code == .payloadTooLarge)
        let (badName, _) = try await server.request("GET", "/v1/blobs/not-a-hash", token: device.token)
        #expect(badName == 400)
    }

    @Test("another village's device cannot read a photo, even knowing its hash", arguments: StorageBackendKind.allCases)
    func scope(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let owner = try await server.enrol()
        let neighbour = try await server.enrol(.kiosk)
        let stranger = try await server.enrol(scope: TestServer.otherVillage)
        let d = SHA256Digest(of: Self.photo)
        let (put, _) = try await server.request(
            "PUT", "/v1/blobs/\(d.hex)", token: owner.token, body: Self.photo, headers: ["Upload-Length": "\(Self.photo.count)"])
        #expect(put == 201)
        let photo = Photo(
            sha256: d, size: Int64(Self.photo.count), kind: .surveySheet, householdID: HouseholdID(), region: TestServer.village,
            takenAt: Instant(millis: 0))
        let record = Change(
            entity: .photo, record: photo.id.description, region: TestServer.village, payload: .body(try JSONValue(encoding: photo)))
        #expect(try await owner.push([record]).first?.status == .applied)
        #expect(try await server.request("GET", "/v1/blobs/\(d.hex)", token: neighbour.token).0 == 200)
        let (status, body) = try await server.request("GET", "/v1/blobs/\(d.hex)", token: stranger.token)
        #expect(status == 404 && TestServer.problem(body)?.code == .notFound)
        #expect(try await stranger.pullAll().changes.isEmpty, "the photo record does not reach the other village either")
    }
}
