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
        let once = Once<T?>()
        return try await withCheckedThrowingContinuation { continuation in
            once.arm(continuation)
            Task {
                do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                once.resume(.success(nil))
            }
        }
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
}

/// Resumes a continuation once, with whichever result comes first.
private final class Once<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?

    func arm(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        guard let continuation else {
            if early == nil { early = result }
            lock.unlock()
            return
        }
        self.continuation = nil
        early = result
        lock.unlock()
        continuation.resume(with: result)
    }
}
