import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The central office's web console under `/console`: server-rendered pages for staff, signed
/// in with a session cookie, with every action going through the ``SyncPipeline`` under the
/// person's name.
///
/// - Sessions live on the server (``StaffStorage``); the cookie holds only a random token
///   (`HttpOnly`, `SameSite=Strict`, `Path=/console`, and `Secure` when the request came over
///   HTTPS through a trusted proxy).
/// - Every form carries the session's synchronizer token (`_csrf`); the sign-in form, which has
///   no session yet, a token that must match a short-lived cookie. A POST without the right
///   token changes nothing and gets a 403 page.
/// - Roles are checked on every page and action with the API's rules (``StaffRole/apiRole``),
///   and every record must lie in the person's scope.
///
/// These routes are HTML for people, not the device API: docs/console.md describes them, and
/// docs/openapi.json does not (the OpenAPI check leaves out everything under `/console`).
struct ConsoleRoutes: Sendable {
    let pipeline: SyncPipeline
    let configuration: ServerConfiguration
    let view: ConsoleView
    /// Where photo bytes are kept, for the household page's thumbnails.
    let blobs: BlobStore

    static let sessionCookie = "fieldroll_session"
    static let loginCookie = "fieldroll_login"
    /// A device's one-time code on its way from the enrolment form to the page that shows it once.
    static let codeCookie = "fieldroll_code"
    /// The region of a notice just printed, which opens its A4 sheet for ten minutes.
    static let printCookie = "fieldroll_print"
    /// Rows per page on every list.
    static let pageSize = 20

    init(pipeline: SyncPipeline, configuration: ServerConfiguration, blobs: BlobStore) throws {
        self.pipeline = pipeline
        self.configuration = configuration
        self.blobs = blobs
        self.view = try ConsoleView()
    }

