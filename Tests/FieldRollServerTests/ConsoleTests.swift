@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Synchronization
import Testing

@testable import FieldRollServer

/// A clock the test moves by hand, so lock-outs and session expiry never wait on the wall clock.
final class TestClock: Sendable {
    private let millis: Mutex<Int64>
    /// Starts at the wall clock's reading (device stamps in these tests are near it), then moves
    /// only when told.
    init(_ start: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) { millis = Mutex(start) }
    var now: Int64 { millis.withLock { $0 } }
    func advance(_ ms: Int64) { millis.withLock { $0 += ms } }
}

/// A real server on 127.0.0.1 with the console, staff accounts and a test clock.
struct ConsoleFixture {
    let server: TestServer
    let clock: TestClock
    var port: Int { server.server.port }
    static let password = "correct horse battery"

    static func start(backend: StorageBackendKind = .sqlite, log: CapturedLog? = nil) async throws -> ConsoleFixture {
        let clock = TestClock()
        let server = try await TestServer(backend: backend, logger: log?.logger) { config in
            config.clock = { clock.now }
            config.consoleSessionLifetime = 3_600_000
        }
        return ConsoleFixture(server: server, clock: clock)
    }

    /// Adds a staff account (a cheap bcrypt cost: tests hash many times).
    func add(_ name: String, _ role: StaffRole, scope: RegionCode = TestServer.township) async throws {
        let hash = try await StaffPassword.hash(Self.password, cost: 4)
        try await server.pipeline.addStaff(name: name, role: role, scope: scope, passwordHash: hash, by: "admin", now: clock.now)
    }

    /// Signs in through the form, as a browser would.
    func signIn(_ name: String, password: String = password) async throws -> (ConsoleClient, ConsoleClient.Reply) {
        var client = ConsoleClient(port: port)
        let form = try await client.get("/console/login")
        let token = form.csrf ?? ""
        let reply = try await client.post("/console/login", form: [("_csrf", token), ("name", name), ("password", password)])
        return (client, reply)
    }

