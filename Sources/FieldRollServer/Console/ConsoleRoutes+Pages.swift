import FieldRollCore
import Foundation
import Hummingbird

extension ConsoleRoutes {
    /// The pager's view model: where the page is, and links to its neighbours.
    struct Pager {
        var label: String
        var prev: String?
        var next: String?
    }

    /// One page of a list, and the links to its neighbours.
    struct Page<T> {
        var items: [T]
        var pager: Pager?
        var number: Int
        var count: Int

        /// Page `number` (from 1) of `all`; `link` makes the URL of another page.
        init(_ all: [T], number: Int, size: Int = ConsoleRoutes.pageSize, lang: ConsoleLanguage, link: (Int) -> String) {
            let pages = max(1, (all.count + size - 1) / size)
            let page = min(number, pages)
            self.number = page
            count = all.count
            items = Array(all.dropFirst((page - 1) * size).prefix(size))
            guard pages > 1 else { return }
            pager = Pager(
                label: lang.text("page_of", ["page": "\(page)", "pages": "\(pages)"]), prev: page > 1 ? link(page - 1) : nil,
                next: page < pages ? link(page + 1) : nil)
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
        case "surveyed": call.text("done_surveyed")
        case "standard": call.text("done_standard")
        default: nil
        }
    }

    /// A vocabulary word for the page: its Chinese label in Chinese, its wire name in English.
    static func label<V: RawRepresentable & ChineseLabelled>(_: V.Type, _ raw: String?, _ lang: ConsoleLanguage) -> String
    where V.RawValue == String {
        guard let raw else { return "" }
        guard let value = V(rawValue: raw) else { return raw }
        return lang == .zh ? value.label : lang.text("relation_\(raw)")
    }

    // MARK: Dashboard

    /// The dashboard's view model.
    struct DashboardPage {
        struct Tile {
            var id: String
            var label: String
            var count: Int
            var link: String
        }
        struct Late {
            var step: String
            var place: String
            var since: String
            var due: String
            var late: String
            var link: String
        }
        struct Overdue {
            var village: String
            var place: String
            var count: Int
            var link: String
        }
        struct Refusal {
            var device: String
            var code: String
            var title: String
            var count: Int
        }
        struct Device {
            var name: String
            var role: String
            var scope: String
            var status: String
            var lastSeen: String
        }
        var warnings: [String]
        var tiles: [Tile]
        var late: [Late]
        var lateLink: String
        var overdue: [Overdue]
        var overdueTotal: Int
        var refusals: [Refusal]
        var devices: [Device]
        var pager: Pager?
    }