    func register(on router: Router<ServerRequestContext>) {
        let console = router.group("console")
        console.get { _, _ in ConsoleView.redirect("/console/dashboard") }
        console.get("style.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ConsoleStyle.css)))
        }
        console.get("login") { request, context in try await loginPage(request, context) }
        console.post("login") { request, context in try await signIn(request, context) }
        console.post("logout") { request, context in
            try await gate(request, context, here: "/console/dashboard") { call in
                try await pipeline.endSession(call.session, now: call.now)
                var response = ConsoleView.redirect("/console/login")
                response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0, secure: call.secure))
                return response
            }
        }
        console.get("dashboard") { request, context in
            try await gate(request, context, here: "/console/dashboard") { call in try await dashboard(call) }
        }
        console.get("conflicts") { request, context in
            try await gate(request, context, here: "/console/conflicts") { call in try await conflicts(call) }
        }
        console.post("conflicts/{id}/resolve") { request, context in
            try await gate(request, context, here: "/console/conflicts") { call in
                try await resolve(call, id: context.parameters.get("id") ?? "")
            }
        }
        console.get("review") { request, context in
            try await gate(request, context, here: "/console/review") { call in try await review(call) }
        }
        console.post("review/{id}/decide") { request, context in
            try await gate(request, context, here: "/console/review") { call in
                try await decide(call, id: context.parameters.get("id") ?? "")
            }
        }
        console.get("review/roll") { request, context in
            try await gate(request, context, here: "/console/review/roll") { call in try await rollReview(call) }
        }
        console.get("households/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            // The language links reload this household's page (only a well-formed id is echoed).
            let here = (try? HouseholdID(id)).map { "/console/households/\($0)" } ?? "/console/search"
            return try await gate(request, context, here: here) { call in try await household(call, id: id) }
        }
        console.get("photos/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await gate(request, context, here: "/console/search") { call in try await photo(call, id: id) }
        }
        console.get("search") { request, context in
            try await gate(request, context, here: "/console/search") { call in try await search(call) }
        }
        console.post("search") { request, context in
            try await gate(request, context, here: "/console/search") { call in try await search(call) }
        }
        console.get("roll") { request, context in
            try await gate(request, context, here: "/console/roll") { call in try await roll(call) }
        }
        console.get("roll/{region}") { request, context in
            let code = context.parameters.get("region") ?? ""
            return try await gate(request, context, here: "/console/roll") { call in try await villageRoll(call, code: code) }
        }
        console.get("notice/{region}") { request, context in
            let code = context.parameters.get("region") ?? ""
            return try await gate(request, context, here: "/console/roll") { call in try await notice(call, code: code) }
        }
        console.post("notice/{region}/print") { request, context in
            let code = context.parameters.get("region") ?? ""
            return try await gate(request, context, here: "/console/roll") { call in try await printNotice(call, code: code) }
        }
        console.get("notice/{region}/sheet") { request, context in
            let code = context.parameters.get("region") ?? ""
            return try await gate(request, context, here: "/console/roll") { call in try await noticeSheet(call, code: code) }
        }
        console.get("households/{id}/survey") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await gate(request, context, here: "/console/review") { call in try await surveyForm(call, id: id) }
        }
        console.post("households/{id}/survey") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await gate(request, context, here: "/console/review") { call in try await recordSurvey(call, id: id) }
        }
        console.get("payments") { request, context in
            try await gate(request, context, here: "/console/payments") { call in try await payments(call) }
        }
        console.get("standards") { request, context in
            try await gate(request, context, here: "/console/standards") { call in try await standards(call) }
        }
        console.post("standards/preview") { request, context in
            try await gate(request, context, here: "/console/standards") { call in try await standardPreview(call) }
        }
        console.post("standards/add") { request, context in
            try await gate(request, context, here: "/console/standards") { call in try await standardAdd(call) }
        }
        console.get("import") { request, context in
            try await gate(request, context, here: "/console/import") { call in try await importPage(call) }
        }
        console.post("import/preview") { request, context in
            try await gate(request, context, here: "/console/import", maxBody: ConsoleForm.maxUploadBytes) { call in
                try await importPreview(call)
            }
        }
        console.post("import/commit") { request, context in
            try await gate(request, context, here: "/console/import", maxBody: ConsoleForm.maxUploadBytes) { call in
                try await importCommit(call)
            }
        }
        console.get("devices") { request, context in
            try await gate(request, context, here: "/console/devices") { call in try await devices(call) }
        }
        console.post("devices/enrol") { request, context in
            try await gate(request, context, here: "/console/devices") { call in try await enrolDevice(call) }
        }
        console.post("devices/{id}/revoke") { request, context in
            try await gate(request, context, here: "/console/devices") { call in
                try await revokeDevice(call, id: context.parameters.get("id") ?? "")
            }
        }
        console.get("audit") { request, context in
            try await gate(request, context, here: "/console/audit") { call in try await audit(call) }
        }
        console.post("audit/verify") { request, context in
            try await gate(request, context, here: "/console/audit") { call in try await verifyAudit(call) }
        }
    }

    // MARK: Sessions

    /// One signed-in request: who, in which language, and the form it sent.
    struct Call {
        var request: Request
        var lang: ConsoleLanguage
        var session: ConsoleSession
        var staff: StaffAccount
        var now: Int64
        var secure: Bool
        var form: [String: String] = [:]
        /// Files of a `multipart/form-data` form (the import page's CSV).
        var files: [String: ConsoleForm.File] = [:]
        var here: String
        /// The place names, for every region a page shows.
        var places: PlaceNames

        var viewer: ConsoleView.Viewer {
            .init(staff: staff, csrf: session.csrfToken, lang: lang, here: here, scopeLabel: places.label(staff.scope))
        }
        /// A region as people call it (its name; the digits for a code the server has no name for).
        func place(_ code: RegionCode) -> String { places.label(code) }
        /// A region with the places above it, below the person's own region (`柳河乡 上河村`).
        func placePath(_ code: RegionCode) -> String { places.path(code, below: staff.scope) }
        /// A record field's name in the person's language (`phone` → 电话); a field the console
        /// has no word for (a nested one, `members[2].name`) by its last part, else as it is.
        func field(_ name: String) -> String {
            if let word = lang.strings["field_\(name)"] { return word }
            let last = name.split(separator: ".").last.map(String.init) ?? name
            return lang.strings["field_\(last)"] ?? name
        }
        /// Who acted, as the audit log and the records name them (`staff:li`, `admin:zhang`,
        /// a device's id), in the person's language.
        func actor(_ recorded: String) -> String {
            let parts = recorded.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let word = lang.strings["actor_\(parts[0])"] else { return recorded }
            return word.replacingOccurrences(of: "{name}", with: parts[1])
        }
        /// A word of the rolls' vocabulary in the person's language.
        func word<V: ConsoleWord>(_ value: V) -> String { lang.text("\(V.wordPrefix)_\(value.rawValue)") }
        /// Who acts: every pipeline call of the console is made as this person, and the
        /// pipeline decides what they may do.
        var principal: Principal { .staff(staff) }
        func text(_ key: String, _ values: [String: String] = [:]) -> String { lang.text(key, values) }
        /// A query parameter.
        func query(_ name: String) -> String? { request.uri.queryParameters.get(name) }
        /// The page asked for, from 1.
        var page: Int { max(1, query("page").flatMap { Int($0) } ?? 1) }
    }

    /// Runs `body` for a signed-in person: a GET without a live session goes to the sign-in
    /// page; a POST without one, or without the session's CSRF token, is refused with a 403
    /// page and changes nothing. A refusal from the pipeline becomes a page with its status.
    func gate(
        _ request: Request, _ context: ServerRequestContext, here: String, maxBody: Int = ConsoleForm.maxBytes,
        _ body: (Call) async throws -> Response
    ) async throws -> Response {
        let now = configuration.clock()
        let (lang, chosen) = Self.language(request)
        let secure = isSecure(request, context)
        let live: (ConsoleSession, StaffAccount)?
        if let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty {
            live = try await pipeline.consoleSession(token: token, now: now)
        } else {
            live = nil
        }
        guard let live else {
            var response: Response
            if request.method == .get {
                response = ConsoleView.redirect("/console/login")
            } else {
                let viewer = ConsoleView.Viewer(staff: nil, csrf: nil, lang: lang, here: "/console/login")
                response = view.message(
                    viewer: viewer, status: Self.status(.noSession), kind: ErrorCode.noSession.rawValue, heading: lang.text("csrf_title"),
                    body: lang.text("login_expired"), back: "/console/login")
            }
            if chosen { response.setCookie(languageCookie(lang, secure: secure)) }
            return response
        }
        let (session, staff) = live
        var call = Call(
            request: request, lang: lang, session: session, staff: staff, now: now, secure: secure, here: here,
            places: try await pipeline.placeNames())
        var response: Response
        if request.method == .post {
            (call.form, call.files) = try await ConsoleForm.readAll(request, upTo: maxBody)
            guard let sent = call.form["_csrf"], ConsoleForm.same(sent, session.csrfToken) else {
                return view.message(
                    viewer: call.viewer, status: Self.status(.csrfFailed), kind: ErrorCode.csrfFailed.rawValue,
                    heading: call.text("csrf_title"), body: call.text("csrf_body"), back: here)
            }
        }
        do {
            response = try await body(call)
        } catch let refusal as ConsoleRefusal {
            response = view.message(
                viewer: call.viewer, status: Self.status(refusal.code), kind: refusal.code.rawValue,
                heading: refusal.code == .notFound ? call.text("not_found_title") : ConsoleText.title(of: refusal.code, in: call.lang),
                body: refusal.text, back: call.here)
        } catch let problem as ProblemDetails {
            response = refusal(call, problem.code, problem.detail ?? problem.title)
        } catch let error as any FieldRollError where !(error is StorageError) {
            response = refusal(call, error.code, error.message)
        }
        if chosen { response.setCookie(languageCookie(lang, secure: secure)) }
        return response
    }

    /// The page for a refusal: the code's own status from the code table (an illegal
    /// transition is 409, a scope violation 403, …), its title in the person's language, and
    /// what the pipeline said.
    func refusal(_ call: Call, _ code: ErrorCode, _ detail: String) -> Response {
        // The pipeline words its refusals in English, for logs and the API: a Chinese page says
        // what the code means in Chinese and keeps the sentence behind "details".
        let explained = call.lang.strings["refusal_\(code.rawValue)"]
        return view.message(
            viewer: call.viewer, status: Self.status(code), kind: code.rawValue,
            heading: code == .notFound ? call.text("not_found_title") : ConsoleText.title(of: code, in: call.lang),
            body: call.lang == .en ? detail : explained ?? ConsoleText.title(of: code, in: call.lang),
            detail: call.lang == .en ? nil : detail, back: call.here)
    }

    /// The HTTP status a code owns in the code table (400 for a code the table lacks).
    static func status(_ code: ErrorCode) -> HTTPResponse.Status { HTTPResponse.Status(code: code.definition?.status ?? 400) }

    /// The 404 page for a console path that does not exist.
    func notFoundPage(_ request: Request) -> Response {
        let (lang, _) = Self.language(request)
        let viewer = ConsoleView.Viewer(staff: nil, csrf: nil, lang: lang, here: "/console/dashboard")
        return view.message(
            viewer: viewer, status: .notFound, kind: ErrorCode.notFound.rawValue, heading: lang.text("not_found_title"),
            body: lang.text("not_found_body"), back: "/console/dashboard")
    }

    /// A 403 page for a role that may not do something.
    func forbidden(_ call: Call) -> Response {
        view.message(
            viewer: call.viewer, status: .forbidden, kind: "forbidden", heading: call.text("forbidden_title"),
            body: call.text("forbidden_body", ["role": call.text("role_\(call.staff.role.rawValue)")]), back: call.here)
    }

    /// A 403 page for a record outside the person's region.
    func outOfScope(_ call: Call) -> Response {
        view.message(
            viewer: call.viewer, status: .forbidden, kind: "scope-violation", heading: call.text("forbidden_title"),
            body: call.text("scope_body", ["scope": call.staff.scope.digits]), back: call.here)
    }

    // MARK: Signing in

    /// The sign-in page's view model.
    struct LoginPage {
        var loginToken: String
        var error: String?
    }

    func loginPage(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let now = configuration.clock()
        let (lang, chosen) = Self.language(request)
        let secure = isSecure(request, context)
        if let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty,
            try await pipeline.consoleSession(token: token, now: now) != nil
        {
            return ConsoleView.redirect("/console/dashboard")
        }
        var response = loginForm(lang: lang, secure: secure, error: nil, status: .ok)
        if chosen { response.setCookie(languageCookie(lang, secure: secure)) }
        return response
    }

    /// The sign-in form with a fresh pre-session token (in the form and in a cookie).
    func loginForm(lang: ConsoleLanguage, secure: Bool, error: String?, status: HTTPResponse.Status) -> Response {
        let token = Secrets.token()
        let viewer = ConsoleView.Viewer(staff: nil, csrf: nil, lang: lang, here: "/console/login")
        var response = view.page(
            .login, model: LoginPage(loginToken: token, error: error), title: lang.text("login_title"), viewer: viewer, status: status)
        response.setCookie(cookie(Self.loginCookie, token, maxAge: 3600, secure: secure))
        return response
    }

    func signIn(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let now = configuration.clock()
        let (lang, _) = Self.language(request)
        let secure = isSecure(request, context)
        let form = try await ConsoleForm.read(request)
        guard let sent = form["_csrf"], let expected = request.cookies[Self.loginCookie]?.value, ConsoleForm.same(sent, expected) else {
            let viewer = ConsoleView.Viewer(staff: nil, csrf: nil, lang: lang, here: "/console/login")
            return view.message(
                viewer: viewer, status: Self.status(.csrfFailed), kind: ErrorCode.csrfFailed.rawValue, heading: lang.text("csrf_title"),
                body: lang.text("csrf_body"),
                back: "/console/login")
        }
        // Even a name that cannot exist goes through the one check (and its bcrypt run), so no
        // answer comes back sooner than another; bcrypt reads no more than 72 bytes anyway.
        let name = String((form["name"] ?? "").trimmingCharacters(in: .whitespaces).lowercased().prefix(64))
        let password = String((form["password"] ?? "").prefix(200))
        let address = clientAddress(request, context)
        switch try await pipeline.signIn(name: name, password: password, from: address, now: now) {
        case .signedIn(let account):
            let (token, _) = try await pipeline.startSession(for: account, lifetime: configuration.consoleSessionLifetime, now: now)
            var response = ConsoleView.redirect("/console/dashboard")
            response.setCookie(cookie(Self.sessionCookie, token, maxAge: Int(configuration.consoleSessionLifetime / 1000), secure: secure))
            response.setCookie(cookie(Self.loginCookie, "", maxAge: 0, secure: secure))
            return response
        case .refused:
            // Unknown, wrong, disabled or refused after failures: one answer, so none can be told apart.
            return loginForm(lang: lang, secure: secure, error: lang.text("login_refused"), status: .unauthorized)
        case .throttled(let until):
            // This address, for every name alike: 429 `too-many-attempts` with how long to wait.
            var response = loginForm(
                lang: lang, secure: secure, error: lang.text("login_throttled", ["until": ConsoleFormat.time(until)]),
                status: Self.status(.tooManyAttempts))
            response.headers[.retryAfter] = String(max(1, (until - now + 999) / 1000))
            return response
        }
    }

    // MARK: Cookies and language

    /// A console cookie: `HttpOnly`, `SameSite=Strict`, only under `/console`.
    func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/console", secure: secure, httpOnly: true, sameSite: .strict)
    }

    func languageCookie(_ lang: ConsoleLanguage, secure: Bool) -> Cookie {
        cookie(ConsoleLanguage.cookieName, lang.rawValue, maxAge: 365 * 86_400, secure: secure)
    }

    /// The page's language: `?lang=` (then remembered in a cookie), else the cookie, else Chinese.
    static func language(_ request: Request) -> (ConsoleLanguage, chosen: Bool) {
        if let asked = request.uri.queryParameters.get("lang"), let lang = ConsoleLanguage(rawValue: asked) { return (lang, true) }
        if let kept = request.cookies[ConsoleLanguage.cookieName]?.value, let lang = ConsoleLanguage(rawValue: kept) {
            return (lang, false)
        }
        return (.zh, false)
    }

    /// The browser's IP address, which sign-in failures are counted by: the peer's, or, when the
    /// peer is a proxy in ``ServerConfiguration/trustedProxies``, the last `X-Forwarded-For`
    /// entry (the one that proxy added).
    func clientAddress(_ request: Request, _ context: ServerRequestContext) -> String {
        guard var peer = context.channel?.remoteAddress?.ipAddress else { return "unknown" }
        if peer.hasPrefix("::ffff:") { peer = String(peer.dropFirst(7)) }
        guard configuration.trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty, last.count <= 64
        else { return peer }
        return last.hasPrefix("::ffff:") ? String(last.dropFirst(7)) : last
    }

    /// Whether the browser reached us over HTTPS: the server itself speaks plain HTTP, so only a
    /// proxy in ``ServerConfiguration/trustedProxies`` saying `X-Forwarded-Proto: https` counts.
    func isSecure(_ request: Request, _ context: ServerRequestContext) -> Bool {
        guard request.headers[.xForwardedProto]?.lowercased() == "https" else { return false }
        guard var peer = context.channel?.remoteAddress?.ipAddress else { return false }
        if peer.hasPrefix("::ffff:") { peer = String(peer.dropFirst(7)) }
        return configuration.trustedProxies.contains(peer)
    }
}
