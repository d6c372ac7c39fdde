import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
        let household = HouseholdID()
        let photo = Photo(
            sha256: d, size: Int64(Self.photo.count), kind: .surveySheet, householdID: household, region: TestServer.village,
            takenAt: Instant(millis: 0))
        let record = Change(
            entity: .photo, record: photo.id.description, region: TestServer.village, payload: .body(try JSONValue(encoding: photo)))
        #expect(try await owner.push([owner.newHousehold(household), record]).map(\.status) == [.applied, .applied])
        #expect(try await server.request("GET", "/v1/blobs/\(d.hex)", token: neighbour.token).0 == 200)
        let (status, body) = try await server.request("GET", "/v1/blobs/\(d.hex)", token: stranger.token)
        #expect(status == 404 && TestServer.problem(body)?.code == .notFound)
        #expect(try await stranger.pullAll().changes.isEmpty, "the photo record does not reach the other village either")
    }

    @Test(
        "a Range asks for part of a blob: 206 with Content-Range, 416 past the end, the whole blob for what is not supported",
        arguments: StorageBackendKind.allCases)
    func ranges(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let stranger = try await server.enrol(scope: TestServer.otherVillage)
        let bytes = Self.photo
        let size = bytes.count
        let path = "/v1/blobs/\(SHA256Digest(of: bytes).hex)"
        #expect(try await server.request("PUT", path, token: device.token, body: bytes, headers: ["Upload-Length": "\(size)"]).0 == 201)
        func get(_ range: String, token: String? = nil) async throws -> (Int, Data, HTTPURLResponse) {
            try await server.exchange("GET", path, token: token ?? device.token, headers: ["Range": range])
        }
        // From an offset to the end: what a cut download resumes with.
        let (s1, b1, r1) = try await get("bytes=1000-")
        #expect(s1 == 206 && b1 == bytes.suffix(from: 1000))
        #expect(r1.value(forHTTPHeaderField: "Content-Range") == "bytes 1000-\(size - 1)/\(size)")
        #expect(r1.value(forHTTPHeaderField: "Accept-Ranges") == "bytes")
        #expect(r1.value(forHTTPHeaderField: "Content-Length") == "\(size - 1000)")
        // A closed range; one that runs past the end is cut at the end; the last n bytes.
        let (s2, b2, r2) = try await get("bytes=10-19")
        #expect(s2 == 206 && b2 == bytes[10..<20] && r2.value(forHTTPHeaderField: "Content-Range") == "bytes 10-19/\(size)")
        let (s3, b3, _) = try await get("bytes=\(size - 5)-\(size + 100)")
        #expect(s3 == 206 && b3 == bytes.suffix(5))
        let (s4, b4, _) = try await get("bytes=-100")
        #expect(s4 == 206 && b4 == bytes.suffix(100))
        // Starting at or past the end: 416, and the size to ask again with.
        let (s5, b5, r5) = try await get("bytes=\(size)-")
        #expect(s5 == 416 && TestServer.problem(b5)?.code == .rangeNotSatisfiable)
        #expect(r5.value(forHTTPHeaderField: "Content-Range") == "bytes */\(size)")
        // Several ranges, another unit, a last byte before the first: the whole blob (RFC 9110 allows it).
        for range in ["bytes=0-9,20-29", "items=0-9", "bytes=20-10", "bytes=abc-"] {
            let (status, body, answer) = try await get(range)
            #expect(status == 200 && body == bytes, "\(range)")
            #expect(answer.value(forHTTPHeaderField: "Accept-Ranges") == "bytes")
        }
        let (_, _, head) = try await server.exchange("HEAD", path, token: device.token)
        #expect(head.statusCode == 200 && head.value(forHTTPHeaderField: "Accept-Ranges") == "bytes")
        // The same scope check as a whole download: out of scope looks absent.
        let (s6, b6, _) = try await get("bytes=0-", token: stranger.token)
        #expect(s6 == 404 && TestServer.problem(b6)?.code == .notFound)
    }

    @Test("a refused HEAD, which has no body, names its code in FieldRoll-Error-Code; so does every problem answer")
    func refusedHeadNamesItsCode() async throws {
        let server = try await TestServer()
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let (_, body, head) = try await server.exchange("HEAD", "/v1/blobs/not-a-hash", token: device.token)
        #expect(head.statusCode == 400 && body.isEmpty)
        #expect(head.value(forHTTPHeaderField: "FieldRoll-Error-Code") == ErrorCode.invalidPath.rawValue)
        let (_, _, stranger) = try await server.exchange("HEAD", "/v1/blobs/\(SHA256Digest(of: Self.photo).hex)", token: "no-such-token")
        #expect(stranger.statusCode == 401 && stranger.value(forHTTPHeaderField: "FieldRoll-Error-Code") == ErrorCode.unauthorized.rawValue)
        let (_, problem, get) = try await server.exchange("GET", "/v1/blobs/not-a-hash", token: device.token)
        #expect(
            TestServer.problem(problem)?.code.rawValue == get.value(forHTTPHeaderField: "FieldRoll-Error-Code"), "header and body agree")
    }

    @Test("every pull answer tells the device its role's photo policy", arguments: StorageBackendKind.allCases)
    func photoPolicyHeader(backend: StorageBackendKind) async throws {
        let standard = try await TestServer(backend: backend)
        let caseworker = try await standard.enrol()
        let kiosk = try await standard.enrol(.kiosk)
        let (_, _, a) = try await standard.exchange("GET", "/v1/sync/pull", token: caseworker.token)
        let (_, _, b) = try await standard.exchange("GET", "/v1/sync/pull", token: kiosk.token)
        #expect(a.value(forHTTPHeaderField: "FieldRoll-Photo-Policy") == "full")
        #expect(b.value(forHTTPHeaderField: "FieldRoll-Photo-Policy") == "none")
        await standard.close()
        let none = try await TestServer(backend: backend) { $0.devicePhotos = DevicePhotoPolicy(parsing: "none") ?? .standard }
        let (_, _, c) = try await none.exchange("GET", "/v1/sync/pull", token: try await none.enrol().token)
        #expect(c.value(forHTTPHeaderField: "FieldRoll-Photo-Policy") == "none")
        await none.close()
    }

    @Test("--device-photos reads none, full or ROLE=POLICY pairs, and refuses thumbnails")
    func policyParsing() {
        #expect(DevicePhotoPolicy(parsing: "full")?.policy(for: .reviewer) == .full)
        #expect(DevicePhotoPolicy(parsing: "none")?.policy(for: .caseworker) == PhotoPolicy.none)
        let mixed = DevicePhotoPolicy(parsing: "kiosk=full, reviewer=none")
        #expect(
            mixed?.policy(for: .kiosk) == .full && mixed?.policy(for: .caseworker) == .full
                && mixed?.policy(for: .approver) == PhotoPolicy.none)
        #expect(DevicePhotoPolicy.standard.description == "caseworker=full,kiosk=none,reviewer=none,approver=none,admin=none")
        for bad in ["thumbnails", "caseworker=thumbnails", "clerk=full", "full,", "", "caseworker"] {
            #expect(DevicePhotoPolicy(parsing: bad) == nil, "\(bad)")
        }
    }
}
