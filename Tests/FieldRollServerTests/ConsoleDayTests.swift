@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// A county office's day in the console: the survey entered from paper at the township, the
/// county approval that takes its income from it, work queues that filter, names instead of
/// codes, and every word in the person's language.
@Suite("The console for a day's work")
struct ConsoleDayTests {
    static let county = try! RegionCode("139901000000")

    /// The synthetic county's place names, as `regions import` loads them.
    static func names(_ pipeline: SyncPipeline, now: Int64) async throws {
        _ = try await pipeline.importPlaceNames(
            [
                PlaceName(code: county, name: "示范县"), PlaceName(code: TestServer.township, name: "柳河乡"),
                PlaceName(code: TestServer.village, name: "上河村"), PlaceName(code: try RegionCode("139901003000"), name: "北坡镇"),
                PlaceName(code: TestServer.otherVillage, name: "下坡村"),
            ], as: .operator(), now: now)
    }

    /// The article of one application on a review page.
    static func card(_ page: String, _ id: EnrolmentID) -> String? {
        page.firstMatch(of: try! Regex<(Substring, Substring)>("id=\"enrolment-\(id)\"([\\s\\S]*?)</article>")).map { String($0.1) }
    }

    @Test(
        "a township reviewer enters the paper survey, signed by the server on their behalf; the county approves from it",
        arguments: StorageBackendKind.allCases)
    func paperSurvey(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        let pipeline = f.server.pipeline
        try await Self.names(pipeline, now: f.clock.now)
        try await f.add("reviewer1", .reviewer)
        try await f.add("approver1", .approver, scope: Self.county)
        try await f.add("viewer1", .viewer)
        _ = try await pipeline.addStandard(
            region: Self.county, programme: .ruralDibao, perCapita: Fen(80_000), from: try CalendarDate("2026-01-01"), as: .operator(),
            confirmed: true, now: f.clock.now)
        var roll = try await RollFixture.make(pipeline, scope: TestServer.village)
        let (household, enrolment) = try await roll.household(in: TestServer.village, names: ["周桂英", "周小明"], now: f.clock.now)
        // The village and the township approve without a survey; the county cannot.
        try await pipeline.review(
            enrolment: enrolment, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer),
            now: f.clock.now)
        try await pipeline.review(
            enrolment: enrolment, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer),
            now: f.clock.now)

        var (approver, _) = try await f.signIn("approver1")
        let waiting = try await approver.get("/console/review")
        let before = try #require(Self.card(waiting.body, enrolment))
        #expect(before.contains("data-need=\"survey\""), "the page says what the step still needs")
        #expect(!before.contains("value=\"approve\""), "no approve button before the survey")
        #expect(before.contains("上河村") && !before.contains(">139901002201<"), "places by name")

        var (reviewer, _) = try await f.signIn("reviewer1")
        let form = try await reviewer.get("/console/households/\(household)/survey")
        #expect(form.status == 200 && form.body.contains("id=\"survey-form\""))
        let member = try #require(
            try await pipeline.records(of: .member, in: TestServer.village).first {
                if case .state(let s) = $0.content { return s.values["name"]?.stringValue == "周小明" }
                return false
            }?.id)
        let today = CalendarDate(chinaDayOf: Instant(millis: f.clock.now)).description
        // Investigators missing: refused with the form's own words, nothing stored.
        let incomplete = try await reviewer.post(
            "/console/households/\(household)/survey",
            form: [("_csrf", form.csrf ?? ""), ("income.wages", "1200.50"), ("date", today), ("investigator1", "李敏")])
        #expect(incomplete.status == 422 && incomplete.body.contains("两名不同的调查人"))
        #expect(try await pipeline.records(of: .visit, in: TestServer.village).isEmpty)

        let saved = try await reviewer.post(
            "/console/households/\(household)/survey",
            form: [
                ("_csrf", form.csrf ?? ""), ("income.wages", "1200.50"), ("income.pension", "150"), ("work.\(member)", "migrant-work"),
                ("housing.condition", "dangerous"), ("housing.area", "45"), ("date", today), ("investigator1", "李敏"),
                ("investigator2", "王强"),
            ])
        #expect(saved.status == 303 && saved.header("Location")?.hasPrefix("/console/households/\(household)") == true)
        // Kept exactly as a device's visit: signed (by the server, for the account), immutable.
        let stored = try await pipeline.records(of: .visit, in: TestServer.village)
        #expect(stored.count == 1)
        guard case .body(let body)? = stored.first?.content else {
            Issue.record("the survey is not a signed body")
            return
        }
        let visit = try body.decode(as: Visit.self)
        #expect(visit.device == pipeline.serverNode && visit.author == "李敏、王强")
        #expect(visit.answers["income.wages"] == .int(120_050) && visit.answers["survey.enteredBy"] == .string("staff:reviewer1"))
        #expect(throws: Never.self) { try RawSignature.verify(body, with: pipeline.serverKey.publicKey) }
        let audit = try await pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(
            audit.contains { $0.action == "survey.entered" && $0.actor == "staff:reviewer1" && $0.subject == "visit/\(visit.id)" },
            "the audit log names who entered the sheet")
        let page = try await reviewer.get("/console/households/\(household)")
        #expect(page.body.contains("工资性收入（元/月）") && page.body.contains("1200.50 元"), "answers under the questions' names")
        #expect(page.body.contains("周小明 的就业状况") && page.body.contains("外出务工") && page.body.contains("危房"))
        #expect(page.body.contains("纸质调查表"))

        // Now the county's approval is offered, and takes its income from that survey.
        let ready = try await approver.get("/console/review")
        let after = try #require(Self.card(ready.body, enrolment))
        #expect(after.contains("value=\"approve\"") && !after.contains("data-need=\"survey\""))
        let approved = try await approver.post(
            "/console/review/\(enrolment)/decide",
            form: [("_csrf", ready.csrf ?? ""), ("step", "county-approval"), ("decision", "approve")])
        #expect(approved.status == 303, "\(approved.body)")
        let e = try await roll.enrolment(enrolment)
        // 2 × 800.00 − (1200.50 + 150.00) = 249.50
        #expect(e.status == .publicNotice && e.monthlyAmount == Fen(24_950))

        var (viewer, _) = try await f.signIn("viewer1")
        #expect(try await viewer.get("/console/households/\(household)/survey").status == 403, "a viewer enters no survey")
    }

    @Test("the queue filters by step, village, programme and days late; each dashboard tile opens its own queue")
    func workQueues() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        let pipeline = f.server.pipeline
        try await Self.names(pipeline, now: f.clock.now)
        try await f.add("admin1", .admin, scope: Self.county)
        var roll = try await RollFixture.make(pipeline, scope: Self.county)
        let (_, late) = try await roll.household(
            in: TestServer.village, names: ["甲一"], status: .applied, appliedOn: "2026-09-01", now: f.clock.now)
        let today = CalendarDate(chinaDayOf: Instant(millis: f.clock.now)).description
        let (_, here) = try await roll.household(
            in: TestServer.village, names: ["乙二"], status: .surveyed, appliedOn: today, now: f.clock.now)
        let (_, there) = try await roll.household(
            in: TestServer.otherVillage, names: ["丙三"], programme: .urbanDibao, status: .surveyed, appliedOn: today, now: f.clock.now)
        var (admin, _) = try await f.signIn("admin1")
        func shown(_ query: String) async throws -> Set<EnrolmentID> {
            let body = try await admin.get("/console/review\(query)").body
            return Set([late, here, there].filter { body.contains("id=\"enrolment-\($0)\"") })
        }
        #expect(try await shown("") == [late, here, there])
        #expect(try await shown("?step=township-review") == [here, there])
        #expect(try await shown("?village=\(TestServer.otherVillage.digits)") == [there])
        #expect(try await shown("?programme=urban-dibao") == [there])
        #expect(try await shown("?late=1") == [late])
        #expect(try await shown("?step=township-review&village=\(TestServer.village.digits)") == [here])
        let filtered = try await admin.get("/console/review?village=\(TestServer.otherVillage.digits)")
        #expect(filtered.body.contains("<option value=\"\(TestServer.otherVillage.digits)\" selected>北坡镇 下坡村</option>"))
        let dashboard = try await admin.get("/console/dashboard")
        #expect(dashboard.body.contains("href=\"/console/review?step=township-review\""))
        #expect(dashboard.body.contains("href=\"/console/review?step=village-survey\""))
        #expect(dashboard.body.contains("href=\"/console/review?late=1\""))
        #expect(dashboard.body.contains("FIELDROLL_NOTICE_CONTACT"), "a missing complaint contact is a warning on the dashboard")
    }

    /// Words that must never reach a page as they are: string keys of the console's tables.
    static var keyPattern: Regex<(Substring, Substring)> {
        /\b(step|role|status|enrolment|decision|programme|device_role|method|photo|history|rule|need|import_kind|field|reason|action|question|work|housing|dash|review|roll|survey|notice|devices|audit|household)_[a-z0-9_.-]+\b/
    }

    /// The text a person reads: tags and attributes removed.
    static func visible(_ html: String) -> String {
        html.replacing(/<style[\s\S]*?<\/style>/, with: "").replacing(/<[^>]*>/, with: " ")
    }

    @Test("every page in both languages: no string key, no raw code of the vocabularies on a Chinese page, names for places")
    func everyWord() async throws {
        let f = try await ConsoleFixture.start()
        defer { Task { await f.close() } }
        let pipeline = f.server.pipeline
        try await Self.names(pipeline, now: f.clock.now)
        try await f.add("admin1", .admin, scope: Self.county)
        _ = try await pipeline.addStandard(
            region: Self.county, programme: .ruralDibao, perCapita: Fen(80_000), from: try CalendarDate("2026-01-01"), as: .operator(),
            confirmed: true, now: f.clock.now)
        var roll = try await RollFixture.make(pipeline, scope: Self.county)
        let (household, enrolment) = try await roll.household(in: TestServer.village, names: ["吴秀珍", "吴小军"], now: f.clock.now)
        try await roll.visit(household, in: TestServer.village, answers: ["income.wages": .int(50_000)], now: f.clock.now)
        try await roll.approveToNotice(enrolment, from: f.clock.now)
        _ = try await f.conflict()
        var (admin, _) = try await f.signIn("admin1")
        let pages = [
            "/console/dashboard", "/console/conflicts", "/console/conflicts?all=1", "/console/review", "/console/review/roll",
            "/console/roll", "/console/roll/\(TestServer.village.digits)", "/console/notice/\(TestServer.village.digits)",
            "/console/payments", "/console/standards", "/console/households/\(household)", "/console/households/\(household)/survey",
            "/console/search", "/console/import", "/console/devices", "/console/audit", "/console/no-such-page",
        ]
        let kebab = Set(
            ReviewStep.allCases.map(\.rawValue) + EnrolmentStatus.allCases.map(\.rawValue) + Programme.allCases.map(\.rawValue)
                + Role.allCases.map(\.rawValue) + ReviewDecision.allCases.map(\.rawValue) + CrossCheckRule.allCases.map(\.rawValue)
                + ErrorCode.table.map(\.code.rawValue)
        ).filter { $0.contains("-") || ["caseworker", "kiosk", "approve", "reject", "enrolled", "suspended"].contains($0) }
        for lang in ConsoleLanguage.allCases {
            for path in pages {
                let reply = try await admin.get(path + (path.contains("?") ? "&" : "?") + "lang=\(lang.rawValue)")
                let text = Self.visible(reply.body)
                let keys = text.matches(of: Self.keyPattern).map { String($0.output.0) }
                #expect(keys.isEmpty, "\(path) in \(lang) shows string keys: \(keys)")
                // The audit log shows what was recorded, as it was recorded (its details are the log's own).
                guard path != "/console/audit" else { continue }
                #expect(!text.contains("139901002201"), "\(path) in \(lang) shows a village's code, not its name")
                if lang == .zh {
                    let words = Set(text.matches(of: /[A-Za-z][A-Za-z-]*[A-Za-z]/).map { String($0.output) })
                    #expect(words.intersection(kebab).isEmpty, "\(path) shows raw codes: \(words.intersection(kebab))")
                }
            }
        }
    }

    @Test("every string key the templates and the console's code use exists in both languages, and every vocabulary has its words")
    func stringTables() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let console = root.appendingPathComponent("Sources/FieldRollServer/Console")
        let templates = root.appendingPathComponent("Sources/FieldRollServer/Resources/Console")
        var used = Set(ConsoleVocabulary.keys)
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(text.matches(of: /\{\{[#^\/]?t\.([A-Za-z0-9_]+)\}\}/).map { String($0.output.1) })
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: console.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: console.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(text.matches(of: /\.text\(\s*"([A-Za-z0-9_.-]+)"/).map { String($0.output.1) })
        }
        #expect(used.count > 250)
        for lang in ConsoleLanguage.allCases {
            let missing = used.filter { lang.strings[$0] == nil }.sorted()
            #expect(missing.isEmpty, "\(lang) lacks \(missing)")
        }
        for code in ErrorCode.table.map(\.code) {
            #expect(ConsoleText.title(of: code, in: .zh) != ConsoleLanguage.zh.text("error_title"), "\(code) has no Chinese title")
        }
    }

    @Test("a missing or broken template stops the server at start, naming the file")
    func brokenTemplates() throws {
        #expect(throws: Never.self) { try ConsoleTemplate.library() }
        let broken = #expect(throws: ConsoleTemplateError.self) {
            try ConsoleTemplate.library { $0 == .review ? "{{#entries}} never closed" : ConsoleTemplate.defaultSource($0) }
        }
        #expect(broken?.file == "review.mustache" && broken?.code == .invalidConfiguration)
        let missing = #expect(throws: ConsoleTemplateError.self) {
            try ConsoleTemplate.library { $0 == .noticeView ? nil : ConsoleTemplate.defaultSource($0) }
        }
        #expect(missing?.file == "notice_view.mustache" && missing?.reason == "missing")
    }
}
