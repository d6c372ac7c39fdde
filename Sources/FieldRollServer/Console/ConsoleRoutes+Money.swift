import FieldRollCore
import Foundation
import Hummingbird

extension ConsoleRoutes {
    // MARK: The payment list

    /// The monthly payment list of the person's region (or a region inside it): each household
    /// on the roll that month with what it is due, cut by day where its amount or status changed
    /// (``MonthlyPayment``), and the total — the same list as `fieldroll-server payments` and
    /// `GET /v1/payments`. The month defaults to the current one (China time).
    func payments(_ call: Call) async throws -> Response {
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let month: CalendarMonth
        if let text = call.query("month"), !text.isEmpty {
            do { month = try CalendarMonth(text) } catch { throw ProblemDetails(.invalidRecord, detail: error.message) }
        } else {
            month = CalendarMonth(containing: today)
        }
        var asked: RegionCode?
        if let text = call.query("region"), !text.isEmpty {
            guard let code = try? RegionCode(text) else { throw ProblemDetails(.invalidRecord, detail: "region \(text.prefix(20))") }
            asked = code
        }
        // The pipeline decides whether the person may read that region.
        let list = try await pipeline.payments(for: month, in: asked, as: call.principal)
        let region = list.region ?? call.staff.scope
        let page = Page(list.payments, number: call.page, lang: call.lang) {
            "/console/payments?month=\(month)&region=\(region.digits)&page=\($0)"
        }
        let rows = page.items.map { p in
            PaymentsPage.Payment(
                household: p.householdID.description, head: p.headName, place: call.place(p.region), programme: call.word(p.programme),
                amount: p.amount.description, periods: p.periods.map { period(call, $0) })
        }
        let model = PaymentsPage(
            month: month.description, region: region.digits, place: call.placePath(region), payments: rows, count: list.payments.count,
            total: list.total.description, previous: "/console/payments?month=\(month.adding(months: -1))&region=\(region.digits)",
            next: "/console/payments?month=\(month.adding(months: 1))&region=\(region.digits)",
            note: call.text("payments_note", ["days": "\(month.days)"]), pager: page.pager)
        return view.page(.payments, model: model, title: call.text("payments_title"), viewer: call.viewer, nav: "payments")
    }

    /// The payment list's view model.
    struct PaymentsPage {
        struct Period {
            var span: String
            var days: Int
            var status: String
            var amount: String
            var amountSince: String?
            var paid: Bool
            var paidLabel: String
        }
        struct Payment {
            var household: String
            var head: String
            var place: String
            var programme: String
            var amount: String
            var periods: [Period]
        }
        var month: String
        var region: String
        var place: String
        var payments: [Payment]
        var count: Int
        var total: String
        var previous: String
        var next: String
        var note: String
        var pager: Pager?
    }

    /// One stretch of a month for people: its days, the status and the amount, and whether paid.
    private func period(_ call: Call, _ p: MonthlyPayment.Period) -> PaymentsPage.Period {
        let span = p.from == p.through ? p.from.description : "\(p.from) – \(p.through)"
        let status = p.status.map { call.word($0) } ?? call.text("payments_not_yet")
        let since = p.statusSince.map { call.text("payments_since", ["day": $0.description]) } ?? ""
        let amountSince = p.amountSince.map { day in
            call.text("payments_amount_since", ["day": day.description, "cause": p.cause.map { call.word($0) } ?? ""])
        }
        return .init(
            span: span, days: p.days, status: status + since, amount: p.monthlyAmount.description, amountSince: amountSince, paid: p.paid,
            paidLabel: call.text(p.paid ? "payments_paid" : "payments_unpaid"))
    }

    // MARK: Standards

    /// The standards in force in and above the person's region, newest first, and — for those
    /// the pipeline lets add one (an admin) — the form to add one, which previews first.
    func standards(_ call: Call) async throws -> Response {
        let model = try await standardsModel(call, preview: nil)
        return view.page(
            .standards, model: model, title: call.text("standards_title"), viewer: call.viewer, nav: "roll", flash: flash(call))
    }

    /// The standards page's view model.
    struct StandardsPage {
        struct Standard {
            var place: String
            var programme: String
            var perCapita: String
            var from: String
            var by: String
        }
        struct Option {
            var value: String
            var label: String
        }
        struct Change {
            var household: String
            var head: String
            var place: String
            var from: String
            var before: String
            var after: String
            var cut: String
            var overLimit: Bool
        }
        struct Preview {
            var summary: String
            var previous: String?
            var rows: [Change]
            var skipped: [String]
            var reasons: [String]
            var needsConfirmation: Bool
            var region: String
            var place: String
            var programme: String
            var programmeLabel: String
            var perCapita: String
            var from: String
        }
        var standards: [Standard]
        var programmes: [Option]
        var scope: String
        var canAdd: Bool
        var preview: Preview?
    }

