import FieldRollCore
import FieldRollTestSupport
import Foundation
import Logging
import Testing

@testable import FieldRollServer

@Suite("A PostgreSQL that goes away is reported at once, and logged as an error")
struct PostgresOutageTests {
    @Test("with the cluster stopped, a read fails with storage-failure within the bound, and the lost database is logged at error")
    func stoppedCluster() async throws {
        // A cluster of this test's own: stopping the shared one would fail every other test.
        let pg = try ThrowawayPostgres.dedicated()
        defer { pg.destroy() }
        let log = CapturedLog()
        var logger = log.logger
        // Above info, as a quiet server runs: what an operator must see has to be an error.
        logger.logLevel = .warning
        let storage = try await PostgresStorage.open(url: try pg.createDatabase() + "?connect_timeout=60", logger: logger, timeout: 2)
        try await storage.initialize(ServerIdentity.generate())
        #expect(try await storage.head().position == 0)

        try pg.stop()
        // Generous: the question is whether an answer comes at all, not how fast.
        let error = await #expect(throws: StorageError.self) { _ = try await Deadline.run(seconds: 20) { try await storage.head() } }
        #expect(error?.code == .storageFailure)
        let errors = log.lines.filter { $0.level == .error }.map(\.message)
        // The request refused: no connection came (or the one it had was cut).
        #expect(errors.contains { $0.hasPrefix("PostgreSQL") && !$0.contains("cannot connect") }, "the refused request: \(errors)")
        #expect(errors.contains { $0.contains("cannot connect") }, "the pool's failed connection attempt: \(errors)")

        try pg.start()
        var back = false
        for _ in 0..<120 where !back {
            back = (try? await storage.head()) != nil
            if !back { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(back, "the pool connects again once the cluster is back")
        await storage.close()
    }
}