    func dashboard(_ call: Call) async throws -> Response {
        let scope = call.staff.scope
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        let devices = try await pipeline.devices().filter { scope.contains($0.scope) }
        let open = try await pipeline.conflicts(includeResolved: false, scope: scope)
        let queue = try await pipeline.reviewQueue(in: scope, today: today)
        // The steps an application can wait at in any county's chain, and the roll review of
        // households on the roll with a new flag or an amount of 0: each tile opens its queue.
        let chains = [pipeline.reviewChains.fallback] + pipeline.reviewChains.counties.values
        let queued = Set(chains.flatMap { chain in EnrolmentStatus.allCases.compactMap { chain.step(awaitedBy: $0) } })
            .union([.rollReview])
        var tiles = [
            DashboardPage.Tile(
                id: "conflicts-waiting", label: call.text("dash_conflicts_waiting"), count: open.count, link: "/console/conflicts")
        ]
        tiles += ReviewStep.allCases.filter { queued.contains($0) }.map { step in
            DashboardPage.Tile(
                id: "tile-\(step.rawValue)", label: call.word(step), count: queue.filter { $0.step == step }.count,
                link: step == .rollReview ? "/console/review/roll" : "/console/review?step=\(step.rawValue)")
        }
        let lateCount = queue.filter { $0.daysLate > 0 && $0.step != .rollReview }.count
        tiles.append(.init(id: "tile-late", label: call.text("dash_late"), count: lateCount, link: "/console/review?late=1"))
        let late = queue.filter { $0.daysLate > 0 }.sorted { $0.daysLate > $1.daysLate }.prefix(Self.pageSize).map { e in
            DashboardPage.Late(
                step: call.word(e.step), place: call.place(e.enrolment.region), since: e.since?.description ?? "-",
                due: e.due?.description ?? "-", late: call.text("days_late", ["n": "\(e.daysLate)"]),
                link: "/console/review?enrolment=\(e.enrolment.id)")
        }
        let page = Page(devices, number: call.page, lang: call.lang) { "/console/dashboard?page=\($0)" }
        let rows = page.items.map { d in
            DashboardPage.Device(
                name: d.name, role: call.word(d.role), scope: call.place(d.scope), status: call.text("status_\(d.status.rawValue)"),
                lastSeen: d.lastSeenAt.map { ConsoleFormat.time($0.millis) } ?? call.text("never"))
        }
        // Overdue check-ins, counted per village.
        let overdue = try await pipeline.checkInList(in: scope, asOf: today).filter { $0.standing.state == .overdue }
        let overdueRows = Dictionary(grouping: overdue, by: { $0.standing.region }).sorted { $0.key.digits < $1.key.digits }
            .map {
                DashboardPage.Overdue(
                    village: $0.key.digits, place: call.place($0.key), count: $0.value.count, link: "/console/roll/\($0.key.digits)")
            }
        // Refused uploads: the server keeps each refusal's answer (code, reason, device), not the
        // change itself, so this counts them per device of the region and code.
        let names = Dictionary(devices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let refusals = try await pipeline.storage.refusalCounts().compactMap { r -> DashboardPage.Refusal? in
            guard let name = names[r.device] else { return nil }
            return .init(
                device: name, code: r.code, title: ConsoleText.title(of: ErrorCode(rawValue: r.code), in: call.lang), count: r.count)
        }
        // Settings the office should fix, said where the office looks first.
        var warnings: [String] = []
        if (configuration.noticeContact ?? "").isEmpty { warnings.append(call.text("warn_no_contact")) }
        let model = DashboardPage(
            warnings: warnings, tiles: tiles, late: Array(late), lateLink: "/console/review?late=1", overdue: overdueRows,
            overdueTotal: overdue.count, refusals: refusals, devices: rows, pager: page.pager)
        return view.page(.dashboard, model: model, title: call.text("dash_title"), viewer: call.viewer, nav: "dashboard")
    }

    // MARK: Conflicts

    /// The conflicts page's view model.
    struct ConflictsPage {
        struct Conflict {
            var id: String
            var state: String
            var entityLabel: String
            var recordLabel: String
            var fieldLabel: String
            var field: String
            var place: String
            var detected: String
            var keptValue: String
            var otherValue: String
            var keptBy: String
            var otherBy: String
            var canResolve: Bool
            var noRight: Bool
            var householdLink: String?
            var resolvedLine: String?
        }
        var conflicts: [Conflict]
        var toggleLink: String
        var toggleLabel: String
        var pager: Pager?
    }

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
        let rows = page.items.map { c in
            var label = String(c.record.prefix(8))
            var household: String?
            if case .state(let state)? = records[RecordKey(c.entity, c.record)]?.content {
                label = state.values[c.entity == .household ? "headName" : "name"]?.stringValue ?? label
                household = c.entity == .household ? c.record : state.values["householdID"]?.stringValue
            }
            let mayResolve = c.resolvedAt == nil && call.staff.role.may(write: c.entity)
            return ConflictsPage.Conflict(
                id: c.id, state: c.resolvedAt == nil ? "open" : "resolved", entityLabel: call.text("entity_\(c.entity.rawValue)"),
                recordLabel: label, fieldLabel: call.field(c.field), field: c.field, place: call.place(c.region),
                detected: ConsoleFormat.time(c.detectedAt.millis),
                keptValue: ConsoleFormat.value(c.winner.value, field: c.field, disclosure: disclosure, lang: call.lang),
                otherValue: ConsoleFormat.value(c.loser.value, field: c.field, disclosure: disclosure, lang: call.lang),
                keptBy: call.text(
                    "conflict_written", ["device": device(c.winnerDevice), "at": ConsoleFormat.time(c.winner.stamp.physical)]),
                otherBy: call.text(
                    "conflict_written", ["device": device(c.loserDevice), "at": ConsoleFormat.time(c.loser.stamp.physical)]),
                canResolve: mayResolve, noRight: c.resolvedAt == nil && !mayResolve,
                householdLink: household.map { "/console/households/\($0)" },
                resolvedLine: c.resolvedAt == nil
                    ? nil
                    : call.text(
                        "conflict_resolved_by", ["how": call.text(c.resolution ?? "kept-winner"), "by": call.actor(c.resolvedBy ?? "?")]))
        }
        let model = ConflictsPage(
            conflicts: rows, toggleLink: all ? "/console/conflicts" : "/console/conflicts?all=1",
            toggleLabel: call.text(all ? "conflicts_show_open" : "conflicts_show_resolved"), pager: page.pager)
        return view.page(
            .conflicts, model: model, title: call.text("conflicts_title"), viewer: call.viewer, nav: "conflicts", flash: flash(call))
    }

