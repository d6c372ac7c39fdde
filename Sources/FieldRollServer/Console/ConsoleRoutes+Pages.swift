import FieldRollCore
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// One page of a list, and the links to its neighbours.
    struct Page<T> {
        var items: [T]
        var pager: [String: Any]?

        /// Page `number` (from 1) of `all`; `link` makes the URL of another page.
        init(_ all: [T], number: Int, size: Int = ConsoleRoutes.pageSize, lang: ConsoleLanguage, link: (Int) -> String) {
            let pages = max(1, (all.count + size - 1) / size)
            let page = min(number, pages)
            items = Array(all.dropFirst((page - 1) * size).prefix(size))
            guard pages > 1 else { return }
            var pager: [String: Any] = ["label": lang.text("page_of", ["page": "\(page)", "pages": "\(pages)"])]
            if page > 1 { pager["prev"] = link(page - 1) }
            if page < pages { pager["next"] = link(page + 1) }
            self.pager = pager
        }
    }

    /// The message a `?done=` after an action stands for (only known codes: never echoed text).
    func flash(_ call: Call) -> String? {
        switch call.query("done") {
        case "resolved": call.text("done_resolved")
        case "reviewed": call.text("done_reviewed")
        case "revoked": call.text("done_revoked")
        case "imported": call.text("done_imported")
        case "crosschecked": call.text("done_crosschecked")
        default: nil
        }
    }

    /// A vocabulary word for the page: its Chinese label in Chinese, its wire name in English.
    static func label<V: RawRepresentable & ChineseLabelled>(_: V.Type, _ raw: String?, _ lang: ConsoleLanguage) -> String
    where V.RawValue == String {
        guard let raw else { return "" }
        guard lang == .zh, let value = V(rawValue: raw) else { return raw }
        return value.label
    }

    // MARK: Dashboard

    func dashboard(_ call: Call) async throws -> Response {
        let scope = call.staff.scope
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let devices = try await pipeline.devices().filter { scope.contains($0.scope) }
        let open = try await pipeline.conflicts(includeResolved: false, scope: scope)
        let queue = try await pipeline.reviewQueue(in: scope, today: today)
        // The steps an application can wait at in any county's chain, and the roll review of
        // households on the roll with a new flag or an amount of 0.
        let chains = [pipeline.reviewChains.fallback] + pipeline.reviewChains.counties.values
        let queued = Set(chains.flatMap { chain in EnrolmentStatus.allCases.compactMap { chain.step(awaitedBy: $0) } })
            .union([.rollReview])
        let steps: [[String: Any]] = ReviewStep.allCases.filter { queued.contains($0) }.map { step in
            ["label": call.text("step_\(step.rawValue)"), "count": queue.filter { $0.step == step }.count]
        }
        let late: [[String: Any]] = queue.filter { $0.daysLate > 0 }.sorted { $0.daysLate > $1.daysLate }.prefix(Self.pageSize).map { e in
            [
                "step": call.text("step_\(e.step.rawValue)"), "region": e.enrolment.region.digits, "since": e.since?.description ?? "-",
                "due": e.due?.description ?? "-", "late": call.text("days_late", ["n": "\(e.daysLate)"]),
            ]
        }
        let page = Page(devices, number: call.page, lang: call.lang) { "/console/dashboard?page=\($0)" }
        let rows: [[String: Any]] = page.items.map { d in
            [
                "name": d.name, "role": d.role.rawValue, "scope": d.scope.digits, "status": call.text("status_\(d.status.rawValue)"),
                "lastSeen": d.lastSeenAt.map { ConsoleFormat.time($0.millis) } ?? call.text("never"),
            ]
        }
        // Overdue check-ins, counted per village.
        let overdue = try await pipeline.checkInList(in: scope, asOf: today).filter { $0.standing.state == .overdue }
        let overdueRows: [[String: Any]] = Dictionary(grouping: overdue, by: { $0.standing.region.digits }).sorted { $0.key < $1.key }
            .map { ["village": $0.key, "count": $0.value.count, "link": "/console/roll/\($0.key)"] }
        // Refused uploads: the server keeps each refusal's answer (code, reason, device), not the
        // change itself, so this counts them per device of the region and code.
        let names = Dictionary(devices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let refusals: [[String: Any]] = try await pipeline.storage.refusalCounts().compactMap { r in
            guard let name = names[r.device] else { return nil }
            return ["device": name, "code": r.code, "count": r.count]
        }
        var values: [String: Any] = [
            "conflictsWaiting": open.count, "steps": steps, "late": late, "hasLate": !late.isEmpty, "devices": rows,
            "overdue": overdueRows, "overdueTotal": overdue.count, "hasOverdue": !overdue.isEmpty, "refusals": refusals,
            "hasRefusals": !refusals.isEmpty,
        ]
        if let pager = page.pager { values["pager"] = pager }
        return view.page("dashboard", title: call.text("dash_title"), viewer: call.viewer, nav: "dashboard", values: values)
    }

    // MARK: Conflicts

    func conflicts(_ call: Call) async throws -> Response {
        let all = call.query("all") == "1"
        let scope = call.staff.scope
        var list = try await pipeline.conflicts(includeResolved: all, scope: scope)
        // Open ones first, oldest first (a queue); then the resolved ones, latest first.
        list.sort { a, b in
            switch (a.resolvedAt, b.resolvedAt) {
            case (nil, nil): return (a.detectedAt.millis, a.id) < (b.detectedAt.millis, b.id)
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): return (x.millis, a.id) > (y.millis, b.id)
            }
        }
        let page = Page(list, number: call.page, lang: call.lang) { "/console/conflicts?page=\($0)\(all ? "&all=1" : "")" }
        let names = Dictionary(try await pipeline.devices().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func device(_ id: NodeID) -> String { id == pipeline.serverNode ? call.text("app") : names[id] ?? id.rawValue }
        let records = try await pipeline.records(page.items.map { RecordKey($0.entity, $0.record) })
        let disclosure = call.staff.role.disclosure
        let rows: [[String: Any]] = page.items.map { c in
            var label = String(c.record.prefix(8))
            var household: String?
            if case .state(let state)? = records[RecordKey(c.entity, c.record)]?.content {
                label = state.values[c.entity == .household ? "headName" : "name"]?.stringValue ?? label
                household = c.entity == .household ? c.record : state.values["householdID"]?.stringValue
            }
            let mayResolve = c.resolvedAt == nil && call.staff.role.may(write: c.entity)
            var row: [String: Any] = [
                "id": c.id, "state": c.resolvedAt == nil ? "open" : "resolved",
                "entityLabel": call.text("entity_\(c.entity.rawValue)"), "recordLabel": label, "field": c.field,
                "region": c.region.digits, "detected": ConsoleFormat.time(c.detectedAt.millis),
                "keptValue": ConsoleFormat.value(c.winner.value, field: c.field, disclosure: disclosure),
                "otherValue": ConsoleFormat.value(c.loser.value, field: c.field, disclosure: disclosure),
                "keptBy": call.text(
                    "conflict_written", ["device": device(c.winnerDevice), "at": ConsoleFormat.time(c.winner.stamp.physical)]),
                "otherBy": call.text(
                    "conflict_written", ["device": device(c.loserDevice), "at": ConsoleFormat.time(c.loser.stamp.physical)]),
                "canResolve": mayResolve, "noRight": c.resolvedAt == nil && !mayResolve,
            ]
            if let household { row["householdLink"] = "/console/households/\(household)" }
            if c.resolvedAt != nil {
                row["resolvedLine"] = call.text(
                    "conflict_resolved_by", ["how": call.text(c.resolution ?? "kept-winner"), "by": c.resolvedBy ?? "?"])
            }
            return row
        }
        var values: [String: Any] = [
            "conflicts": rows, "toggleLink": all ? "/console/conflicts" : "/console/conflicts?all=1",
            "toggleLabel": call.text(all ? "conflicts_show_open" : "conflicts_show_resolved"),
        ]
        if let pager = page.pager { values["pager"] = pager }
        return view.page(
            "conflicts", title: call.text("conflicts_title"), viewer: call.viewer, nav: "conflicts", flash: flash(call), values: values)
    }

    /// Resolves a conflict with one choice, through the pipeline, under the person's name.
    func resolve(_ call: Call, id: String) async throws -> Response {
        guard let choice = call.form["choice"], choice == "kept" || choice == "other" else {
            throw ProblemDetails(.badRequest, detail: "choose kept or other")
        }
        _ = try await pipeline.resolveConflict(id: id, chooseLoser: choice == "other", as: call.principal, now: call.now)
        return ConsoleView.redirect("/console/conflicts?done=resolved")
    }

    // MARK: Review

    func review(_ call: Call) async throws -> Response {
        let scope = call.staff.scope
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        // Households on the roll waiting at roll-review are decided on the roll review page.
        var queue = try await pipeline.reviewQueue(in: scope, today: today).filter { $0.step != .rollReview }
        // One application only, when the household page links to it (by its UUID, nothing personal).
        let only = call.query("enrolment").flatMap { try? EnrolmentID($0) }
        if let only { queue = queue.filter { $0.enrolment.id == only } }
        let page = Page(queue, number: call.page, lang: call.lang) {
            "/console/review?page=\($0)\(only.map { "&enrolment=\($0)" } ?? "")"
        }
        let households = try await pipeline.records(page.items.map { RecordKey(.household, $0.enrolment.householdID.description) })
        let wanted = Set(page.items.map { $0.enrolment.householdID.description })
        var members: [String: [[String: Any]]] = [:]
        let disclosure = call.staff.role.disclosure
        if !wanted.isEmpty {
            for record in try await pipeline.records(of: .member, in: scope) {
                guard case .state(let state) = record.content, !state.isDeleted, let household = state.values["householdID"]?.stringValue,
                    wanted.contains(household)
                else { continue }
                let v = state.values
                members[household, default: []].append([
                    "name": v["name"]?.stringValue ?? "", "relation": Self.label(Relation.self, v["relation"]?.stringValue, call.lang),
                    "residentID": v["residentID"]?.stringValue.map(disclosure.residentID) ?? "",
                    "phone": v["phone"]?.stringValue.map(disclosure.phone) ?? "",
                ])
            }
        }
        let role = call.staff.role.apiRole
        let rows: [[String: Any]] = page.items.map { e in
            let householdID = e.enrolment.householdID.description
            var head = ""
            var address = ""
            if case .state(let state)? = households[RecordKey(.household, householdID)]?.content {
                head = state.values["headName"]?.stringValue ?? ""
                address = state.values["address"]?.stringValue ?? ""
            }
            let canDecide =
                role.map {
                    RolePolicy.may($0, write: .reviewAction) && pipeline.reviewChains.chain(for: e.enrolment.region).may($0, actAt: e.step)
                } ?? false
            let flags: [[String: Any]] = e.flags.map { ["rule": $0.rule.rawValue, "detail": $0.detail] }
            var row: [String: Any] = [
                "id": e.enrolment.id.description, "household": householdID, "stepCode": e.step.rawValue,
                "stepLabel": call.text("step_\(e.step.rawValue)"),
                "head": head, "address": address, "region": e.enrolment.region.digits,
                "programme": call.lang == .zh ? e.enrolment.programme.label : e.enrolment.programme.rawValue,
                "amount": e.enrolment.monthlyAmount.description, "since": e.since?.description ?? "-", "due": e.due?.description ?? "-",
                "members": members[householdID] ?? [], "flags": flags, "hasFlags": !flags.isEmpty, "canDecide": canDecide,
            ]
            if e.daysLate > 0 { row["late"] = call.text("days_late", ["n": "\(e.daysLate)"]) }
            if let ends = e.noticeEnds { row["noticeEnds"] = ends.description }
            return row
        }
        var values: [String: Any] = ["entries": rows]
        if let pager = page.pager { values["pager"] = pager }
        return view.page("review", title: call.text("review_title"), viewer: call.viewer, nav: "review", flash: flash(call), values: values)
    }

    /// Decides at a step of the review chain as the signed-in person, through
    /// ``SyncPipeline/review(enrolment:step:decision:reason:as:now:)``, which decides whether they may.
    func decide(_ call: Call, id: String) async throws -> Response {
        guard let enrolment = try? EnrolmentID(id) else { throw ProblemDetails(.notFound, detail: "no such application") }
        guard let step = call.form["step"].flatMap(ReviewStep.init(rawValue:)),
            let decision = call.form["decision"].flatMap(ReviewDecision.init(rawValue:))
        else { throw ProblemDetails(.badRequest, detail: "the form names no step or no decision") }
        let reason = String((call.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        try await pipeline.review(enrolment: enrolment, step: step, decision: decision, reason: reason, as: call.principal, now: call.now)
        return ConsoleView.redirect(step == .rollReview ? "/console/review/roll?done=reviewed" : "/console/review?done=reviewed")
    }

    // MARK: Devices

    /// The devices of the person's region; an admin enrols (the code shown once, on this page
    /// only) and revokes. Devices are the central office's to hand out, so only admins may.
    func devices(_ call: Call, code: (value: String, device: NodeID)?) async throws -> Response {
        let scope = call.staff.scope
        let isAdmin = call.principal.may(.enrolDevice)
        let all = try await pipeline.devices().filter { scope.contains($0.scope) }
        let page = Page(all, number: call.page, lang: call.lang) { "/console/devices?page=\($0)" }
        let rows: [[String: Any]] = page.items.map { d in
            [
                "id": d.id.rawValue, "name": d.name, "role": d.role.rawValue, "scope": d.scope.digits, "statusCode": d.status.rawValue,
                "status": call.text("status_\(d.status.rawValue)"),
                "lastSeen": d.lastSeenAt.map { ConsoleFormat.time($0.millis) } ?? call.text("never"),
                "canRevoke": isAdmin && (d.status == .active || d.status == .pending),
            ]
        }
        var values: [String: Any] = [
            "devices": rows, "canEnrol": isAdmin, "roles": Role.allCases.map(\.rawValue), "defaultScope": scope.digits,
        ]
        if let code {
            let hours = configuration.enrolmentCodeLifetime / 3_600_000
            values["code"] = [
                "value": code.value, "device": code.device.rawValue, "once": call.text("devices_code_once", ["hours": "\(hours)"]),
            ]
        }
        if let pager = page.pager { values["pager"] = pager }
        return view.page(
            "devices", title: call.text("devices_title"), viewer: call.viewer, nav: "devices", flash: flash(call),
            status: code.map { _ in .created } ?? .ok, values: values)
    }

    /// Registers a device in the person's region and shows its one-time code once.
    func enrolDevice(_ call: Call) async throws -> Response {
        let name = (call.form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 80 else { throw ProblemDetails(.invalidRecord, detail: "a device name is 1–80 characters") }
        guard let role = call.form["role"].flatMap(Role.init(rawValue:)) else {
            throw ProblemDetails(.invalidRecord, detail: "role must be one of \(Role.wireNames.joined(separator: ", "))")
        }
        let scope: RegionCode
        do { scope = try RegionCode(call.form["scope"] ?? "") } catch { throw ProblemDetails(.invalidRecord, detail: error.message) }
        let code = Secrets.enrolmentCode()
        let id = try await pipeline.createDevice(
            name: name, role: role, scope: scope, codeHash: Secrets.hash(code), expiresAt: call.now + configuration.enrolmentCodeLifetime,
            as: call.principal, now: call.now)
        return try await devices(call, code: (code, id))
    }

    /// Revokes a device of the person's region at once.
    func revokeDevice(_ call: Call, id: String) async throws -> Response {
        guard let node = try? NodeID(id) else { throw ProblemDetails(.notFound, detail: "no such device") }
        try await pipeline.revoke(node, as: call.principal, now: call.now)
        return ConsoleView.redirect("/console/devices?done=revoked")
    }

    // MARK: Audit

    /// The audit log, newest first, cut to the entries about the person's scope (``AuditScope``).
    func audit(_ call: Call, verdict: AuditVerification?) async throws -> Response {
        let number = min(call.page, 10_000)
        let (entries, more) = try await pipeline.auditPage(for: call.staff, number: number, size: 50)
        let rows: [[String: Any]] = entries.map { e in
            [
                "seq": e.seq, "at": ConsoleFormat.time(e.at.millis), "actor": e.actor, "action": e.action, "subject": e.subject,
                "detail": e.detail,
            ]
        }
        var values: [String: Any] = ["entries": rows]
        if number > 1 || more {
            var pager: [String: Any] = ["label": call.text("page_n", ["page": "\(number)"])]
            if number > 1 { pager["prev"] = "/console/audit?page=\(number - 1)" }
            if more { pager["next"] = "/console/audit?page=\(number + 1)" }
            values["pager"] = pager
        }
        if let verdict {
            if let bad = verdict.firstBad {
                values["verdict"] = ["kind": "bad", "text": call.text("audit_bad", ["seq": "\(bad.seq)", "reason": bad.reason])]
            } else {
                values["verdict"] = ["kind": "ok", "text": call.text("audit_ok", ["n": "\(verdict.entries)"])]
            }
        }
        return view.page("audit", title: call.text("audit_title"), viewer: call.viewer, nav: "audit", values: values)
    }

    /// Verifies the whole chain and shows the verdict at once (never through a link, which
    /// anyone could forge); the check itself is audited under the person's name.
    func verifyAudit(_ call: Call) async throws -> Response {
        let verdict = try await pipeline.verifyAudit()
        try await pipeline.record(
            actor: call.staff.actor, action: "audit.verified", subject: "audit_log",
            detail: verdict.ok ? "\(verdict.entries) entries verify" : "broken at entry \(verdict.firstBad?.seq ?? 0)", now: call.now)
        return try await audit(call, verdict: verdict)
    }
}

/// Vocabulary with a Chinese label.
protocol ChineseLabelled { var label: String { get } }
extension Relation: ChineseLabelled {}