    private func standardsModel(_ call: Call, preview: StandardsPage.Preview?) async throws -> StandardsPage {
        let list = try await pipeline.standards(for: call.staff.scope).reversed()
        return StandardsPage(
            standards: list.map { s in
                .init(
                    place: call.placePath(s.region), programme: call.word(s.programme), perCapita: s.monthlyPerCapita.description,
                    from: s.effectiveFrom.description, by: call.actor(s.setBy))
            }, programmes: Programme.allCases.map { .init(value: $0.rawValue, label: call.word($0)) }, scope: call.staff.scope.digits,
            canAdd: call.principal.may(.addStandard), preview: preview)
    }

    /// The standard the form describes: region, programme, yuan per person, from.
    private func standardForm(_ call: Call) throws -> (RegionCode, Programme, Fen, CalendarDate) {
        do {
            let region = try RegionCode(call.form["region"] ?? "")
            guard let programme = Programme(rawValue: call.form["programme"] ?? "") else {
                throw ValidationError([FieldIssue(field: "programme", reason: "unknown", message: call.text("standards_no_programme"))])
            }
            let amount = try Fen(yuan: call.form["perCapita"] ?? "", field: "perCapita")
            let from = try CalendarDate(call.form["from"] ?? "", field: "from")
            return (region, programme, amount, from)
        } catch let error as ValidationError {
            throw ProblemDetails(.invalidRecord, detail: error.message, issues: error.issues)
        } catch let error as any FieldRollError { throw ProblemDetails(.invalidRecord, detail: error.message) }
    }

    /// What the standard would do, written nowhere (``SyncPipeline/previewStandard(region:programme:perCapita:from:as:now:)``):
    /// every household it changes, and why it needs confirmation, with the button that adds it.
    func standardPreview(_ call: Call) async throws -> Response {
        let (region, programme, amount, from) = try standardForm(call)
        let look = try await pipeline.previewStandard(
            region: region, programme: programme, perCapita: amount, from: from, as: call.principal, now: call.now)
        return try await previewPage(call, look)
    }

    /// Adds the standard through the pipeline. Unconfirmed, one that needs confirmation comes
    /// back as its preview with the reasons (nothing written); confirmed, it is added.
    func standardAdd(_ call: Call) async throws -> Response {
        let (region, programme, amount, from) = try standardForm(call)
        do {
            _ = try await pipeline.addStandard(
                region: region, programme: programme, perCapita: amount, from: from, as: call.principal,
                confirmed: call.form["confirm"] == "yes", now: call.now)
        } catch let refusal as StandardNeedsConfirmation {
            return try await previewPage(call, refusal.preview, status: .conflict)
        }
        return ConsoleView.redirect("/console/standards?done=standard")
    }

    private func previewPage(_ call: Call, _ look: StandardPreview, status: HTTPResponse.Status = .ok) async throws -> Response {
        let guarding = pipeline.standardGuard
        let preview = StandardsPage.Preview(
            summary: call.text(
                "standards_preview_summary",
                ["reached": "\(look.reached)", "changed": "\(look.changes.count)", "perCapita": look.standard.monthlyPerCapita.description]),
            previous: look.previous.map {
                call.text("standards_previous", ["perCapita": $0.monthlyPerCapita.description, "from": $0.effectiveFrom.description])
            },
            rows: look.changes.map { r in
                .init(
                    household: r.householdID.description, head: r.headName, place: call.place(r.region), from: r.effectiveFrom.description,
                    before: r.previous.description, after: r.amount.description, cut: r.cutPercent > 0 ? "−\(r.cutPercent) %" : "",
                    overLimit: r.overLimit)
            },
            skipped: look.skipped.map { "\(String($0.enrolment.description.prefix(8))): \(ConsoleText.title(of: $0.code, in: call.lang))" },
            reasons: look.reasons.map { reason in
                switch reason {
                case .cutsAmount:
                    call.text(
                        "standards_reason_cuts", ["n": "\(look.changes.filter(\.overLimit).count)", "share": "\(guarding.maxCutPercent)"])
                case .reachesNoOne: call.text("standards_reason_nobody")
                case .belowPrevious: call.text("standards_reason_below")
                }
            },
            needsConfirmation: look.needsConfirmation, region: look.standard.region.digits, place: call.placePath(look.standard.region),
            programme: look.standard.programme.rawValue, programmeLabel: call.word(look.standard.programme),
            perCapita: look.standard.monthlyPerCapita.description, from: look.standard.effectiveFrom.description)
        var model = try await standardsModel(call, preview: preview)
        model.canAdd = true
        return view.page(.standards, model: model, title: call.text("standards_title"), viewer: call.viewer, nav: "roll", status: status)
    }
}
