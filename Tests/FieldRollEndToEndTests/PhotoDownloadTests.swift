import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollClient

@Suite("Photos reach the other devices of their region, resumably, verified and encrypted")
struct PhotoDownloadTests {
    static let fixtures = ["house.jpg", "survey-sheet.jpg"]
    static func fixture(_ name: String) throws -> Data { try Data(contentsOf: repoRoot.appendingPathComponent("Fixtures/photos/\(name)")) }

    /// Device A records a visit with two photos in `village` and syncs them up.
    func visitWithPhotos(_ h: Harness) async throws -> (Device, Household) {
        let a = try await h.device(name: "李敏")
        let hh = try a.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        let photos = try Self.fixtures.map { PhotoInput(data: try Self.fixture($0), kind: .house) }
        _ = try a.store.recordVisit(
            household: hh.id, author: "李敏", startedAt: Instant(millis: 0), endedAt: Instant(millis: 1), answers: ["income.wages": 120_000],
            photos: photos)
        _ = try await a.sync()
        return (a, hh)
    }

    /// The server's `fieldroll_blob_sent_bytes_total`, from /metrics.
    func blobBytesSent(_ h: Harness) async throws -> Int64 {
        let answer = try await CurlHTTPClient(endpoint: ServerEndpoint(baseURL: h.base)).send(HTTPRequest(method: "GET", path: "/metrics"))
        let line = String(decoding: answer.body, as: UTF8.self).split(separator: "\n").first {
            $0.hasPrefix("fieldroll_blob_sent_bytes_total")
        }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int64($0) } ?? 0
    }

    var totalBytes: Int64 { Self.fixtures.reduce(0) { $0 + Int64((try? Self.fixture($1).count) ?? 0) } }

    @Test(
        "another device of the village downloads the photos once and decrypts them to the same bytes",
        arguments: StorageBackendKind.allCases)
    func bothWays(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (a, hh) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        let first = try await b.sync()
        #expect(first.photoPolicy == .full)
        #expect(first.photosDownloaded == 2 && first.photoBytesReceived == totalBytes && first.photoDownloadsFailed == 0)
        let listed = try b.store.householdPhotos(hh.id)
        #expect(listed.count == 2 && listed.allSatisfy(\.onDevice))
        for item in listed {
            let out = b.directory.appendingPathComponent("export-\(item.photo.id).jpg")
            _ = try b.store.exportPhoto(item.photo.id, to: out)
            #expect(SHA256Digest(of: try Data(contentsOf: out)) == item.photo.sha256)
            // Encrypted at rest like the device's own: the stored file is not the image.
            let stored = try Data(contentsOf: b.store.photos.url(item.photo.sha256))
            let plain = try Data(contentsOf: out)
            #expect(SHA256Digest(of: stored) != item.photo.sha256 && stored.range(of: plain.prefix(64)) == nil)
        }
        #expect(try Set(Self.fixtures.map { SHA256Digest(of: try Self.fixture($0)) }) == Set(listed.map(\.photo.sha256)))
        // Nothing twice, and never back up: the server is where they came from.
        let second = try await b.sync()
        #expect(second.photosDownloaded == 0 && second.photoBytesReceived == 0 && second.photosUploaded == 0)
        #expect(try b.store.photosToDownload(in: village).isEmpty && b.store.photosToUpload().isEmpty)
        // The device that took them downloads nothing either.
        let again = try await a.sync()
        #expect(again.photosDownloaded == 0 && again.photoBytesReceived == 0)
        // Another village gets neither the records nor the bytes.
        let c = try await h.device(scope: otherVillage, name: "刘洋")
        defer { c.close() }
        let other = try await c.sync()
        #expect(other.photosDownloaded == 0 && other.photoBytesReceived == 0)
        #expect(try c.store.photosToDownload(in: otherVillage).isEmpty)
        await h.close()
    }

    @Test("a photo record outside the device's scope is never asked for", arguments: StorageBackendKind.allCases)
    func outOfScopeNotAsked(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (a, _) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        // A record of another village in B's store (say, from before its scope was narrowed).
        let stray = Photo(
            sha256: SHA256Digest(of: Data("another village's photo".utf8)), size: 23, kind: .house, householdID: HouseholdID(),
            region: otherVillage, takenAt: Instant(millis: 5))
        let change = Change(
            entity: .photo, record: stray.id.description, region: otherVillage, payload: .body(try JSONValue(encoding: stray)))
        try b.store.apply(
            pulled: [PulledChange(position: 0, origin: a.store.deviceID, changeSet: ChangeSetID(), change: change)],
            cursor: SyncCursor(issuer: b.server, position: 0))
        let faults = FaultyHTTPClient(endpoint: b.endpoint, plan: [])
        let report = try await b.sync(through: faults)
        #expect(report.photosDownloaded == 2 && report.photosUnavailable == 0)
        #expect(!faults.log.withLock { $0 }.contains { $0.contains(stray.sha256.hex) })
        await h.close()
    }

    @Test(
        "a download cut halfway resumes from where it stopped; the bytes before the cut are not fetched again",
        arguments: StorageBackendKind.allCases)
    func resume(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let (a, _) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        let photo = try Self.fixture("survey-sheet.jpg")
        let path = "/v1/blobs/\(SHA256Digest(of: photo).hex)"
        let half = photo.count / 2
        let faults = FaultyHTTPClient(endpoint: b.endpoint, plan: [("GET", path, .cutDownloadAfter(half))])
        let sentBefore = try await blobBytesSent(h)
        let report = try await b.sync(through: faults)
        #expect(report.retries == 1 && report.photosDownloaded == 2)
        #expect(faults.ranges.withLock { $0[path] } == ["", "bytes=\(half)-"])
        #expect(faults.downloaded.withLock { $0[path] } == photo.count, "each byte reached the device once")
        #expect(report.photoBytesReceived == totalBytes)
        // The server sent the second half only once more; what it streamed before the cut may
        // exceed what arrived (buffers), never the whole photo twice.
        #expect(try await blobBytesSent(h) - sentBefore < totalBytes + Int64(photo.count))
        let listed = try b.store.householdPhotos(try #require(b.store.households(in: village).first).id)
        let kept = try #require(listed.first { $0.photo.sha256 == SHA256Digest(of: photo) })
        let held = try b.store.photoData(kept.photo.sha256)
        #expect(kept.onDevice && held == photo)
        #expect(!FileManager.default.fileExists(atPath: b.store.photos.partialURL(kept.photo.sha256).path))
        await h.close()
    }

    @Test("a download killed midway leaves sealed bytes that the next sync continues from")
    func resumeAcrossSyncs() async throws {
        let h = try await Harness()
        let (a, _) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        let photo = try Self.fixture("survey-sheet.jpg")
        let d = SHA256Digest(of: photo)
        let path = "/v1/blobs/\(d.hex)"
        let half = photo.count / 2
        // Every attempt of this sync is cut: the sync gives up, keeping what arrived.
        var options = testOptions
        options.attempts = 1
        let cut = FaultyHTTPClient(endpoint: b.endpoint, plan: [("GET", path, .cutDownloadAfter(half))])
        await #expect(throws: ClientError.self) { try await b.sync(through: cut, options: options) }
        let partial = try Data(contentsOf: b.store.photos.partialURL(d))
        #expect(partial.range(of: photo.prefix(64)) == nil, "the partial download is sealed, not plain")
        let next = FaultyHTTPClient(endpoint: b.endpoint, plan: [])
        let report = try await b.sync(through: next)
        #expect(next.ranges.withLock { $0[path] } == ["bytes=\(half)-"])
        #expect(try b.store.photoData(d) == photo)
        #expect(report.photosDownloaded >= 1)
        await h.close()
    }

    @Test("with the office's policy none a device downloads nothing and says so", arguments: StorageBackendKind.allCases)
    func policyNone(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend) { $0.devicePhotos = DevicePhotoPolicy(parsing: "none") ?? .standard }
        let (a, hh) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        let report = try await b.sync()
        #expect(report.photoPolicy == PhotoPolicy.none && report.photosDownloaded == 0 && report.photoBytesReceived == 0)
        let listed = try b.store.householdPhotos(hh.id)
        #expect(listed.count == 2 && listed.allSatisfy { !$0.onDevice })
        #expect(throws: ClientError.self) { try b.store.exportPhoto(listed[0].photo.id, to: b.directory.appendingPathComponent("x.jpg")) }
        // The device that took them still has its own.
        #expect(try a.store.householdPhotos(hh.id).allSatisfy(\.onDevice))
        await h.close()
    }

    @Test("a corrupted download is discarded, not kept, and does not loop; a later sync gets the right bytes")
    func corrupted() async throws {
        let h = try await Harness()
        let (a, _) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        let photo = try Self.fixture("house.jpg")
        let d = SHA256Digest(of: photo)
        let path = "/v1/blobs/\(d.hex)"
        let faults = FaultyHTTPClient(
            endpoint: b.endpoint, plan: [("GET", path, .corruptDownload), ("GET", path, .corruptDownload), ("GET", path, .corruptDownload)])
        let report = try await b.sync(through: faults)
        #expect(report.photoDownloadsFailed == 1 && report.photosDownloaded == 1)
        #expect(faults.ranges.withLock { $0[path]?.count } == testOptions.downloadAttempts, "bounded: one download per attempt")
        #expect(!b.store.photos.has(d) && !FileManager.default.fileExists(atPath: b.store.photos.partialURL(d).path))
        #expect(try b.store.photosToDownload(in: village).map(\.sha256) == [d])
        let later = try await b.sync()
        #expect(later.photosDownloaded == 1 && later.photoDownloadsFailed == 0)
        #expect(try b.store.photoData(d) == photo)
        await h.close()
    }

    @Test("a store that pulled photo records before downloads existed indexes them on its first sync and downloads them")
    func olderStore() async throws {
        let h = try await Harness()
        let (a, _) = try await visitWithPhotos(h)
        defer { a.close() }
        let b = try await h.device(name: "张伟")
        defer { b.close() }
        _ = try await b.sync()
        // As a store of the previous version left it: records pulled, no photo_refs, no bytes.
        try await b.store.pool.write { db in
            try db.execute(sql: "DELETE FROM photo_refs; DELETE FROM photos; DELETE FROM meta WHERE key = 'photo_refs_indexed'")
        }
        try FileManager.default.removeItem(at: b.store.photos.root)
        #expect(try b.store.photosToDownload(in: village).isEmpty)
        let report = try await b.sync()
        #expect(report.photosDownloaded == 2 && report.photoBytesReceived == totalBytes)
        await h.close()
    }
}