    /// Resolves a conflict with one choice, through the pipeline, under the person's name.
    func resolve(_ call: Call, id: String) async throws -> Response {
        guard let choice = call.form["choice"], choice == "kept" || choice == "other" else {
            throw ConsoleRefusal(.badRequest, call.text("form_bad_choice"))
        }
        _ = try await pipeline.resolveConflict(id: id, chooseLoser: choice == "other", as: call.principal, now: call.now)
        return ConsoleView.redirect("/console/conflicts?done=resolved")
    }

    // MARK: Review

    /// The review queue's view model: the filters, then one card per application.
    struct ReviewPage {
        struct Option {
            var value: String
            var label: String
            var selected: Bool
        }
        struct Member {
            var name: String
            var relation: String
            var residentID: String
            var phone: String
        }
        struct Flag {
            var rule: String
            var label: String
            var detail: String
        }
        struct Need {
            var code: String
            var text: String
            var blocks: Bool
        }
        struct Entry {
            var id: String
            var household: String
            var stepCode: String
            var stepLabel: String
            var head: String
            var address: String
            var region: String
            var place: String
            var programme: String
            var amount: String
            var since: String
            var due: String
            var late: String?
            var noticeEnds: String?
            var members: [Member]
            var flags: [Flag]
            var needs: [Need]
            var canDecide: Bool
            var canApprove: Bool
            var canReturn: Bool
            var surveyLink: String?
        }
        var steps: [Option]
        var villages: [Option]
        var programmes: [Option]
        var lateDays: String
        var count: String
        var filtered: Bool
        var entries: [Entry]
        var pager: Pager?
    }

