import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension ConsoleRoutes {
    /// An enrolment on the roll (enrolled or suspended) with its household's head.
    struct RollEntry {
        var enrolment: Enrolment
        var head: String
        var address: String
    }

    /// The enrolled and suspended households inside `scope`, by region, then head, then id.
    func rollEntries(in scope: RegionCode) async throws -> [RollEntry] {
        try await pipeline.readModel("console-roll \(scope.digits)") { try await freshRollEntries(in: scope) }
    }

    private func freshRollEntries(in scope: RegionCode) async throws -> [RollEntry] {
        var heads: [String: (String, String)] = [:]
        for record in try await pipeline.records(of: .household, in: scope) {
            guard case .state(let s) = record.content, !s.isDeleted else { continue }
            heads[record.id] = (s.values["headName"]?.stringValue ?? "", s.values["address"]?.stringValue ?? "")
        }
        var out: [RollEntry] = []
        for record in try await pipeline.records(of: .enrolment, in: scope) {
            guard case .state(let s) = record.content, !s.isDeleted, let id = try? EnrolmentID(record.id),
                let e = try? Enrolment(id: id, values: s.values), e.status == .enrolled || e.status == .suspended
            else { continue }
            let (head, address) = heads[e.householdID.description] ?? ("", "")
            out.append(RollEntry(enrolment: e, head: head, address: address))
        }
        return out.sorted {
            ($0.enrolment.region.digits, $0.head, $0.enrolment.id.description) < (
                $1.enrolment.region.digits, $1.head, $1.enrolment.id.description
            )
        }
    }

    // MARK: The roll

    /// The roll's view model: one row per village.
    struct RollPage {
        struct Village {
            var village: String
            var place: String
            var enrolled: Int
            var suspended: Int
            var total: String
            var link: String
        }
        var villages: [Village]
        var grandTotal: String
        var grandEnrolled: Int
        var grandSuspended: Int
        var pager: Pager?
    }

    /// The roll per village: each village of the person's region with its households enrolled
    /// (paid), suspended (not paid) and the monthly total paid, to the fen; the region's total.
    func roll(_ call: Call) async throws -> Response {
        let entries = try await rollEntries(in: call.staff.scope)
        let villages = Dictionary(grouping: entries, by: { $0.enrolment.region }).sorted { $0.key.digits < $1.key.digits }
        var grand = Fen.zero
        let rows = villages.map { village, list in
            let paid = list.filter { $0.enrolment.status == .enrolled }
            let total = paid.reduce(Fen.zero) { $0 + $1.enrolment.monthlyAmount }
            grand = grand + total
            return RollPage.Village(
                village: village.digits, place: call.placePath(village), enrolled: paid.count, suspended: list.count - paid.count,
                total: total.description, link: "/console/roll/\(village.digits)")
        }
        let page = Page(rows, number: call.page, lang: call.lang) { "/console/roll?page=\($0)" }
        let model = RollPage(
            villages: page.items, grandTotal: grand.description, grandEnrolled: entries.filter { $0.enrolment.status == .enrolled }.count,
            grandSuspended: entries.filter { $0.enrolment.status == .suspended }.count, pager: page.pager)
        return view.page(.roll, model: model, title: call.text("roll_title"), viewer: call.viewer, nav: "roll")
    }

    /// One village's roll: the view model.
    struct VillageRollPage {
        struct Total {
            var programme: String
            var households: Int
            var total: String
        }
        struct Entry {
            var household: String
            var head: String
            var address: String
            var place: String
            var programme: String
            var statusCode: String
            var status: String
            var amount: String
            var start: String
        }
        var village: String
        var place: String
        var entries: [Entry]
        var totals: [Total]
        var households: Int
        var total: String
        var suspended: Int
        var noticeLink: String?
        var pager: Pager?
    }

    /// One village's roll: every household on it with programme, status and monthly amount, and
    /// the village's totals by programme and overall (over the whole roll, not the page shown).
    func villageRoll(_ call: Call, code: String) async throws -> Response {
        guard let village = try? RegionCode(code) else { throw ConsoleRefusal(.notFound, call.text("not_found_region")) }
        guard call.staff.scope.contains(village) else { return outOfScope(call) }
        let entries = try await rollEntries(in: village)
        let paid = entries.filter { $0.enrolment.status == .enrolled }
        let byProgramme = Dictionary(grouping: paid, by: \.enrolment.programme).sorted { $0.key.rawValue < $1.key.rawValue }
        let totals = byProgramme.map { programme, list in
            VillageRollPage.Total(
                programme: call.word(programme), households: list.count,
                total: list.reduce(Fen.zero) { $0 + $1.enrolment.monthlyAmount }.description)
        }
        let page = Page(entries, number: call.page, lang: call.lang) { "/console/roll/\(village.digits)?page=\($0)" }
        let rows = page.items.map { r in
            VillageRollPage.Entry(
                household: r.enrolment.householdID.description, head: r.head, address: r.address, place: call.place(r.enrolment.region),
                programme: call.word(r.enrolment.programme), statusCode: r.enrolment.status.rawValue, status: call.word(r.enrolment.status),
                amount: r.enrolment.monthlyAmount.description, start: r.enrolment.startDate?.description ?? "-")
        }
        let model = VillageRollPage(
            village: village.digits, place: call.placePath(village), entries: rows, totals: totals, households: paid.count,
            total: paid.reduce(Fen.zero) { $0 + $1.enrolment.monthlyAmount }.description, suspended: entries.count - paid.count,
            noticeLink: village.level == .village || village.level == .township ? "/console/notice/\(village.digits)" : nil,
            pager: page.pager)
        return view.page(.villageRoll, model: model, title: call.text("roll_title"), viewer: call.viewer, nav: "roll")
    }

    // MARK: The public notice

    /// The notice page's view model: what the printed notice will say, and the print button.
    struct NoticePage {
        struct Row { var cells: [String] }
        var region: String
        var title: String
        var header: [String]
        var rows: [Row]
        var count: Int
        var period: String?
        var contact: String?
        var signature: String
        var date: String
        var noContact: Bool
    }

    /// The public notice of a village or township as it will print (names and resident IDs
    /// masked for everyone): looking at it is not printing it, so it is not audited.
    func notice(_ call: Call, code: String) async throws -> Response {
        let region = try noticeRegion(call, code)
        guard call.staff.scope.contains(region) else { return outOfScope(call) }
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let notice = try await pipeline.publicNotice(for: region, on: today, contact: configuration.noticeContact)
        let sheet = NoticeHTML.Sheet(notice)
        let model = NoticePage(
            region: region.digits, title: sheet.title, header: sheet.header, rows: sheet.rows.map { .init(cells: $0.cells) },
            count: sheet.count, period: sheet.period.map { call.text("notice_period", ["start": $0.start, "end": $0.end]) },
            contact: sheet.contact, signature: sheet.signature, date: sheet.date, noContact: sheet.contact == nil)
        return view.page(.noticeView, model: model, title: sheet.title, viewer: call.viewer, nav: "roll", flash: flash(call))
    }

    /// Prints the notice: the print is audited under the person's name (``SyncPipeline/printNotice(for:on:place:contact:format:as:now:)``)
    /// and redirects to the A4 sheet, which a short-lived cookie lets this browser open.
    func printNotice(_ call: Call, code: String) async throws -> Response {
        let region = try noticeRegion(call, code)
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        _ = try await pipeline.printNotice(
            for: region, on: today, contact: configuration.noticeContact, format: "html", as: call.principal, now: call.now)
        var response = ConsoleView.redirect("/console/notice/\(region.digits)/sheet")
        response.setCookie(cookie(Self.printCookie, region.digits, maxAge: 600, secure: call.secure))
        return response
    }

    /// The A4 sheet of a notice just printed (the same page as `fieldroll-server notice`,
    /// ``NoticeHTML``); without a print of this region in the last ten minutes, back to the
    /// notice page and its print button.
    func noticeSheet(_ call: Call, code: String) async throws -> Response {
        let region = try noticeRegion(call, code)
        guard call.staff.scope.contains(region) else { return outOfScope(call) }
        guard call.request.cookies[Self.printCookie]?.value == region.digits else {
            return ConsoleView.redirect("/console/notice/\(region.digits)")
        }
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let notice = try await pipeline.publicNotice(for: region, on: today, contact: configuration.noticeContact)
        var headers = ConsoleView.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        // The sheet carries its own print stylesheet inline; still no script, no forms.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try NoticeHTML.page(notice))))
    }

    private func noticeRegion(_ call: Call, _ code: String) throws -> RegionCode {
        guard let region = try? RegionCode(code), region.level == .village || region.level == .township else {
            throw ConsoleRefusal(.notFound, call.text("notice_not_place"))
        }
        return region
    }

    // MARK: Roll review

    /// The roll review's view model.
    struct RollReviewPage {
        struct Flag {
            var rule: String
            var label: String
            var detail: String
        }
        struct Entry {
            var id: String
            var household: String
            var head: String
            var place: String
            var programme: String
            var statusCode: String
            var status: String
            var amount: String
            var canDecide: Bool
            var decision: String
            var decisionLabel: String
            var hasConcerns: Bool
            var flags: [Flag]
            var notEligible: Bool
            var checkedIn: String?
        }
        var entries: [Entry]
        var pager: Pager?
    }

    /// The roll review: households on the roll (enrolled or suspended) with suspend or resume,
    /// terminate and — where a cross-check flag or an amount of 0 waits in the review queue —
    /// confirm, for the roles the review chain lets decide at `roll-review` (approver, admin).
    /// Households with something to decide come first.
    func rollReview(_ call: Call) async throws -> Response {
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let waiting = Dictionary(
            try await pipeline.reviewQueue(in: call.staff.scope, today: today).filter { $0.step == .rollReview }.map {
                ($0.enrolment.id, $0)
            }, uniquingKeysWith: { a, _ in a })
        let entries = try await rollEntries(in: call.staff.scope).sorted {
            (waiting[$0.enrolment.id] == nil ? 1 : 0) < (waiting[$1.enrolment.id] == nil ? 1 : 0)
        }
        let page = Page(entries, number: call.page, lang: call.lang) { "/console/review/roll?page=\($0)" }
        let role = call.staff.role.apiRole
        let canDecide =
            role.map { RolePolicy.may($0, write: .reviewAction) && pipeline.reviewChains.mayAnywhere($0, actAt: .rollReview) } ?? false
        let rows = page.items.map { r in
            let concern = waiting[r.enrolment.id]
            let enrolled = r.enrolment.status == .enrolled
            return RollReviewPage.Entry(
                id: r.enrolment.id.description, household: r.enrolment.householdID.description, head: r.head,
                place: call.placePath(r.enrolment.region), programme: call.word(r.enrolment.programme),
                statusCode: r.enrolment.status.rawValue, status: call.word(r.enrolment.status),
                amount: r.enrolment.monthlyAmount.description,
                canDecide: canDecide, decision: enrolled ? "suspend" : "resume",
                decisionLabel: call.word(enrolled ? ReviewDecision.suspend : .resume), hasConcerns: concern != nil,
                flags: (concern?.flags ?? []).map { .init(rule: $0.rule.rawValue, label: call.word($0.rule), detail: $0.detail) },
                notEligible: concern?.notEligible ?? false,
                checkedIn: concern?.checkedInWhileSuspended.map { call.text("roll_checked_in", ["day": $0.description]) })
        }
        let model = RollReviewPage(entries: rows, pager: page.pager)
        return view.page(
            .rollReview, model: model, title: call.text("roll_review_title"), viewer: call.viewer, nav: "review", flash: flash(call))
    }
}
