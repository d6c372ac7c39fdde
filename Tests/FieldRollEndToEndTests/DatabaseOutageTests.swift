import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollClient

@Suite("When PostgreSQL goes away the server says so at once, and loses nothing")
struct DatabaseOutageTests {
    /// The result of `operation`, or nil when it has not finished after `seconds` (it is then
    /// left to finish on its own). The bound is generous: the question is whether an answer
    /// comes at all, not how fast.
    func within<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        do { return try await Deadline.run(seconds: seconds, operation) } catch is Deadline.Expired { return nil }
    }

    @Test(
        "with the cluster stopped, /readyz answers not-ready, a push and a photo check storage-failure; what was stored is there once it is back"
    )
    func clusterStopped() async throws {
        // A cluster of this test's own: stopping the shared one would fail every other test.
        let pg = try ThrowawayPostgres.dedicated()
        defer { pg.destroy() }
        let url = try pg.createDatabase() + "?connect_timeout=60"
        let h = try await Harness { config in
            config.databaseURL = url
            config.storageTimeout = 3
        }
        let d = try await h.device(name: "李敏")
        defer { d.close() }
        for i in 0..<3 {
            _ = try d.store.addHousehold(
                Household(region: village, address: "上河村\(i)号", headName: "王建国", housing: .owned, declaredMonthlyIncome: .yuan(1)))
        }
        #expect(try await d.sync().changesApplied == 3)

        try pg.stop()
        let http = CurlHTTPClient(endpoint: d.endpoint)
        let ready = try #require(
            try await within(20) { try await http.send(HTTPRequest(method: "GET", path: "/readyz")) }, "/readyz answered at all")
        #expect(ready.status == 503)
        #expect(ready.headers[WireHeader.errorCode.lowercased()] == ErrorCode.notReady.rawValue)

        // A push: one attempt, so the answer is the server's and not the retries'.
        _ = try d.store.addHousehold(
            Household(region: village, address: "上河村9号", headName: "李秀英", housing: .owned, declaredMonthlyIncome: .yuan(2)))
        var oneAttempt = testOptions
        oneAttempt.attempts = 1
        let options = oneAttempt
        let pushed = try #require(
            try await within(20) {
                do {
                    _ = try await d.sync(options: options)
                    return nil as ErrorCode?
                } catch let error as any FieldRollError { return error.code }
            }, "the push was answered at all")
        #expect(pushed == .storageFailure)

        // A photo check: a HEAD answer has no body, so the code travels in a header.
        let api = SyncAPI(http: http, token: d.token)
        let checked = try #require(
            try await within(20) {
                do {
                    _ = try await api.blobOffset(SHA256Digest(of: Data("a photo".utf8)))
                    return nil as RemoteProblem?
                } catch let problem as RemoteProblem { return problem }
            }, "the photo check was answered at all")
        #expect(checked?.status == 503)
        #expect(checked?.code == .storageFailure, "not network: the device says what failed")

        try pg.start()
        var back = false
        for _ in 0..<120 where !back {
            back = try await http.send(HTTPRequest(method: "GET", path: "/readyz")).status == 200
            if !back { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(back, "ready again once the cluster is back")
        let report = try await d.sync()
        #expect(report.changesApplied == 1, "the household recorded during the outage goes through")
        let stored = try await h.pipeline.records(of: .household, in: village).count
        #expect(stored == 4, "the 3 stored before the outage and the 1 after")
        #expect(try await h.pipeline.verifyAudit().ok)
        await h.close()
    }

    @Test(
        "with the cluster frozen under open connections, a push answers storage-failure instead of hanging; thawed, the retry applies it once"
    )
    func clusterFrozen() async throws {
        let pg = try ThrowawayPostgres.dedicated()
        defer { pg.destroy() }
        let url = try pg.createDatabase()
        let h = try await Harness { config in
            config.databaseURL = url
            config.storageTimeout = 2
        }
        let d = try await h.device(name: "李敏")
        defer { d.close() }
        _ = try d.store.addHousehold(
            Household(region: village, address: "上河村1号", headName: "王建国", housing: .owned, declaredMonthlyIncome: .yuan(1)))
        // The pool now holds open connections: the next request gets one at once.
        #expect(try await d.sync().changesApplied == 1)

        for i in 2...4 {
            _ = try d.store.addHousehold(
                Household(region: village, address: "上河村\(i)号", headName: "李秀英", housing: .owned, declaredMonthlyIncome: .yuan(2)))
        }
        try pg.freeze()
        var oneAttempt = testOptions
        oneAttempt.attempts = 1
        let options = oneAttempt
        let pushed = try await within(60) {
            do {
                _ = try await d.sync(options: options)
                return nil as ErrorCode?
            } catch let error as any FieldRollError { return error.code }
        }
        try pg.thaw()
        #expect(pushed == .some(.storageFailure), "answered, and with what failed")
        #expect(try d.store.pending().changeSets == 3, "nothing left the outbox without the server's answer")

        // Back: the retry applies the three once; nothing half-written stayed behind.
        var report: SyncReport?
        for _ in 0..<60 where report == nil {
            report = try? await d.sync()
            if report == nil { try await Task.sleep(for: .milliseconds(500)) }
        }
        let done = try #require(report, "the server works again once the cluster is thawed")
        #expect(done.changesApplied + done.duplicates == 3 && done.refused == 0)
        #expect(try await h.pipeline.records(of: .household, in: village).count == 4)
        #expect(try d.store.pending().changeSets == 0)
        #expect(try await h.pipeline.verifyAudit().ok)
        await h.close()
    }
}
