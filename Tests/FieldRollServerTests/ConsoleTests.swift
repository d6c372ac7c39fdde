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
        try await server.pipeline.addStaff(name: name, role: role, scope: scope, passwordHash: hash, as: .operator("admin"), now: clock.now)
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
    @Test(
        "a staff member signs in, sees the dashboard in Chinese or English, and signs out; the audit log names them",
        arguments: StorageBackendKind.allCases)
    func signInAndOut(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
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

    @Test("Secure cookies when a trusted proxy says the browser used HTTPS", arguments: StorageBackendKind.allCases)
    func secureBehindProxy(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
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

    @Test(
        "five wrong passwords from one address refuse the account there for 15 minutes, even with the right one, and answer as any failure",
        arguments: StorageBackendKind.allCases)
    func lockOut(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("wanggs", .reviewer)
        for attempt in 1...5 {
            let (_, reply) = try await f.signIn("wanggs", password: "wrong password \(attempt)")
            #expect(reply.status == 401)
            #expect(reply.body.contains("login-error"))
        }
        let (_, locked) = try await f.signIn("wanggs")
        #expect(locked.status == 401, "the right password does not open a locked account, and the answer does not say so")
        #expect(locked.header("Retry-After") == nil)
        f.clock.advance(15 * 60_000)
        let (_, open) = try await f.signIn("wanggs")
        #expect(open.status == 303)
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 100)
        #expect(audit.filter { $0.actor == "staff:wanggs" && $0.action == "staff.sign-in-failed" }.count == 4)
        #expect(audit.contains { $0.actor == "staff:wanggs" && $0.action == "staff.locked" })
        let (_, unknown) = try await f.signIn("nobody")
        #expect(unknown.status == 401)
    }

    @Test("a form without the right CSRF token is refused with a 403 page and changes nothing", arguments: StorageBackendKind.allCases)
    func csrf(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        let (conflict, _) = try await f.conflict()
        var (client, _) = try await f.signIn("admin1")
        for token in ["wrong", ""] {
            let reply = try await client.post("/console/conflicts/\(conflict.id)/resolve", form: [("_csrf", token), ("choice", "other")])
            #expect(reply.status == 403)
            #expect(reply.body.contains("data-kind=\"csrf-failed\""))
        }
        #expect(try await f.server.pipeline.conflicts(includeResolved: false, scope: nil).count == 1)
        // The sign-in form has its own token, tied to a cookie.
        var stranger = ConsoleClient(port: f.port)
        let refused = try await stranger.post(
            "/console/login", form: [("_csrf", "forged"), ("name", "admin1"), ("password", ConsoleFixture.password)])
        #expect(refused.status == 403)
        #expect(refused.setCookie("fieldroll_session") == nil)
    }

    @Test(
        "an admin resolves a conflict with one choice; the device pulls the resolution; the audit log names the admin",
        arguments: StorageBackendKind.allCases)
    func resolveConflict(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
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

    @Test("a viewer sees masked values and no buttons, and a forged action is refused with 403", arguments: StorageBackendKind.allCases)
    func roles(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
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

    @Test("a session ends after its lifetime, and a disabled account's sessions end at once", arguments: StorageBackendKind.allCases)
    func expiry(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("li", .viewer)
        try await f.add("zhao", .viewer)
        var (li, _) = try await f.signIn("li")
        var (zhao, _) = try await f.signIn("zhao")
        #expect(try await li.get("/console/dashboard").status == 200)
        try await f.server.pipeline.disableStaff(name: "zhao", as: .operator("admin"), now: f.clock.now)
        #expect(try await zhao.get("/console/dashboard").status == 303)
        f.clock.advance(3_600_000)
        let expired = try await li.get("/console/dashboard")
        #expect(expired.status == 303 && expired.header("Location") == "/console/login")
        let (_, disabled) = try await f.signIn("zhao")
        #expect(disabled.status == 401)
    }

    @Test("a reviewer moves an application one step; the action carries the reviewer's name", arguments: StorageBackendKind.allCases)
    func approve(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("reviewer1", .reviewer)
        let pipeline = f.server.pipeline
        let e = Enrolment(
            householdID: HouseholdID(), region: TestServer.village, programme: .ruralDibao, status: .surveyed, monthlyAmount: .zero,
            appliedOn: try CalendarDate("2026-11-20"))
        var clock = HybridLogicalClock(node: pipeline.serverNode, last: nil)
        let stamp = clock.tick(now: f.clock.now - 86_400_000)
        let household = Household(
            id: e.householdID, region: TestServer.village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt,
            declaredMonthlyIncome: .zero)
        func writes(_ values: [String: JSONValue]) -> [FieldWrite] {
            values.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
        }
        let set = try ChangeSet(
            origin: pipeline.serverNode, stamp: stamp,
            changes: [
                Change(
                    entity: .household, record: household.id.description, region: TestServer.village,
                    payload: .writes(writes(try household.fieldValues))),
                Change(
                    entity: .enrolment, record: e.id.description, region: TestServer.village, payload: .writes(writes(try e.fieldValues))),
            ]
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

    @Test(
        "a refusal is a page with its code's own status in the person's language; an unknown console path is a 404 page",
        arguments: StorageBackendKind.allCases)
    func refusalPages(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let (_, id) = try await roll.household(in: TestServer.village, names: ["王建国"], now: f.clock.now - 86_400_000)
        var (client, _) = try await f.signIn("admin1")
        let page = try await client.get("/console/review")
        // The application waits at the village survey: a county approval is not its step (409, not 400).
        let reply = try await client.post(
            "/console/review/\(id)/decide", form: [("_csrf", page.csrf ?? ""), ("step", "county-approval"), ("decision", "approve")])
        #expect(reply.status == 409 && reply.body.contains("data-kind=\"illegal-transition\""), "\(reply.status)")
        #expect(reply.body.contains("当前环节不能进行此操作"), "the code's title in Chinese")
        #expect(try await roll.enrolment(id).status == .applied)
        let english = try await client.post(
            "/console/review/\(id)/decide?lang=en",
            form: [("_csrf", page.csrf ?? ""), ("step", "county-approval"), ("decision", "approve")])
        #expect(english.status == 409 && english.body.contains("Not at this step"))
        let missing = try await client.get("/console/no-such-page?lang=zh")
        #expect(missing.status == 404 && missing.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(missing.body.contains("data-kind=\"not-found\"") && missing.body.contains("没有这个页面"))
        var anonymous = ConsoleClient(port: f.port)
        let orphan = try await anonymous.post("/console/conflicts/x/resolve", form: [("_csrf", "x")])
        #expect(orphan.status == 401 && orphan.body.contains("data-kind=\"no-session\""))
        #expect(try await f.server.request("GET", "/v1/no-such-route").0 == 404, "the device API still answers problem+json")
    }

    @Test("the audit page verifies the chain on request and records who checked", arguments: StorageBackendKind.allCases)
    func verifyChain(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        var (client, _) = try await f.signIn("viewer1")
        let page = try await client.get("/console/audit")
        #expect(page.body.contains("staff.signed-in"))
        let verified = try await client.post("/console/audit/verify", form: [("_csrf", page.csrf ?? "")])
        #expect(verified.status == 303 && verified.header("Location") == "/console/audit?verified=1", "a form answers with a redirect")
        let shown = try await client.get("/console/audit?verified=1")
        #expect(shown.body.contains("id=\"verify-result\"") && shown.body.contains("class=\"ok\""))
        // A reload shows the recorded verdict again and verifies (and audits) nothing more.
        _ = try await client.get("/console/audit?verified=1")
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 200)
        #expect(audit.filter { $0.actor == "staff:viewer1" && $0.action == "audit.verified" }.count == 1)
    }

    @Test("the access log never holds a password, a cookie, a token or a query", arguments: StorageBackendKind.allCases)
    func secretsNeverLogged(backend: StorageBackendKind) async throws {
        let log = CapturedLog()
        let f = try await ConsoleFixture.start(backend: backend, log: log)
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
        // The words of the vocabularies live in ConsoleWords; the console reads the merged tables.
        for step in ReviewStep.allCases { #expect(ConsoleStrings.enAll["step_\(step.rawValue)"] != nil) }
        for role in StaffRole.allCases { #expect(ConsoleStrings.zhAll["role_\(role.rawValue)"] != nil) }
    }

    @Test(
        "an admin enrols a device (the code shown once redeems) and revokes it; a viewer may do neither",
        arguments: StorageBackendKind.allCases)
    func devices(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        try await f.add("viewer1", .viewer)
        var (admin, _) = try await f.signIn("admin1")
        let page = try await admin.get("/console/devices")
        #expect(page.body.contains("id=\"enrol-form\""))
        let enrolled = try await admin.post(
            "/console/devices/enrol",
            form: [("_csrf", page.csrf ?? ""), ("name", "东岗村平板"), ("role", "caseworker"), ("scope", TestServer.village.digits)])
        // The form answers with a redirect; the page it leads to shows the code once.
        #expect(enrolled.status == 303)
        let location = try #require(enrolled.header("Location"))
        #expect(location.hasPrefix("/console/devices?enrolled="))
        let shown = try await admin.get(location)
        let code = try #require(shown.body.firstMatch(of: /id="code-value">([A-Z0-9-]+)</).map { String($0.1) })
        #expect(!location.contains(code), "the code never travels in a URL")
        // A reload shows it no more, and enrols no second device.
        let reloaded = try await admin.get(location)
        #expect(!reloaded.body.contains("code-value") && reloaded.body.contains("id=\"code-gone\""))
        #expect(try await f.server.pipeline.devices().filter { $0.name == "东岗村平板" }.count == 1)
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

/// The console's pages beyond the first slice: household history and photos, the roll, the
/// public notice, searches, imports and the roll review.
@Suite("The web console's records pages keep to the role, the region and the form")
struct ConsoleRecordsTests {
    static let day: Int64 = 86_400_000
    static let outsiderScope = try! RegionCode("139901003000")

    /// An HTML page's text with the five entities mustache writes turned back into characters.
    static func unescape(_ html: String) -> String {
        html.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every `href` and `src` of a page.
    static func links(_ html: String) -> [String] { html.matches(of: /(?:href|src)="([^"]*)"/).map { String($0.1) } }

    /// An enrolled household in `village` whose head is `head`, paid `amount` a month.
    static func onRoll(
        _ roll: inout RollFixture, head: String, in village: RegionCode = TestServer.village, amount: Fen,
        status: EnrolmentStatus = .enrolled, now: Int64
    ) async throws -> (HouseholdID, EnrolmentID) {
        let household = Household(region: village, address: "上河村1组", headName: head, housing: .selfBuilt, declaredMonthlyIncome: .zero)
        let enrolment = Enrolment(
            householdID: household.id, region: village, programme: .ruralDibao, status: status, monthlyAmount: amount,
            appliedOn: try CalendarDate("2026-01-05"),
            startDate: status == .enrolled || status == .suspended ? try CalendarDate("2026-02-01") : nil,
            statusSince: try CalendarDate("2026-02-01"))
        try await roll.office([household], now: now)
        try await roll.office([enrolment], now: now)
        return (household.id, enrolment.id)
    }

    func households(_ f: ConsoleFixture) async throws -> Int {
        try await f.server.pipeline.records(of: .household, in: nil).count
    }

    @Test(
        "new actions are refused to the roles the API refuses, and records outside the region to everyone",
        arguments: StorageBackendKind.allCases)
    func roles(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        for (name, role) in [("viewer1", StaffRole.viewer), ("reviewer1", .reviewer), ("approver1", .approver)] {
            try await f.add(name, role)
        }
        try await f.add("outsider", .admin, scope: Self.outsiderScope)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let (household, enrolment) = try await Self.onRoll(&roll, head: "赵春花", amount: Fen(42_000), now: f.clock.now)
        let csv = CSVTable(header: OfficeCSV.householdHeader).text

        var (viewer, _) = try await f.signIn("viewer1")
        let importPage = try await viewer.get("/console/import")
        #expect(importPage.status == 200 && importPage.body.contains("import-not-allowed") && !importPage.body.contains("import-form"))
        let preview = try await viewer.postFile(
            "/console/import/preview", fields: [("_csrf", importPage.csrf ?? ""), ("kind", "households")],
            file: ("file", "households.csv", csv))
        #expect(preview.status == 403 && preview.body.contains("data-kind=\"forbidden\""))
        let commit = try await viewer.post(
            "/console/import/commit", form: [("_csrf", importPage.csrf ?? ""), ("kind", "households"), ("text", csv)])
        #expect(commit.status == 403)
        var (approver, _) = try await f.signIn("approver1")
        let approverPage = try await approver.get("/console/import")
        let approverPreview = try await approver.postFile(
            "/console/import/preview", fields: [("_csrf", approverPage.csrf ?? ""), ("kind", "vehicles")],
            file: ("file", "vehicles.csv", "resident_id,plate,value_yuan\n"))
        #expect(approverPreview.status == 403, "imports and cross-checks are an admin's, as on the CLI")

        // Roll review: a reviewer sees no button and a forged one is refused; an approver suspends and resumes.
        var (reviewer, _) = try await f.signIn("reviewer1")
        let reviewerRoll = try await reviewer.get("/console/review/roll")
        #expect(reviewerRoll.body.contains("enrolment-\(enrolment)") && !reviewerRoll.body.contains("/decide\""))
        let forged = try await reviewer.post(
            "/console/review/\(enrolment)/decide",
            form: [("_csrf", reviewerRoll.csrf ?? ""), ("step", "roll-review"), ("decision", "suspend"), ("reason", "核查")])
        #expect(forged.status == 403)
        #expect(try await roll.enrolment(enrolment).status == .enrolled)
        let approverRoll = try await approver.get("/console/review/roll")
        #expect(approverRoll.body.contains("value=\"suspend\""))
        let noReason = try await approver.post(
            "/console/review/\(enrolment)/decide",
            form: [("_csrf", approverRoll.csrf ?? ""), ("step", "roll-review"), ("decision", "suspend")])
        #expect(noReason.status == 422 && noReason.body.contains("data-kind=\"invalid-record\""), "a suspension needs a reason")
        let suspended = try await approver.post(
            "/console/review/\(enrolment)/decide",
            form: [("_csrf", approverRoll.csrf ?? ""), ("step", "roll-review"), ("decision", "suspend"), ("reason", "车辆核对：名下有车")])
        #expect(suspended.status == 303 && suspended.header("Location") == "/console/review/roll?done=reviewed")
        #expect(try await roll.enrolment(enrolment).status == .suspended)
        let resumePage = try await approver.get("/console/review/roll")
        #expect(resumePage.body.contains("value=\"resume\""))
        let resumed = try await approver.post(
            "/console/review/\(enrolment)/decide",
            form: [("_csrf", resumePage.csrf ?? ""), ("step", "roll-review"), ("decision", "resume"), ("reason", "车辆已过户")])
        #expect(resumed.status == 303)
        #expect(try await roll.enrolment(enrolment).status == .enrolled)
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.contains { $0.action == "review.suspend" && $0.detail.contains("staff:approver1") })
        #expect(audit.contains { $0.action == "review.resume" && $0.detail.contains("staff:approver1") })
        // Nothing waits for this household at roll-review, so no confirm button; terminate ends it.
        let terminatePage = try await approver.get("/console/review/roll")
        #expect(terminatePage.body.contains("value=\"terminate\"") && !terminatePage.body.contains("value=\"confirm\""))
        let terminated = try await approver.post(
            "/console/review/\(enrolment)/decide",
            form: [("_csrf", terminatePage.csrf ?? ""), ("step", "roll-review"), ("decision", "terminate"), ("reason", "已迁出本县")])
        #expect(terminated.status == 303)
        #expect(try await roll.enrolment(enrolment).status == .terminated)
        #expect(!(try await approver.get("/console/review/roll").body.contains("enrolment-\(enrolment)")), "off the roll")

        // Another township's admin sees none of it.
        var (outsider, _) = try await f.signIn("outsider")
        for path in [
            "/console/households/\(household)", "/console/roll/\(TestServer.village.digits)",
            "/console/notice/\(TestServer.village.digits)",
        ] {
            let reply = try await outsider.get(path)
            #expect(reply.status == 403 && reply.body.contains("data-kind=\"scope-violation\""), "\(path)")
        }
        #expect(
            !(try await outsider.get("/console/roll").body.contains(TestServer.village.digits)), "the roll lists only the region's villages"
        )
        let outsiderSearch = try await outsider.get("/console/search")
        let found = try await outsider.post(
            "/console/search", form: [("_csrf", outsiderSearch.csrf ?? ""), ("kind", "name"), ("q", "赵春花")])
        #expect(found.status == 200 && !found.body.contains(household.description))
    }

    @Test("every new form without the session's CSRF token is refused and changes nothing", arguments: StorageBackendKind.allCases)
    func csrf(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let (_, enrolment) = try await Self.onRoll(&roll, head: "赵春花", amount: Fen(42_000), now: f.clock.now)
        let household = Household(
            region: TestServer.village, address: "上河村2组", headName: "钱多多", housing: .selfBuilt, declaredMonthlyIncome: .zero)
        let csv = CSVTable(header: OfficeCSV.householdHeader, rows: [OfficeCSV.row(household)]).text
        var (admin, _) = try await f.signIn("admin1")
        _ = try await admin.get("/console/dashboard")
        let before = try await f.server.pipeline.storage.head().auditSeq
        let count = try await households(f)
        for token in ["forged", ""] {
            let replies = [
                try await admin.post("/console/search", form: [("_csrf", token), ("kind", "name"), ("q", "赵")]),
                try await admin.postFile(
                    "/console/import/preview", fields: [("_csrf", token), ("kind", "households")], file: ("file", "households.csv", csv)),
                try await admin.post("/console/import/commit", form: [("_csrf", token), ("kind", "households"), ("text", csv)]),
                try await admin.post(
                    "/console/review/\(enrolment)/decide",
                    form: [("_csrf", token), ("step", "roll-review"), ("decision", "suspend"), ("reason", "核查")]),
            ]
            for reply in replies {
                #expect(reply.status == 403 && reply.body.contains("data-kind=\"csrf-failed\""), "\(reply.status)")
                #expect(!reply.body.contains("赵春花"), "a refused search shows nothing")
            }
        }
        #expect(try await households(f) == count)
        #expect(try await roll.enrolment(enrolment).status == .enrolled)
        #expect(try await f.server.pipeline.storage.head().auditSeq == before)
    }

    @Test("a search goes by POST: the name or resident ID never reaches a URL or the log", arguments: StorageBackendKind.allCases)
    func searchStaysOutOfURLs(backend: StorageBackendKind) async throws {
        let log = CapturedLog()
        let f = try await ConsoleFixture.start(backend: backend, log: log)
        defer { Task { await f.close() } }
        try await f.add("reviewer1", .reviewer)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let (household, _) = try await roll.household(in: TestServer.village, names: ["孙秀兰", "周德胜"], now: f.clock.now)
        let (other, _) = try await roll.household(in: try RegionCode("139901002202"), names: ["吴桂芳"], now: f.clock.now)
        var (client, _) = try await f.signIn("reviewer1")
        let form = try await client.get("/console/search")
        #expect(form.body.contains("id=\"search-form\"") && form.body.contains("method=\"post\""))
        let secrets = ["秀兰", "德胜", "11010519491231002X", "110105195203050039"]
        for (kind, q) in [("name", "秀兰"), ("name", "德胜"), ("resident-id", "110105195203050039")] {
            let reply = try await client.post("/console/search", form: [("_csrf", form.csrf ?? ""), ("kind", kind), ("q", q)])
            #expect(reply.status == 200)
            #expect(reply.body.contains("/console/households/\(household)"), "\(kind) \(q) finds the household")
            #expect(!reply.body.contains("/console/households/\(other)"))
            let results = try #require(reply.body.firstMatch(of: /<table id="results">([\s\S]*?)<\/table>/).map { String($0.1) })
            #expect(!results.contains("110105195203050039"), "the results show no resident ID")
            for link in Self.links(reply.body) {
                for secret in secrets {
                    let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
                    #expect(!link.contains(secret) && !link.contains(encoded), "\(link)")
                }
            }
        }
        let village = try await client.post(
            "/console/search", form: [("_csrf", form.csrf ?? ""), ("kind", "village"), ("q", "139901002202")])
        #expect(village.body.contains("/console/households/\(other)") && !village.body.contains("/console/households/\(household)"))
        // A township's code, or a code's first digits, finds the villages inside it.
        for area in ["139901002000", "1399010022"] {
            let both = try await client.post("/console/search", form: [("_csrf", form.csrf ?? ""), ("kind", "village"), ("q", area)])
            #expect(both.body.contains("/console/households/\(other)") && both.body.contains("/console/households/\(household)"), "\(area)")
        }
        let byQuery = try await client.get("/console/search?q=%E7%A7%80%E5%85%B0&kind=name")
        #expect(!byQuery.body.contains("/console/households/\(household)"), "a query string is never searched")
        #expect(log.accessLines.count >= 5)
        for line in log.lines {
            for secret in secrets + ["q=", "%E7%A7%80"] { #expect(!line.text.contains(secret), "logged: \(line.text)") }
        }
    }

    @Test(
        "an import's preview lists the bad rows and writes nothing; the commit writes through the pipeline",
        arguments: StorageBackendKind.allCases)
    func importPreviewAndCommit(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        let device = try await f.server.enrol()
        let a = Household(
            region: TestServer.village, address: "上河村5组1号", headName: "冯玉珍", housing: .selfBuilt, declaredMonthlyIncome: .zero)
        let b = Household(
            region: TestServer.village, address: "上河村5组2号", headName: "陈国强", housing: .rented, declaredMonthlyIncome: Fen(30_000))
        let outside = Household(
            region: TestServer.otherVillage, address: "下河村", headName: "褚卫东", housing: .selfBuilt, declaredMonthlyIncome: .zero)
        let header = OfficeCSV.householdHeader
        var broken = OfficeCSV.row(b)
        if let column = header.firstIndex(of: "declared_monthly_income_yuan") { broken[column] = "很多" }
        let bad = CSVTable(header: header, rows: [OfficeCSV.row(a), broken, OfficeCSV.row(outside)]).text
        let good = CSVTable(header: header, rows: [OfficeCSV.row(a), OfficeCSV.row(b)]).text
        var (admin, _) = try await f.signIn("admin1")
        let page = try await admin.get("/console/import?lang=en")
        #expect(page.body.contains("id=\"import-form\"") && page.body.contains("multipart/form-data"))
        let before = try await f.server.pipeline.storage.head()

        let refused = try await admin.postFile(
            "/console/import/preview", fields: [("_csrf", page.csrf ?? ""), ("kind", "households")], file: ("file", "households.csv", bad))
        #expect(refused.status == 200)
        #expect(refused.body.contains("id=\"preview-errors\"") && refused.body.contains("3 rows."))
        #expect(refused.body.contains("Households, row 3") && refused.body.contains("Households, row 4"), "each bad row with its line")
        #expect(refused.body.contains("declared monthly income yuan: is not in the expected format"), "the column and the reason in words")
        #expect(refused.body.contains("region: \(ConsoleText.title(of: .scopeViolation, in: .en))"))
        #expect(!refused.body.contains("id=\"commit-form\""), "a file with bad rows cannot be written")

        let preview = try await admin.postFile(
            "/console/import/preview", fields: [("_csrf", page.csrf ?? ""), ("kind", "households")], file: ("file", "households.csv", good))
        #expect(preview.body.contains("2 rows; 2 new or changed records."))
        let carried = try #require(preview.body.firstMatch(of: /<textarea name="text" hidden>([\s\S]*?)<\/textarea>/).map { String($0.1) })
        #expect(try await households(f) == 0, "a preview writes nothing")
        let after = try await f.server.pipeline.storage.head()
        #expect(after.auditSeq == before.auditSeq && after.position == before.position)

        let commit = try await admin.post(
            "/console/import/commit",
            form: [("_csrf", page.csrf ?? ""), ("kind", "households"), ("file", "households.csv"), ("text", Self.unescape(carried))])
        #expect(commit.status == 303 && commit.header("Location") == "/console/import?done=imported", "\(commit.body)")
        let stored = try await f.server.pipeline.records(of: .household, in: nil)
        #expect(Set(stored.map(\.id)) == [a.id.description, b.id.description])
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.contains { $0.actor == "staff:admin1" && $0.action == "office.import" })
        let pulled = try await device.pullAll().changes.map(\.change.record)
        #expect(pulled.contains(a.id.description) && pulled.contains(b.id.description), "the village's device pulls what was imported")
        let again = try await admin.postFile(
            "/console/import/preview", fields: [("_csrf", page.csrf ?? ""), ("kind", "households")], file: ("file", "households.csv", good))
        #expect(again.body.contains("id=\"preview-nothing\"") && !again.body.contains("id=\"commit-form\""))
    }

    @Test("a cross-check's preview shows the flags it would raise and stores none until confirmed", arguments: StorageBackendKind.allCases)
    func crossCheckPreview(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("admin1", .admin)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let (household, _) = try await roll.household(in: TestServer.village, names: ["孙秀兰"], now: f.clock.now)
        let vehicles = "resident_id,plate,value_yuan\n11010519491231002X,冀A12345,380000\n110105000000000000,冀A00000,1\n"
        var (admin, _) = try await f.signIn("admin1")
        let page = try await admin.get("/console/import?lang=en")
        let preview = try await admin.postFile(
            "/console/import/preview", fields: [("_csrf", page.csrf ?? ""), ("kind", "vehicles")], file: ("file", "车辆.csv", vehicles))
        #expect(preview.body.contains("vehicle-value") && preview.body.contains("/console/households/\(household)"))
        #expect(preview.body.contains("row 3"), "the row with a bad resident ID is listed")
        #expect(try await f.server.pipeline.flags(in: nil).isEmpty, "a preview stores no flag")
        let carried = try #require(preview.body.firstMatch(of: /<textarea name="text" hidden>([\s\S]*?)<\/textarea>/).map { String($0.1) })
        let commit = try await admin.post(
            "/console/import/commit",
            form: [("_csrf", page.csrf ?? ""), ("kind", "vehicles"), ("file", "车辆.csv"), ("text", Self.unescape(carried))])
        #expect(commit.status == 303)
        #expect(try await f.server.pipeline.flags(in: nil).map(\.household) == [household])
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.contains { $0.actor == "staff:admin1" && $0.action == "crosscheck.import" })
    }

    @Test(
        "a household's history shows its visits with photos, check-ins, review actions and amount changes",
        arguments: StorageBackendKind.allCases)
    func history(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("reviewer1", .reviewer)
        try await f.add("outsider", .admin, scope: Self.outsiderScope)
        let p = f.server.pipeline
        let now = f.clock.now
        _ = try await p.addStandard(
            region: TestServer.village.ancestor(at: .county), programme: .ruralDibao, perCapita: Fen(82_000),
            from: try CalendarDate("2026-01-01"),
            as: .operator("张科长"), confirmed: true, now: now - 20 * Self.day)
        var roll = try await RollFixture.make(p, scope: TestServer.village)
        let (household, enrolment) = try await roll.household(in: TestServer.village, names: ["王建国", "李秀英"], now: now - 10 * Self.day)
        let device = try await f.server.enrol()
        let bytes = Data("not really a jpeg, but bytes all the same".utf8)
        let digest = SHA256Digest(of: bytes)
        let (put, _) = try await f.server.request(
            "PUT", "/v1/blobs/\(digest.hex)", token: device.token, body: bytes, headers: ["Upload-Length": "\(bytes.count)"])
        #expect(put == 201)
        let visit = try Visit(
            householdID: household, region: TestServer.village, author: "李敏", device: device.id,
            startedAt: Instant(millis: now - 9 * Self.day),
            endedAt: Instant(millis: now - 9 * Self.day + 600_000), answers: ["income.wages": .int(80_000)], photos: [digest]
        ).signed(with: device.key)
        let photo = Photo(
            sha256: digest, size: Int64(bytes.count), kind: .house, householdID: household, region: TestServer.village, visitID: visit.id,
            takenAt: Instant(millis: now - 9 * Self.day))
        let member = try #require(
            try await p.records(of: .member, in: nil).first { record in
                guard case .state(let s) = record.content else { return false }
                return s.values["householdID"]?.stringValue == household.description && s.values["relation"]?.stringValue == "head"
            })
        let checkIn = try CheckIn(
            memberID: try MemberID(member.id), householdID: household, region: TestServer.village, at: Instant(millis: now - 2 * Self.day),
            place: "城关镇便民服务大厅", method: .inPerson, device: device.id
        ).signed(with: device.key)
        let results = try await device.push([
            Change(
                entity: .photo, record: photo.id.description, region: TestServer.village, payload: .body(try JSONValue(encoding: photo))),
            Change(
                entity: .visit, record: visit.id.description, region: TestServer.village, payload: .body(try JSONValue(encoding: visit))),
            Change(
                entity: .checkIn, record: checkIn.id.description, region: TestServer.village,
                payload: .body(try JSONValue(encoding: checkIn))),
        ])
        #expect(results.allSatisfy { $0.status == .applied }, "\(results)")
        try await roll.approveToNotice(enrolment, from: now)
        let amount = try #require(try await p.amountHistory(household: household).first)

        var (client, _) = try await f.signIn("reviewer1")
        let page = try await client.get("/console/households/\(household)")
        #expect(page.status == 200)
        #expect(page.body.contains("王建国") && page.body.contains("李秀英"))
        #expect(
            page.body.contains("110105********002X") && !page.body.contains("11010519491231002X"), "a reviewer sees resident IDs masked")
        #expect(page.body.contains("id=\"visit-\(visit.id)\"") && page.body.contains("李敏"))
        #expect(page.body.contains("<img src=\"/console/photos/\(photo.id)\""), "the visit's photo as a thumbnail")
        #expect(page.body.contains("城关镇便民服务大厅"), "the check-in")
        for reviewer in ["村干部", "乡镇民政", "张科长"] { #expect(page.body.contains(reviewer), "the review action by \(reviewer)") }
        #expect(
            page.body.contains(amount.amount.description) && page.body.contains("data-cause=\"approval\"") && page.body.contains("审批核定"),
            "the amount change")
        for link in Self.links(page.body) where link.hasPrefix("/console/") {
            #expect(!link.contains("王建国") && !link.contains("1101"), "\(link)")
        }
        let image = try await client.get("/console/photos/\(photo.id)")
        #expect(image.status == 200 && image.header("Content-Type") == "image/jpeg" && image.body == String(decoding: bytes, as: UTF8.self))
        #expect(image.header("Cache-Control") == "no-store")
        #expect(try await client.get("/console/households/not-a-uuid").status == 404)
        #expect(try await client.get("/console/photos/\(UUID().uuidString.lowercased())").status == 404)
        var (outsider, _) = try await f.signIn("outsider")
        #expect(try await outsider.get("/console/photos/\(photo.id)").status == 403, "a photo outside the person's region")
        var stranger = ConsoleClient(port: f.port)
        let anonymous = try await stranger.get("/console/photos/\(photo.id)")
        #expect(anonymous.status == 303 && anonymous.header("Location") == "/console/login")
    }

    @Test("the roll per village adds up to the fen; the printable notice masks the household", arguments: StorageBackendKind.allCases)
    func rollAndNotice(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.township)
        let now = f.clock.now
        let neighbour = try RegionCode("139901002202")
        _ = try await Self.onRoll(&roll, head: "甲一", amount: Fen(12_345), now: now)
        _ = try await Self.onRoll(&roll, head: "乙二", amount: Fen(67_890), now: now)
        _ = try await Self.onRoll(&roll, head: "丙三", amount: Fen(1), now: now)
        _ = try await Self.onRoll(&roll, head: "丁四", amount: Fen(50_000), status: .suspended, now: now)
        _ = try await Self.onRoll(&roll, head: "戊五", amount: Fen(99_999), status: .surveyed, now: now)
        _ = try await Self.onRoll(&roll, head: "己六", in: neighbour, amount: Fen(10_000), now: now)
        let today = CalendarDate(chinaDayOf: Instant(millis: now))
        let onNotice = Enrolment(
            householdID: HouseholdID(), region: TestServer.village, programme: .ruralDibao, status: .publicNotice,
            monthlyAmount: Fen(88_800),
            appliedOn: try CalendarDate("2026-10-01"), statusSince: today)
        try await roll.office(
            [
                Household(
                    id: onNotice.householdID, region: TestServer.village, address: "上河村9组", headName: "欧阳建国", housing: .selfBuilt,
                    declaredMonthlyIncome: .zero)
            ],
            now: now)
        try await roll.office([onNotice], now: now)

        var (client, _) = try await f.signIn("viewer1")
        let all = try await client.get("/console/roll")
        #expect(all.status == 200)
        let tight = all.body.replacingOccurrences(of: #">\s+<"#, with: "><", options: .regularExpression)
        let row = try #require(tight.firstMatch(of: /data-village="139901002201">(.*?)<\/tr>/).map { String($0.1) })
        #expect(
            row.contains("<td>3</td><td>1</td>") && row.contains(">802.36<"),
            "123.45 + 678.90 + 0.01; the suspended one is not paid: \(row)")
        #expect(all.body.contains("id=\"grand-total\">902.36<"))
        let village = try await client.get("/console/roll/\(TestServer.village.digits)")
        #expect(village.body.contains("id=\"village-total\">802.36<"))
        #expect(village.body.contains("丁四") && village.body.contains("data-status=\"suspended\""))
        #expect(!village.body.contains("戊五") && !village.body.contains("己六"), "not on the roll, or another village")

        // Looking at the notice is not printing it: nothing is audited, and the A4 sheet opens
        // only after the print action.
        let notice = try await client.get("/console/notice/\(TestServer.village.digits)")
        #expect(notice.status == 200 && notice.header("Content-Type") == "text/html; charset=utf-8")
        #expect(notice.body.contains(NoticeMask.name("欧阳建国")) && !notice.body.contains("欧阳建国"), "the head's name masked")
        #expect(notice.body.contains("888.00") && notice.body.contains("id=\"print-form\""))
        let printedBefore = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500).filter { $0.action == "notice.printed" }
        #expect(printedBefore.isEmpty, "viewing is not printing")
        let early = try await client.get("/console/notice/\(TestServer.village.digits)/sheet")
        #expect(early.status == 303, "no sheet without the print action")
        let printed = try await client.post("/console/notice/\(TestServer.village.digits)/print", form: [("_csrf", notice.csrf ?? "")])
        #expect(printed.status == 303 && printed.header("Location") == "/console/notice/\(TestServer.village.digits)/sheet")
        let sheet = try await client.get("/console/notice/\(TestServer.village.digits)/sheet")
        #expect(sheet.status == 200 && sheet.body.hasPrefix("<!DOCTYPE html>") && sheet.body.contains("@page { size: A4"))
        #expect(sheet.body.contains(NoticeMask.name("欧阳建国")) && !sheet.body.contains("欧阳建国"))
        #expect(sheet.header("Content-Security-Policy")?.contains("script") == false)
        #expect(
            try await client.get("/console/notice/\(TestServer.village.ancestor(at: .county).digits)").status == 404,
            "only a village or a township")
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.filter { $0.actor == "staff:viewer1" && $0.action == "notice.printed" }.count == 1, "the print, once")
    }

    @Test("the dashboard counts overdue check-ins per village and refused uploads per device", arguments: StorageBackendKind.allCases)
    func dashboard(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.township)
        _ = try await Self.onRoll(&roll, head: "甲一", amount: Fen(12_345), now: f.clock.now)
        _ = try await Self.onRoll(&roll, head: "乙二", amount: Fen(12_345), now: f.clock.now)
        let device = try await f.server.enrol(name: "东岗村平板")
        let refused = try await device.push([device.writes(.enrolment, record: UUID().uuidString.lowercased(), ["monthlyAmount": .int(1)])])
        #expect(refused.first?.status == .refused)
        var (client, _) = try await f.signIn("viewer1")
        let page = try await client.get("/console/dashboard")
        #expect(page.body.contains("id=\"overdue-total\">2<"), "enrolled since February, never checked in")
        #expect(page.body.contains("data-village=\"139901002201\""))
        let refusals = try #require(page.body.firstMatch(of: /id="refusals">([\s\S]*?)<\/section>/).map { String($0.1) })
        #expect(refusals.contains("东岗村平板") && refusals.contains("<td>1</td>"), "\(refusals)")
    }
}