    /// The review queue, filtered by step, village, programme and days late (a GET form, so a
    /// filtered queue is a link: the dashboard's tiles open theirs), paginated.
    func review(_ call: Call) async throws -> Response {
        let scope = call.staff.scope
        let today = CalendarDate(chinaDayOf: Instant(millis: call.now))
        // Households on the roll waiting at roll-review are decided on the roll review page.
        let waiting = try await pipeline.reviewQueue(in: scope, today: today).filter { $0.step != .rollReview }
        let step = call.query("step").flatMap(ReviewStep.init(rawValue:))
        let village = call.query("village").flatMap { try? RegionCode($0) }.flatMap { scope.contains($0) ? $0 : nil }
        let programme = call.query("programme").flatMap(Programme.init(rawValue:))
        let late = max(0, call.query("late").flatMap { Int($0) } ?? 0)
        // One application only, when the household page links to it (by its UUID, nothing personal).
        let only = call.query("enrolment").flatMap { try? EnrolmentID($0) }
        let queue = waiting.filter { e in
            (step.map { e.step == $0 } ?? true) && (village.map { $0.contains(e.enrolment.region) } ?? true)
                && (programme.map { e.enrolment.programme == $0 } ?? true) && e.daysLate >= late
                && (only.map { e.enrolment.id == $0 } ?? true)
        }
        var query: [String] = []
        if let step { query.append("step=\(step.rawValue)") }
        if let village { query.append("village=\(village.digits)") }
        if let programme { query.append("programme=\(programme.rawValue)") }
        if late > 0 { query.append("late=\(late)") }
        if let only { query.append("enrolment=\(only)") }
        let page = Page(queue, number: call.page, lang: call.lang) {
            (["page=\($0)"] + query).joined(separator: "&").prefixed("/console/review?")
        }
        let households = try await pipeline.records(page.items.map { RecordKey(.household, $0.enrolment.householdID.description) })
        let wanted = Set(page.items.map { $0.enrolment.householdID.description })
        var members: [String: [ReviewPage.Member]] = [:]
        let disclosure = call.staff.role.disclosure
        for region in Set(page.items.map(\.enrolment.region)) {
            for record in try await regionRecords(.member, in: region) {
                guard case .state(let state) = record.content, !state.isDeleted, let household = state.values["householdID"]?.stringValue,
                    wanted.contains(household)
                else { continue }
                let v = state.values
                members[household, default: []].append(
                    .init(
                        name: v["name"]?.stringValue ?? "", relation: Self.label(Relation.self, v["relation"]?.stringValue, call.lang),
                        residentID: v["residentID"]?.stringValue.map(disclosure.residentID) ?? "",
                        phone: v["phone"]?.stringValue.map(disclosure.phone) ?? ""))
            }
        }
        let needs = try await pipeline.reviewNeeds(for: page.items, today: today)
        let role = call.staff.role.apiRole
        let maySurvey = call.principal.may(.recordSurvey)
        let rows = page.items.map { e in
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
            let lacking = (needs[e.enrolment.id] ?? []).map { need in
                ReviewPage.Need(
                    code: need.rawValue, text: call.word(need),
                    blocks: need.blocks(at: e.step, in: pipeline.reviewChains.chain(for: e.enrolment.region)))
            }
            return ReviewPage.Entry(
                id: e.enrolment.id.description, household: householdID, stepCode: e.step.rawValue, stepLabel: call.word(e.step),
                head: head, address: address, region: e.enrolment.region.digits, place: call.placePath(e.enrolment.region),
                programme: call.word(e.enrolment.programme), amount: e.enrolment.monthlyAmount.description,
                since: e.since?.description ?? "-", due: e.due?.description ?? "-",
                late: e.daysLate > 0 ? call.text("days_late", ["n": "\(e.daysLate)"]) : nil, noticeEnds: e.noticeEnds?.description,
                members: members[householdID] ?? [],
                flags: e.flags.map { .init(rule: $0.rule.rawValue, label: call.word($0.rule), detail: $0.detail) }, needs: lacking,
                canDecide: canDecide, canApprove: canDecide && !lacking.contains { $0.blocks },
                canReturn: e.step == .townshipReview || e.step == .countyApproval,
                surveyLink: maySurvey && (needs[e.enrolment.id] ?? []).contains(.survey) ? "/console/households/\(householdID)/survey" : nil
            )
        }
        let chains = [pipeline.reviewChains.fallback] + pipeline.reviewChains.counties.values
        let queued = Set(chains.flatMap { chain in EnrolmentStatus.allCases.compactMap { chain.step(awaitedBy: $0) } })
        let steps = ReviewStep.allCases.filter { queued.contains($0) && $0 != .rollReview }.map {
            ReviewPage.Option(value: $0.rawValue, label: call.word($0), selected: $0 == step)
        }
        let villages = Set(waiting.map(\.enrolment.region)).sorted { $0.digits < $1.digits }.map {
            ReviewPage.Option(value: $0.digits, label: call.placePath($0), selected: $0 == village)
        }
        let programmes = Programme.allCases.map { ReviewPage.Option(value: $0.rawValue, label: call.word($0), selected: $0 == programme) }
        let model = ReviewPage(
            steps: steps, villages: villages, programmes: programmes, lateDays: late > 0 ? "\(late)" : "",
            count: call.text("review_count", ["n": "\(queue.count)"]), filtered: !query.isEmpty, entries: rows, pager: page.pager)
        return view.page(.review, model: model, title: call.text("review_title"), viewer: call.viewer, nav: "review", flash: flash(call))
    }

