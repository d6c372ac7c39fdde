import FieldRollCore
import FieldRollServer
import Foundation
import GRDB
import Testing

@Suite("The audit log is append-only and hash-chained")
struct AuditTests {
    @Test("every accepted change and admin action is logged; an edited or deleted entry is found")
    func chain() async throws {
        let server = try await TestServer()
        let device = try await server.enrol()
        _ = try await device.push([device.newHousehold(), device.newHousehold()])
        try await server.pipeline.revoke(device.id, as: .operator("张科长"), now: 5)
        let intact = try await server.pipeline.verifyAudit()
        // Initialized, issued, enrolled, two changes, revoked.
        #expect(intact.ok && intact.entries == 6)
        let path = server.directory + "/fieldroll.sqlite"
        await server.server.stop()

        // The database refuses to edit the log…
        let db = try DatabaseQueue(path: path)
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE audit_log SET detail = 'x' WHERE seq = 3") } }
        // …so an attacker drops the guard first. The chain still tells.
        try await db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
        }
        try db.close()
        let edited = try await SyncPipeline.open(SQLiteStorage.open(path: path, create: false))
        #expect(try await edited.verifyAudit().firstBad?.seq == 3)

        let db2 = try DatabaseQueue(path: path)
        try await db2.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 6")
        }
        try db2.close()
        let truncated = try await SyncPipeline.open(SQLiteStorage.open(path: path, create: false))
        let result = try await truncated.verifyAudit()
        #expect(result.firstBad?.seq == 3, "the first break is still reported first")
        await truncated.storage.close()

        // The CLI: 4 for a broken chain (named on stderr), distinct from 1 for a database it cannot read.
        let (status, out, err) = try CLI.run(["audit", "verify", "--data", server.directory, "--json"])
        #expect(status == ExitStatus.auditBroken.rawValue)
        #expect(err.hasPrefix("Error: audit-broken: ") && err.split(separator: "\n").count == 1, "\(err)")
        let report = try JSONValue(parsing: Data(out.utf8)).objectValue
        #expect(report?["intact"] == .bool(false) && report?["firstBad"]?.objectValue?["seq"] == .int(3))
        let (unreadable, _, _) = try CLI.run(["audit", "verify", "--data", server.directory + "-typo"])
        #expect(unreadable == ExitStatus.failed.rawValue)
        try? FileManager.default.removeItem(atPath: server.directory)
    }
}
