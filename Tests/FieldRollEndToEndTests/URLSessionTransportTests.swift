import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// The transport for platforms without libcurl, tested here through Linux's FoundationNetworking
/// against the same real server.
@Suite("Syncing through URLSession where libcurl is not built")
struct URLSessionTransportTests {
    @Test("a visit with its photo goes up through URLSession and a colleague's device pulls and downloads it the same way")
    func syncThroughURLSession() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let caseworker = try await harness.device(name: "李敏")
        let colleague = try await harness.device(name: "王强")
        defer {
            caseworker.close()
            colleague.close()
        }
        func engine(_ d: Device) -> SyncEngine {
            SyncEngine(store: d.store, api: SyncAPI(http: URLSessionHTTPClient(endpoint: d.endpoint), token: d.token), server: d.server)
        }
        let household = try caseworker.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        let photo = try Data(contentsOf: repoRoot.appendingPathComponent("Fixtures/photos/house.jpg"))
        let now = DeviceStore.systemClock()
        _ = try caseworker.store.recordVisit(
            household: household.id, author: "李敏", startedAt: Instant(millis: now - 60_000), endedAt: Instant(millis: now),
            answers: ["income.wages": .int(0)], photos: [PhotoInput(data: photo, kind: .house)])

        let up = try await engine(caseworker).sync()
        #expect(up.changesApplied == 3 && up.photosUploaded == 1 && up.photoBytesSent == Int64(photo.count) && up.refused == 0, "\(up)")
        let down = try await engine(colleague).sync()
        #expect(down.pulled == 3 && down.photosDownloaded == 1, "the household, the visit and its photo record: \(down)")
        let kept = try colleague.store.householdPhotos(household.id)
        #expect(kept.count == 1 && kept.first?.onDevice == true)
        #expect(try colleague.store.household(household.id).household.headName == "王建国")

        // A county's own CA or a pinned key needs libcurl: refused, never sent with weaker checks.
        var pinned = caseworker.endpoint
        pinned.pinnedPublicKey = "sha256//AAAA"
        do {
            _ = try await URLSessionHTTPClient(endpoint: pinned).send(HTTPRequest(method: "GET", path: "/healthz"))
            Issue.record("a pinned endpoint was reached without the pin checked")
        } catch let error as ClientError {
            #expect(error.code == .untrustedServer)
        }
        // No server at the address: `network`, as from libcurl.
        let nowhere = URLSessionHTTPClient(endpoint: ServerEndpoint(baseURL: "http://127.0.0.1:9"))
        await #expect(throws: ClientError.self) { _ = try await nowhere.send(HTTPRequest(method: "GET", path: "/healthz")) }
    }
}
