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

    /// The roll per village: each village of the person's region with its households enrolled
    /// (paid), suspended (not paid) and the monthly total paid, to the fen; the region's total.
    func roll(_ call: Call) async throws -> Response {
        let entries = try await rollEntries(in: call.staff.scope)
        let villages = Dictionary(grouping: entries, by: { $0.enrolment.region.digits }).sorted { $0.key < $1.key }
        var grand = Fen.zero
        let rows: [[String: Any]] = villages.map { village, list in
            let paid = list.filter { $0.enrolment.status == .enrolled }
            let total = paid.reduce(Fen.zero) { $0 + $1.enrolment.monthlyAmount }
            grand = grand + total
            return [
                "village": village, "enrolled": paid.count, "suspended": list.count - paid.count, "total": total.description,
                "link": "/console/roll/\(village)",
            ]
        }
        let page = Page(rows, number: call.page, lang: call.lang) { "/console/roll?page=\($0)" }
        var values: [String: Any] = [
            "villages": page.items, "grandTotal": grand.description,
            "grandEnrolled": entries.filter { $0.enrolment.status == .enrolled }.count,
            "grandSuspended": entries.filter { $0.enrolment.status == .suspended }.count,
        ]
        if let pager = page.pager { values["pager"] = pager }
        return view.page("roll", title: call.text("roll_title"), viewer: call.viewer, nav: "roll", values: values)
    }

    /// One village's roll: every household on it with programme, status and monthly amount, and
    /// the village's totals by programme and overall (over the whole roll, not the page shown).
    func villageRoll(_ call: Call, code: String) async throws -> Response {
        guard let village = try? RegionCode(code) else { throw ProblemDetails(.notFound, detail: "no such region") }
        guard call.staff.scope.contains(village) else { return outOfScope(call) }
        let entries = try await rollEntries(in: village)
        let paid = entries.filter { $0.enrolment.status == .enrolled }
        let byProgramme = Dictionary(grouping: paid, by: \.enrolment.programme).sorted { $0.key.rawValue < $1.key.rawValue }
        let totals: [[String: Any]] = byProgramme.map { programme, list in
            [
                "programme": call.lang == .zh ? programme.label : programme.rawValue, "households": list.count,
                "total": list.reduce(Fen.zero) { $0 + $1.enrolment.monthlyAmount }.description,
            ]
        }
        let page = Page(entries, number: call.page, lang: call.lang) { "/console/roll/\(village.digits)?page=\($0)" }
        let rows: [[String: Any]] = page.items.map { r in
            [
                "household": r.enrolment.householdID.description, "head": r.head, "address": r.address, "region": r.enrolment.region.digits,
                "programme": call.lang == .zh ? r.enrolment.programme.label : r.enrolment.programme.rawValue,
                "statusCode": r.enrolment.status.rawValue, "status": call.text("enrolment_\(r.enrolment.status.rawValue)"),
                "amount": r.enrolment.monthlyAmount.description, "start": r.enrolment.startDate?.description ?? "-",
            ]
        }
        var values: [String: Any] = [
            "village": village.digits, "entries": rows, "totals": totals, "households": paid.count,
            "total": paid.reduce(Fen.zero) { $0 + $1.enrolment.monthlyAmount }.description,
            "suspended": entries.count - paid.count,
            "noticeLink": village.level == .village || village.level == .township ? "/console/notice/\(village.digits)" : "",
        ]
        if let pager = page.pager { values["pager"] = pager }
        return view.page("village-roll", title: call.text("roll_title"), viewer: call.viewer, nav: "roll", values: values)
    }

    // MARK: The public notice

    /// The public notice of a village or township, ready to print: the same A4 page as
    /// `fieldroll-server notice` (``NoticeHTML``), names and resident IDs masked for everyone.
    /// Printing it is audited under the person's name, as the CLI's is.
    func notice(_ call: Call, code: String) async throws -> Response {
        guard let region = try? RegionCode(code), region.level == .village || region.level == .township else {
            throw ProblemDetails(.notFound, detail: "a notice is for a village or a township")
        }
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let notice = try await pipeline.printNotice(
            for: region, on: today, contact: configuration.noticeContact, format: "html", as: call.principal, now: call.now)
        var headers = ConsoleView.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        // The notice page carries its own print stylesheet inline; still no script, no forms.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: NoticeHTML.page(notice))))
    }

    // MARK: Roll review

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
        let rows: [[String: Any]] = page.items.map { r in
            [
                "id": r.enrolment.id.description, "household": r.enrolment.householdID.description, "head": r.head,
                "region": r.enrolment.region.digits,
                "programme": call.lang == .zh ? r.enrolment.programme.label : r.enrolment.programme.rawValue,
                "statusCode": r.enrolment.status.rawValue, "status": call.text("enrolment_\(r.enrolment.status.rawValue)"),
                "amount": r.enrolment.monthlyAmount.description, "canDecide": canDecide,
                "decision": r.enrolment.status == .enrolled ? "suspend" : "resume",
                "decisionLabel": call.text(r.enrolment.status == .enrolled ? "roll_suspend" : "roll_resume"),
                "hasConcerns": waiting[r.enrolment.id] != nil,
                "flags": (waiting[r.enrolment.id]?.flags ?? []).map { ["rule": $0.rule.rawValue, "detail": $0.detail] },
                "notEligible": waiting[r.enrolment.id]?.notEligible ?? false,
            ]
        }
        var values: [String: Any] = ["entries": rows, "canDecide": canDecide]
        if let pager = page.pager { values["pager"] = pager }
        return view.page(
            "roll-review", title: call.text("roll_review_title"), viewer: call.viewer, nav: "review", flash: flash(call), values: values)
    }
}