    /// Decides at a step of the review chain as the signed-in person, through
    /// ``SyncPipeline/review(enrolment:step:decision:reason:as:now:)``, which decides whether they may.
    func decide(_ call: Call, id: String) async throws -> Response {
        guard let enrolment = try? EnrolmentID(id) else { throw ConsoleRefusal(.notFound, call.text("not_found_application")) }
        guard let step = call.form["step"].flatMap(ReviewStep.init(rawValue:)),
            let decision = call.form["decision"].flatMap(ReviewDecision.init(rawValue:))
        else { throw ConsoleRefusal(.badRequest, call.text("form_no_decision")) }
        let reason = String((call.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        try await pipeline.review(enrolment: enrolment, step: step, decision: decision, reason: reason, as: call.principal, now: call.now)
        return ConsoleView.redirect(step == .rollReview ? "/console/review/roll?done=reviewed" : "/console/review?done=reviewed")
    }

    // MARK: Devices

    /// The devices page's view model.
    struct DevicesPage {
        struct Option {
            var value: String
            var label: String
        }
        struct Device {
            var id: String
            var name: String
            var role: String
            var scope: String
            var statusCode: String
            var status: String
            var lastSeen: String
            var canRevoke: Bool
        }
        struct Code {
            var value: String
            var device: String
            var once: String
        }
        var devices: [Device]
        var canEnrol: Bool
        var roles: [Option]
        var defaultScope: String
        var code: Code?
        var codeGone: Bool
        var pager: Pager?
    }

    /// The devices of the person's region; an admin enrols (the code shown once, on the page the
    /// enrolment redirects to) and revokes. Devices are the central office's to hand out, so only
    /// admins may.
    func devices(_ call: Call) async throws -> Response {
        let scope = call.staff.scope
        let isAdmin = call.principal.may(.enrolDevice)
        let all = try await pipeline.devices().filter { scope.contains($0.scope) }
        let page = Page(all, number: call.page, lang: call.lang) { "/console/devices?page=\($0)" }
        let rows = page.items.map { d in
            DevicesPage.Device(
                id: d.id.rawValue, name: d.name, role: call.word(d.role), scope: call.place(d.scope), statusCode: d.status.rawValue,
                status: call.word(d.status), lastSeen: d.lastSeenAt.map { ConsoleFormat.time($0.millis) } ?? call.text("never"),
                canRevoke: isAdmin && (d.status == .active || d.status == .pending))
        }
        // The one-time code of an enrolment just made, once: the enrolment's redirect names the
        // device, and the code waits in a short-lived cookie (any server process can read it)
        // that this page clears, so a reload shows it no more.
        var code: DevicesPage.Code?
        var gone = false
        var clear = false
        if let enrolled = call.query("enrolled").flatMap({ try? NodeID($0) }) {
            let kept = call.request.cookies[Self.codeCookie]?.value.split(separator: ":", maxSplits: 1).map(String.init) ?? []
            if kept.count == 2, kept[0] == enrolled.rawValue {
                let hours = configuration.enrolmentCodeLifetime / 3_600_000
                code = .init(value: kept[1], device: enrolled.rawValue, once: call.text("devices_code_once", ["hours": "\(hours)"]))
                clear = true
            } else {
                gone = true
            }
        }
        let model = DevicesPage(
            devices: rows, canEnrol: isAdmin, roles: Role.allCases.map { .init(value: $0.rawValue, label: call.word($0)) },
            defaultScope: scope.digits, code: code, codeGone: gone, pager: page.pager)
        var response = view.page(
            .devices, model: model, title: call.text("devices_title"), viewer: call.viewer, nav: "devices", flash: flash(call))
        if clear { response.setCookie(cookie(Self.codeCookie, "", maxAge: 0, secure: call.secure)) }
        return response
    }

    /// Registers a device in the person's region and redirects to the page that shows its
    /// one-time code once (a reload of that page shows it no more, and enrols nothing).
    func enrolDevice(_ call: Call) async throws -> Response {
        let name = (call.form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 80 else { throw ConsoleRefusal(.invalidRecord, call.text("devices_bad_name")) }
        guard let role = call.form["role"].flatMap(Role.init(rawValue:)) else {
            throw ConsoleRefusal(.invalidRecord, call.text("devices_bad_role"))
        }
        let scope: RegionCode
        do { scope = try RegionCode(call.form["scope"] ?? "") } catch {
            throw ConsoleRefusal(.invalidRecord, call.text("devices_bad_scope"))
        }
        let code = Secrets.enrolmentCode()
        let id = try await pipeline.createDevice(
            name: name, role: role, scope: scope, codeHash: Secrets.hash(code), expiresAt: call.now + configuration.enrolmentCodeLifetime,
            as: call.principal, now: call.now)
        var response = ConsoleView.redirect("/console/devices?enrolled=\(id.rawValue)")
        response.setCookie(cookie(Self.codeCookie, "\(id.rawValue):\(code)", maxAge: 600, secure: call.secure))
        return response
    }

    /// Revokes a device of the person's region at once.
    func revokeDevice(_ call: Call, id: String) async throws -> Response {
        guard let node = try? NodeID(id) else { throw ConsoleRefusal(.notFound, call.text("not_found_device")) }
        try await pipeline.revoke(node, as: call.principal, now: call.now)
        return ConsoleView.redirect("/console/devices?done=revoked")
    }

    // MARK: Audit

    /// One page of the audit log as a staff member may read it.
    struct AuditSlice: Sendable {
        var entries: [AuditEntry]
        var more: Bool
        var pair: ([AuditEntry], Bool) { (entries, more) }
    }

    /// The audit page's view model.
    struct AuditPage {
        struct Entry {
            var seq: Int64
            var at: String
            var actor: String
            var action: String
            var actionLabel: String
            var subject: String
            var subjectLabel: String
            /// The log's own line, as recorded (English): behind "as recorded".
            var detail: String
        }
        struct Verdict {
            var kind: String
            var text: String
        }
        var entries: [Entry]
        var verdict: Verdict?
        var pager: Pager?
    }

    /// The audit log, newest first, cut to the entries about the person's scope (``AuditScope``).
    func audit(_ call: Call) async throws -> Response {
        let number = min(call.page, 10_000)
        let staff = call.staff
        let (entries, more) = try await pipeline.readModel("audit \(staff.name) \(staff.scope.digits) \(staff.role.rawValue) \(number)") {
            let page = try await pipeline.auditPage(for: staff, number: number, size: 50)
            return AuditSlice(entries: page.entries, more: page.more)
        }.pair
        // Devices and the server by name; staff and operators by their recorded names.
        var who = Dictionary(try await pipeline.devices().map { ($0.id.rawValue, $0.name) }, uniquingKeysWith: { a, _ in a })
        who[pipeline.serverNode.rawValue] = call.text("actor_server")
        let rows = entries.map { e in
            AuditPage.Entry(
                seq: e.seq, at: ConsoleFormat.time(e.at.millis), actor: who[e.actor] ?? call.actor(e.actor), action: e.action,
                actionLabel: call.lang.strings["action_\(e.action)"] ?? e.action, subject: e.subject,
                subjectLabel: subject(call, e.subject),
                detail: e.detail)
        }
        var pager: Pager?
        if number > 1 || more {
            pager = Pager(
                label: call.text("page_n", ["page": "\(number)"]), prev: number > 1 ? "/console/audit?page=\(number - 1)" : nil,
                next: more ? "/console/audit?page=\(number + 1)" : nil)
        }
        // After the verify button: the person's latest verification, as the log recorded it.
        var shown: AuditPage.Verdict?
        if call.query("verified") == "1", number == 1,
            let check = entries.first(where: { $0.action == "audit.verified" && $0.actor == call.staff.actor })
        {
            let words = check.detail.split(separator: " ")
            if check.detail.hasSuffix("entries verify"), let n = words.first {
                shown = .init(kind: "ok", text: call.text("audit_ok", ["n": String(n)]))
            } else {
                let seq = words.count > 3 ? String(words[3].dropLast()) : "?"
                let reason = check.detail.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                shown = .init(kind: "bad", text: call.text("audit_bad", ["seq": seq, "reason": reason]))
            }
        }
        let model = AuditPage(entries: rows, verdict: shown, pager: pager)
        return view.page(.audit, model: model, title: call.text("audit_title"), viewer: call.viewer, nav: "audit")
    }

    /// An audit entry's subject for people: a record by its kind and short id, a region by its
    /// name, anything else as recorded.
    func subject(_ call: Call, _ subject: String) -> String {
        let parts = subject.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return subject }
        if parts[0] == "region", let code = try? RegionCode(parts[1]) { return call.placePath(code) }
        if let word = call.lang.strings["entity_\(parts[0])"] { return "\(word) \(parts[1].prefix(8))" }
        return subject
    }

    /// Verifies the whole chain, audits the check under the person's name, and redirects to the
    /// log, which shows the verdict from that audit entry (so a reload verifies nothing again,
    /// and a link can show no verdict that was not recorded).
    func verifyAudit(_ call: Call) async throws -> Response {
        let verdict = try await pipeline.verifyAudit()
        try await pipeline.record(
            // The check is about the person's region: the log shows it to them (and above them).
            actor: call.staff.actor, action: "audit.verified", subject: "region/\(call.staff.scope.digits)",
            detail: verdict.ok
                ? "\(verdict.entries) entries verify" : "broken at entry \(verdict.firstBad?.seq ?? 0): \(verdict.firstBad?.reason ?? "")",
            now: call.now)
        return ConsoleView.redirect("/console/audit?verified=1")
    }
}

extension String {
    /// `prefix` followed by this string.
    fileprivate func prefixed(_ prefix: String) -> String { prefix + self }
}

/// Vocabulary with a Chinese label.
protocol ChineseLabelled { var label: String { get } }
extension Relation: ChineseLabelled {}