    /// Two devices edit the same household's phone concurrently: one open conflict.
    func conflict() async throws -> (ConflictRecord, TestDevice) {
        let a = try await server.enrol(name: "李敏的平板")
        let b = try await server.enrol(name: "王强的平板")
        let household = HouseholdID()
        let id = household.description
        let create = a.newHousehold(household)
        _ = try await a.push([create])
        guard case .writes(let writes) = create.payload, let base = writes.first?.stamp else {
            throw ConsoleClient.Failure(description: "no stamp")
        }
        _ = try await a.push([a.writes(record: id, ["phone": "13911112222"], base: base)])
        _ = try await b.push([b.writes(record: id, ["phone": "13733334444"], base: base)])
        let open = try await server.pipeline.conflicts(includeResolved: false, scope: nil)
        return (try #require(open.first), a)
    }

    func close() async { await server.close() }
}

@Suite("The web console signs staff in and keeps them to their role")
struct ConsoleTests {
    @Test("a staff member signs in, sees the dashboard in Chinese or English, and signs out; the audit log names them")
    func signInAndOut() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("zhangke", .approver)
        var (client, reply) = try await f.signIn("zhangke")
        #expect(reply.status == 303)
        #expect(reply.header("Location") == "/console/dashboard")
        let cookie = try #require(reply.setCookie("fieldroll_session"))
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] { #expect(cookie.contains(attribute), "\(cookie)") }
        #expect(!cookie.contains("Secure"), "plain HTTP from a browser: no Secure flag")
        let page = try await client.get("/console/dashboard")
        #expect(page.status == 200)
        #expect(page.body.contains("lang=\"zh-Hans\"") && page.body.contains("概览") && page.body.contains("zhangke"))
        #expect(page.header("Cache-Control") == "no-store")
        let english = try await client.get("/console/dashboard?lang=en")
        #expect(english.body.contains("Dashboard") && english.body.contains("lang=\"en\""))
        #expect(try await client.get("/console/review").body.contains("Review queue"), "the language is remembered in a cookie")
        let out = try await client.post("/console/logout", form: [("_csrf", page.csrf ?? "")])
        #expect(out.status == 303 && out.header("Location") == "/console/login")
        let after = try await client.get("/console/dashboard")
        #expect(after.status == 303 && after.header("Location") == "/console/login")
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 100)
        #expect(audit.contains { $0.actor == "staff:zhangke" && $0.action == "staff.signed-in" })
        #expect(audit.contains { $0.actor == "staff:zhangke" && $0.action == "staff.signed-out" })
    }

    @Test("Secure cookies when a trusted proxy says the browser used HTTPS")
    func secureBehindProxy() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("zhangke", .viewer)
        var client = ConsoleClient(port: f.port)
        client.headers["X-Forwarded-Proto"] = "https"
        let form = try await client.get("/console/login")
        #expect(form.setCookie("fieldroll_login")?.contains("Secure") == true)
        let reply = try await client.post(
            "/console/login", form: [("_csrf", form.csrf ?? ""), ("name", "zhangke"), ("password", ConsoleFixture.password)])
        #expect(reply.setCookie("fieldroll_session")?.contains("Secure") == true)
    }

    @Test("five wrong passwords lock the account for 15 minutes, even against the right one")
    func lockOut() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("wanggs", .reviewer)
        for attempt in 1...4 {
            let (_, reply) = try await f.signIn("wanggs", password: "wrong password \(attempt)")
            #expect(reply.status == 401)
            #expect(reply.body.contains("login-error"))
        }
        let (_, fifth) = try await f.signIn("wanggs", password: "wrong password 5")
        #expect(fifth.status == 429)
        #expect(fifth.header("Retry-After") == "900")
        let (_, locked) = try await f.signIn("wanggs")
        #expect(locked.status == 429, "the right password does not open a locked account")
        f.clock.advance(15 * 60_000)
        let (_, open) = try await f.signIn("wanggs")
        #expect(open.status == 303)
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 100)
        #expect(audit.filter { $0.actor == "staff:wanggs" && $0.action == "staff.sign-in-failed" }.count == 4)
        #expect(audit.contains { $0.actor == "staff:wanggs" && $0.action == "staff.locked" })
        let (_, unknown) = try await f.signIn("nobody")
        #expect(unknown.status == 401)
    }

    @Test("a form without the right CSRF token is refused with a 403 page and changes nothing")
    func csrf() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        let (conflict, _) = try await f.conflict()
        var (client, _) = try await f.signIn("admin1")
        for token in ["wrong", ""] {
            let reply = try await client.post("/console/conflicts/\(conflict.id)/resolve", form: [("_csrf", token), ("choice", "other")])
            #expect(reply.status == 403)
            #expect(reply.body.contains("data-kind=\"csrf\""))
        }
        #expect(try await f.server.pipeline.conflicts(includeResolved: false, scope: nil).count == 1)
        // The sign-in form has its own token, tied to a cookie.
        var stranger = ConsoleClient(port: f.port)
        let refused = try await stranger.post(
            "/console/login", form: [("_csrf", "forged"), ("name", "admin1"), ("password", ConsoleFixture.password)])
        #expect(refused.status == 403)
        #expect(refused.setCookie("fieldroll_session") == nil)
    }

    @Test("an admin resolves a conflict with one choice; the device pulls the resolution; the audit log names the admin")
    func resolveConflict() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        let (conflict, device) = try await f.conflict()
        let (_, cursor) = try await device.pullAll()
        var (client, _) = try await f.signIn("admin1")
        let page = try await client.get("/console/conflicts")
        #expect(page.body.contains("conflict-\(conflict.id)"))
        #expect(page.body.contains("13911112222") && page.body.contains("13733334444"), "an admin sees both values in full")
        #expect(page.body.contains("李敏的平板") && page.body.contains("王强的平板"), "who wrote each")
        let reply = try await client.post(
            "/console/conflicts/\(conflict.id)/resolve", form: [("_csrf", page.csrf ?? ""), ("choice", "other")])
        #expect(reply.status == 303)
        #expect(try await client.get(reply.header("Location") ?? "").body.contains("id=\"flash\""))
        #expect(try await f.server.pipeline.conflicts(includeResolved: false, scope: nil).isEmpty)
        let pulled = try await device.pullAll(after: cursor).changes
        let phones = pulled.compactMap { p -> JSONValue? in
            guard case .writes(let w) = p.change.payload else { return nil }
            return w.first { $0.field == "phone" }?.value
        }
        #expect(phones.contains(.string(conflict.loser.value.stringValue ?? "")), "the device pulls the chosen value")
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 200)
        #expect(audit.contains { $0.actor == "staff:admin1" && $0.action == "conflict.resolved" && $0.subject == conflict.id })
        let again = try await client.post(
            "/console/conflicts/\(conflict.id)/resolve", form: [("_csrf", page.csrf ?? ""), ("choice", "kept")])
        #expect(again.status == 409)
    }

    @Test("a viewer sees masked values and no buttons, and a forged action is refused with 403")
    func roles() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        try await f.add("reviewer1", .reviewer)
        let (conflict, _) = try await f.conflict()
        var (viewer, _) = try await f.signIn("viewer1")
        let page = try await viewer.get("/console/conflicts")
        #expect(!page.body.contains("13911112222") && page.body.contains("*******2222"), "phone numbers are masked for a viewer")
        #expect(!page.body.contains("/resolve\""), "no resolve form for a viewer")
        let forged = try await viewer.post(
            "/console/conflicts/\(conflict.id)/resolve", form: [("_csrf", page.csrf ?? ""), ("choice", "other")])
        #expect(forged.status == 403)
        #expect(forged.body.contains("data-kind=\"forbidden\""))
        var (reviewer, _) = try await f.signIn("reviewer1")
        let review = try await reviewer.get("/console/review")
        let decision = try await reviewer.post(
            "/console/review/\(EnrolmentID().description)/decide",
            form: [("_csrf", review.csrf ?? ""), ("step", "county-approval"), ("decision", "approve")])
        #expect(decision.status == 403, "a reviewer may not approve at the county step (the API's rule)")
        #expect(try await f.server.pipeline.conflicts(includeResolved: false, scope: nil).count == 1)
    }

    @Test("a session ends after its lifetime, and a disabled account's sessions end at once")
    func expiry() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("li", .viewer)
        try await f.add("zhao", .viewer)
        var (li, _) = try await f.signIn("li")
        var (zhao, _) = try await f.signIn("zhao")
        #expect(try await li.get("/console/dashboard").status == 200)
        try await f.server.pipeline.disableStaff(name: "zhao", by: "admin", now: f.clock.now)
        #expect(try await zhao.get("/console/dashboard").status == 303)
        f.clock.advance(3_600_000)
        let expired = try await li.get("/console/dashboard")
        #expect(expired.status == 303 && expired.header("Location") == "/console/login")
        let (_, disabled) = try await f.signIn("zhao")
        #expect(disabled.status == 401)
    }

    @Test("a reviewer moves an application one step; the action carries the reviewer's name")
    func approve() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("reviewer1", .reviewer)
        let pipeline = f.server.pipeline
        let e = Enrolment(
            householdID: HouseholdID(), region: TestServer.village, programme: .ruralDibao, status: .surveyed, monthlyAmount: .zero,
            appliedOn: try CalendarDate("2026-11-20"))
        var clock = HybridLogicalClock(node: pipeline.serverNode, last: nil)
        let stamp = clock.tick(now: f.clock.now - 86_400_000)
        let writes = try e.fieldValues.sorted { $0.key < $1.key }.map {
            FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil)
        }
        let set = try ChangeSet(
            origin: pipeline.serverNode, stamp: stamp,
            changes: [Change(entity: .enrolment, record: e.id.description, region: TestServer.village, payload: .writes(writes))]
        ).signed(with: pipeline.serverKey)
        _ = try await pipeline.push(
            [set], pusher: pipeline.serverNode,
            writer: WriterContext(role: .admin, scope: TestServer.village.ancestor(at: .province), isServer: true), now: f.clock.now)
        var (client, _) = try await f.signIn("reviewer1")
        let page = try await client.get("/console/review")
        #expect(page.body.contains("enrolment-\(e.id)"))
        let reply = try await client.post(
            "/console/review/\(e.id)/decide", form: [("_csrf", page.csrf ?? ""), ("step", "township-review"), ("decision", "approve")])
        #expect(reply.status == 303, "\(reply.body)")
        let queue = try await pipeline.reviewQueue(in: nil, today: CalendarDate(chinaDayOf: Instant(millis: f.clock.now)))
        #expect(queue.first { $0.enrolment.id == e.id }?.step == .countyApproval)
        let audit = try await pipeline.storage.auditEntries(after: 0, limit: 200)
        #expect(audit.contains { $0.action == "review.approve" && $0.detail.contains("staff:reviewer1") })
    }

    @Test("the audit page verifies the chain on request and records who checked")
    func verifyChain() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        var (client, _) = try await f.signIn("viewer1")
        let page = try await client.get("/console/audit")
        #expect(page.body.contains("staff.signed-in"))
        let verified = try await client.post("/console/audit/verify", form: [("_csrf", page.csrf ?? "")])
        #expect(verified.status == 200)
        #expect(verified.body.contains("id=\"verify-result\"") && verified.body.contains("class=\"ok\""))
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 200)
        #expect(audit.contains { $0.actor == "staff:viewer1" && $0.action == "audit.verified" })
    }

    @Test("the access log never holds a password, a cookie, a token or a query")
    func secretsNeverLogged() async throws {
        let log = CapturedLog()
        let f = try await ConsoleFixture.start(log: log)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        var (client, reply) = try await f.signIn("admin1")
        _ = try await f.signIn("admin1", password: "a wrong password")
        let page = try await client.get("/console/dashboard?lang=en")
        _ = try await client.post("/console/audit/verify", form: [("_csrf", page.csrf ?? "")])
        let session = try #require(client.cookies["fieldroll_session"])
        let secrets = [ConsoleFixture.password, "a wrong password", session, page.csrf ?? "?", "fieldroll_session", "lang=en"]
        #expect(reply.status == 303)
        #expect(log.accessLines.count >= 6)
        for line in log.lines {
            for secret in secrets { #expect(!line.text.contains(secret), "logged: \(line.text)") }
        }
    }

    @Test("both languages have the same strings, and every template compiles")
    func stringsAndTemplates() throws {
        #expect(Set(ConsoleStrings.zh.keys) == Set(ConsoleStrings.en.keys))
        _ = try ConsoleView()
        for step in ReviewStep.allCases { #expect(ConsoleStrings.en["step_\(step.rawValue)"] != nil) }
        for role in StaffRole.allCases { #expect(ConsoleStrings.zh["role_\(role.rawValue)"] != nil) }
    }

    @Test("an admin enrols a device (the code shown once redeems) and revokes it; a viewer may do neither")
    func devices() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        try await f.add("viewer1", .viewer)
        var (admin, _) = try await f.signIn("admin1")
        let page = try await admin.get("/console/devices")
        #expect(page.body.contains("id=\"enrol-form\""))
        let enrolled = try await admin.post(
            "/console/devices/enrol",
            form: [("_csrf", page.csrf ?? ""), ("name", "东岗村平板"), ("role", "caseworker"), ("scope", TestServer.village.digits)])
        #expect(enrolled.status == 201)
        let code = try #require(enrolled.body.firstMatch(of: /id="code-value">([A-Z0-9-]+)</).map { String($0.1) })
        let key = Curve25519.Signing.PrivateKey()
        let (status, body) = try await f.server.request(
            "POST", "/v1/devices/enrol", json: ["code": .string(code), "publicKey": .string(key.publicKey.base64)])
        #expect(status == 201, "\(String(decoding: body, as: UTF8.self))")
        let device = try #require(try JSONValue(parsing: body).objectValue?["device"]?.stringValue)
        let token = try #require(try JSONValue(parsing: body).objectValue?["token"]?.stringValue)
        #expect(try await admin.get("/console/devices").body.contains("id=\"device-\(device)\" data-status=\"active\""))
        let outside = try await admin.post(
            "/console/devices/enrol", form: [("_csrf", page.csrf ?? ""), ("name", "x"), ("role", "kiosk"), ("scope", "139902000000")])
        #expect(outside.status == 403, "a scope outside the admin's region")
        var (viewer, _) = try await f.signIn("viewer1")
        let viewerPage = try await viewer.get("/console/devices")
        #expect(!viewerPage.body.contains("enrol-form") && !viewerPage.body.contains("/revoke"))
        let forged = try await viewer.post("/console/devices/\(device)/revoke", form: [("_csrf", viewerPage.csrf ?? "")])
        #expect(forged.status == 403)
        let revoked = try await admin.post("/console/devices/\(device)/revoke", form: [("_csrf", page.csrf ?? "")])
        #expect(revoked.status == 303)
        let (pullStatus, _) = try await f.server.request("GET", "/v1/sync/pull", token: token)
        #expect(pullStatus == 403 || pullStatus == 401, "a revoked device's token stops working")
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 200)
        #expect(audit.contains { $0.actor == "staff:admin1" && $0.action == "device.enrolment-issued" })
        #expect(audit.contains { $0.actor == "staff:admin1" && $0.action == "device.revoked" })
    }
}
