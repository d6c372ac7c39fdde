import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// The office's money in the console: the monthly payment list, and standards added only after a
/// preview — and, for one that moves money the wrong way, only with a person's confirmation,
/// which the pipeline asks for whatever the door.
@Suite("The console lists a month's payments and adds standards through their preview")
struct ConsoleMoneyTests {
    @Test(
        "the payment list of a month: each household's amount due, the suspended at 0.00, the total", arguments: StorageBackendKind.allCases
    )
    func payments(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        try await f.add("outsider", .viewer, scope: ConsoleRecordsTests.outsiderScope)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        let now = f.clock.now
        let (paid, paidEnrolment) = try await ConsoleRecordsTests.onRoll(&roll, head: "甲一", amount: Fen(42_000), now: now)
        let (held, _) = try await ConsoleRecordsTests.onRoll(&roll, head: "乙二", amount: Fen(10_000), status: .suspended, now: now)

        var (viewer, _) = try await f.signIn("viewer1")
        let march = try await viewer.get("/console/payments?month=2026-03")
        #expect(march.status == 200)
        let tight = march.body.replacingOccurrences(of: #">\s+<"#, with: "><", options: .regularExpression)
        #expect(tight.contains("id=\"payments-total\">420.00<"), "甲一 the whole of March; 乙二 suspended since 02-01")
        let rows = tight.components(separatedBy: "<tr data-household=").dropFirst()
        #expect(rows.contains { $0.hasPrefix("\"\(paid)\"") && $0.contains("<td class=\"amount\">420.00</td>") })
        #expect(rows.contains { $0.hasPrefix("\"\(held)\"") && $0.contains("<td class=\"amount\">0.00</td>") })
        #expect(march.body.contains("2026-03-01 – 2026-03-31 (31)") && march.body.contains("不发放"))
        // The months around it are links; January, before the start, lists no one.
        #expect(march.body.contains("month=2026-02") && march.body.contains("month=2026-04"))
        let january = try await viewer.get("/console/payments?month=2026-01")
        #expect(january.body.contains("id=\"no-payments\""))

        // A bad month is named; a region outside the person's is refused.
        let bad = try await viewer.get("/console/payments?month=2026-13")
        #expect(bad.status == 422 && bad.body.contains("data-kind=\"invalid-record\"") && bad.body.contains("2026-13"))
        var (outsider, _) = try await f.signIn("outsider")
        let outside = try await outsider.get("/console/payments?month=2026-03&region=\(TestServer.village.digits)")
        #expect(outside.status == 403)
        #expect(!(try await outsider.get("/console/payments?month=2026-03").body.contains(paid.description)))

        // A suspension enters the household's amount history, shown on its page.
        try await f.server.pipeline.review(
            enrolment: paidEnrolment, step: .rollReview, decision: .suspend, reason: "逾期未核查",
            as: .operator("张科长", role: .approver), now: now)
        let page = try await viewer.get("/console/households/\(paid)")
        #expect(page.body.contains("data-cause=\"suspension\"") && page.body.contains("暂停发放") && page.body.contains("逾期未核查"))
    }

    @Test(
        "a standard is previewed, a wrong-way one waits for the confirmation box, and only an admin adds one",
        arguments: StorageBackendKind.allCases)
    func standards(backend: StorageBackendKind) async throws {
        let f = try await ConsoleFixture.start(backend: backend)
        defer { Task { await f.close() } }
        try await f.add("viewer1", .viewer)
        try await f.add("admin1", .admin)
        var roll = try await RollFixture.make(f.server.pipeline, scope: TestServer.village)
        _ = try await ConsoleRecordsTests.onRoll(&roll, head: "甲一", amount: Fen(42_000), now: f.clock.now)
        let form: [(String, String)] = [
            ("region", TestServer.township.digits), ("programme", "urban-dibao"), ("perCapita", "820.00"), ("from", "2027-01-01"),
        ]

        var (viewer, _) = try await f.signIn("viewer1")
        let viewerPage = try await viewer.get("/console/standards")
        #expect(viewerPage.status == 200 && viewerPage.body.contains("standards-not-allowed") && !viewerPage.body.contains("standard-form"))
        let forged = try await viewer.post("/console/standards/add", form: [("_csrf", viewerPage.csrf ?? ""), ("confirm", "yes")] + form)
        #expect(forged.status == 403 && forged.body.contains("data-kind=\"forbidden\""))

        var (admin, _) = try await f.signIn("admin1")
        let page = try await admin.get("/console/standards")
        #expect(page.body.contains("id=\"standard-form\""))
        let csrf = page.csrf ?? ""
        // No one in the township is on urban dibao: the preview says so and asks for the box.
        let preview = try await admin.post("/console/standards/preview", form: [("_csrf", csrf)] + form)
        #expect(preview.status == 200 && preview.body.contains("id=\"standard-reasons\"") && preview.body.contains("没有覆盖任何"))
        #expect(preview.body.contains("id=\"standard-confirm\""))
        #expect(try await f.server.pipeline.standards(for: nil).isEmpty, "a preview writes nothing")
        // Sent without the box (a browser that ignores `required`): refused with the preview again.
        let unconfirmed = try await admin.post("/console/standards/add", form: [("_csrf", csrf)] + form)
        #expect(unconfirmed.status == 409 && unconfirmed.body.contains("id=\"standard-reasons\""))
        #expect(try await f.server.pipeline.standards(for: nil).isEmpty)
        let confirmed = try await admin.post("/console/standards/add", form: [("_csrf", csrf), ("confirm", "yes")] + form)
        #expect(confirmed.status == 303 && confirmed.header("Location") == "/console/standards?done=standard")
        let added = try await f.server.pipeline.standards(for: nil)
        #expect(added.count == 1 && added.first?.monthlyPerCapita == Fen(82_000) && added.first?.programme == .urbanDibao)
        let audit = try await f.server.pipeline.storage.auditEntries(after: 0, limit: 500)
        #expect(audit.contains { $0.action == "standard.added" && $0.actor.contains("admin1") && $0.detail.hasSuffix("(confirmed)") })
        let listed = try await admin.get("/console/standards?done=standard")
        #expect(listed.body.contains("id=\"flash\"") && listed.body.contains(">820.00<"))

        // An amount in fen or with a comma is named, and nothing is written.
        let typo = try await admin.post(
            "/console/standards/preview",
            form: [
                ("_csrf", csrf), ("region", TestServer.township.digits), ("programme", "rural-dibao"), ("perCapita", "8,20"),
                ("from", "2027-01-01"),
            ])
        #expect(typo.status == 422 && typo.body.contains("perCapita"))
        #expect(try await f.server.pipeline.standards(for: nil).count == 1)
    }
}
