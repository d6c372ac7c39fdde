import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

@Suite("Staff accounts and console sessions are kept alike on every backend")
struct StaffStorageTests {
    @Test("add, refuse a duplicate, change the password, disable; sessions start, expire and end", arguments: StorageBackendKind.allCases)
    func lifecycle(backend: StorageBackendKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-staff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        defer { Task { await storage.close() } }
        let pipeline = try await SyncPipeline.initialize(storage, now: 1_000)
        let scope = try RegionCode("139901000000")
        let hash = try await StaffPassword.hash("first password", cost: 4)
        try await pipeline.addStaff(name: "zhang.ke", role: .approver, scope: scope, passwordHash: hash, as: .operator("admin"), now: 2_000)
        await #expect(throws: ProblemDetails.self) {
            try await pipeline.addStaff(
                name: "zhang.ke", role: .viewer, scope: scope, passwordHash: hash, as: .operator("admin"), now: 2_000)
        }
        await #expect(throws: ProblemDetails.self) {
            try await pipeline.addStaff(name: "张科", role: .viewer, scope: scope, passwordHash: hash, as: .operator("admin"), now: 2_000)
        }
        let stored = try #require(try await storage.staff(named: "zhang.ke"))
        #expect(stored.role == .approver && stored.scope == scope && stored.passwordHash == hash && stored.failedLogins == 0)
        guard
            case .signedIn(let account) = try await pipeline.signIn(
                name: "zhang.ke", password: "first password", from: "10.0.0.1", now: 3_000)
        else {
            Issue.record("sign-in failed")
            return
        }
        let (token, session) = try await pipeline.startSession(for: account, lifetime: 10_000, now: 3_000)
        #expect(session.tokenHash != token && session.tokenHash == Secrets.hashToken(token))
        #expect(try await pipeline.consoleSession(token: token, now: 12_999)?.1.name == "zhang.ke")
        #expect(try await pipeline.consoleSession(token: token, now: 13_000) == nil, "expired")
        let (second, _) = try await pipeline.startSession(for: account, lifetime: 10_000, now: 20_000)
        try await pipeline.setStaffPassword(
            name: "zhang.ke", passwordHash: try await StaffPassword.hash("second password", cost: 4), as: .operator("admin"), now: 21_000)
        #expect(try await pipeline.consoleSession(token: second, now: 21_001) == nil, "a new password ends every session")
        #expect(try await pipeline.signIn(name: "zhang.ke", password: "first password", from: "10.0.0.1", now: 22_000) == .refused)
        try await pipeline.disableStaff(name: "zhang.ke", as: .operator("admin"), now: 23_000)
        #expect(try await pipeline.signIn(name: "zhang.ke", password: "second password", from: "10.0.0.1", now: 24_000) == .refused)
        #expect(try await pipeline.staffAccounts().map(\.name) == ["zhang.ke"])
        let actions = try await storage.auditEntries(after: 0, limit: 100).map(\.action)
        for action in ["staff.added", "staff.signed-in", "staff.password-changed", "staff.sign-in-failed", "staff.disabled"] {
            #expect(actions.contains(action))
        }
        #expect(try await pipeline.verifyAudit().ok)
    }
}
