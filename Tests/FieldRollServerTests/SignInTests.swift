import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// Sign-in answers that tell an outsider nothing, and lock-outs an outsider cannot turn against
/// a named member of staff (docs/console.md, "Signing in").
@Suite("Console sign-in tells nothing and cannot be turned against a named member")
struct SignInTests {
    /// Signs in through the form from `address` (a trusted proxy's `X-Forwarded-For`; the test
    /// talks from 127.0.0.1, a trusted proxy by default).
    static func signIn(_ f: ConsoleFixture, _ name: String, password: String = ConsoleFixture.password, from address: String)
        async throws -> ConsoleClient.Reply
    {
        var client = ConsoleClient(port: f.port)
        client.headers["X-Forwarded-For"] = address
        let form = try await client.get("/console/login")
        return try await client.post("/console/login", form: [("_csrf", form.csrf ?? ""), ("name", name), ("password", password)])
    }

    /// The reply as a person sees it: status, the page without its one-time form token, and no session.
    static func answer(_ r: ConsoleClient.Reply) -> String {
        let page = r.body.replacing(/name="_csrf" value="[^"]*"/, with: "name=\"_csrf\" value=\"…\"")
        return "\(r.status) session:\(r.setCookie("fieldroll_session") != nil) retry:\(r.header("Retry-After") ?? "-")\n\(page)"
    }

    @Test(
        "an unknown name, a wrong password, a disabled account and a locked one get the same status and page",
        arguments: StorageBackendKind.allCases)
    func alike(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("wanggs", .reviewer)
        try await f.add("zhao", .viewer)
        try await f.server.pipeline.disableStaff(name: "zhao", as: .operator("admin"), now: f.clock.now)
        let place = "198.51.100.4"
        let unknown = try await Self.signIn(f, "nobody", password: "whatever it is", from: place)
        let wrong = try await Self.signIn(f, "wanggs", password: "wrong password", from: place)
        let disabled = try await Self.signIn(f, "zhao", from: place)
        for _ in 2...5 { _ = try await Self.signIn(f, "wanggs", password: "wrong password", from: place) }
        let locked = try await Self.signIn(f, "wanggs", from: place)
        #expect(unknown.status == 401)
        #expect(unknown.body.contains("id=\"login-error\""))
        for (what, reply) in [("wrong password", wrong), ("disabled", disabled), ("locked, right password", locked)] {
            #expect(Self.answer(reply) == Self.answer(unknown), "\(what)")
        }
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.contains { $0.action == "staff.locked" && $0.subject == "wanggs" && $0.detail.contains(place) })
        #expect(!audit.contains { $0.action == "staff.signed-in" && $0.subject == "wanggs" }, "the lock held against the right password")
    }

    @Test("every attempt runs one bcrypt verification: unknown names and locked accounts too", arguments: StorageBackendKind.allCases)
    func alwaysVerifies(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("wanggs", .reviewer)
        let throttle = f.server.pipeline.signInThrottle
        let before = throttle.verifications
        _ = try await Self.signIn(f, "nobody", from: "198.51.100.4")
        _ = try await Self.signIn(f, "no such name at all!", from: "198.51.100.4")
        #expect(throttle.verifications == before + 2, "an unknown or impossible name still costs a verification")
        for _ in 1...5 { _ = try await Self.signIn(f, "wanggs", password: "wrong password", from: "198.51.100.4") }
        let locked = throttle.verifications
        _ = try await Self.signIn(f, "wanggs", from: "198.51.100.4")
        #expect(throttle.verifications == locked + 1, "a locked account still costs a verification")
    }

    @Test(
        "failures from one address lock the account there only: the right password from another address signs in",
        arguments: StorageBackendKind.allCases)
    func perAddress(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("wanggs", .reviewer)
        let outsider = "203.0.113.9"
        for attempt in 1...SignInLockout.failures {
            #expect(try await Self.signIn(f, "wanggs", password: "guess \(attempt)", from: outsider).status == 401)
        }
        #expect(try await Self.signIn(f, "wanggs", from: outsider).status == 401, "locked out from the outsider's address")
        let office = try await Self.signIn(f, "wanggs", from: "10.20.0.15")
        #expect(office.status == 303 && office.setCookie("fieldroll_session") != nil, "the member signs in from the office")
        f.clock.advance(SignInLockout.millis)
        #expect(try await Self.signIn(f, "wanggs", from: outsider).status == 303, "the lock ends after 15 minutes")
    }

    @Test(
        "too many failures from one address across any names refuse that address for every name, even a right password",
        arguments: StorageBackendKind.allCases)
    func perAddressAcrossNames(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("wanggs", .reviewer)
        try await f.add("lixy", .viewer)
        let sprayer = "192.0.2.77"
        // Fewer than five per name, so no single account's limit is reached.
        for i in 0..<SignInLockout.addressFailures {
            _ = try await Self.signIn(f, "name\(i % 10)", password: "guess \(i)", from: sprayer)
        }
        // The address is refused for every name alike, known or not: 429 too-many-attempts with how long to wait.
        let refused = try await Self.signIn(f, "wanggs", from: sprayer)
        #expect(refused.status == 429 && refused.setCookie("fieldroll_session") == nil)
        #expect(Int(refused.header("Retry-After") ?? "") == Int(SignInLockout.millis / 1000))
        let unknown = try await Self.signIn(f, "nobody", from: sprayer)
        func said(_ reply: ConsoleClient.Reply) -> String? { reply.body.firstMatch(of: /id="login-error">([^<]*)</).map { String($0.1) } }
        #expect(unknown.status == 429 && said(unknown) != nil)
        #expect(said(unknown) == said(refused), "an unknown name gets the very same answer")
        #expect(unknown.header("Retry-After") == refused.header("Retry-After"))
        #expect(try await Self.signIn(f, "lixy", from: "10.20.0.15").status == 303, "other addresses are not affected")
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.contains { $0.action == "staff.address-locked" && $0.subject == "address/\(sprayer)" })
        f.clock.advance(SignInLockout.millis)
        #expect(try await Self.signIn(f, "wanggs", from: sprayer).status == 303, "the address is let in again after 15 minutes")
    }
}
