import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird

extension ConsoleRoutes {
    // MARK: Household history

    /// Everything the server holds about one household, newest first within each kind: its
    /// members, enrolments, visits (with photo thumbnails), check-ins, review actions and amount
    /// changes. Addressed by the household's UUID only; identifiers masked for roles that do not
    /// need them in full.
    func household(_ call: Call, id: String) async throws -> Response {
        guard let householdID = try? HouseholdID(id) else { throw ProblemDetails(.notFound, detail: "no such household") }
        let key = RecordKey(.household, householdID.description)
        guard let stored = try await pipeline.records([key])[key], case .state(let state) = stored.content, !state.isDeleted else {
            throw ProblemDetails(.notFound, detail: "no such household")
        }
        guard call.staff.scope.contains(stored.region) else { return outOfScope(call) }
        let region = stored.region
        let disclosure = call.staff.role.disclosure
        let v = state.values
        func bodies<T: Decodable>(_ kind: EntityKind, _ type: T.Type) async throws -> [T] {
            try await pipeline.records(of: kind, in: region).compactMap { record in
                guard case .body(let body) = record.content else { return nil }
                return try? body.decode(as: T.self)
            }
        }
        var memberNames: [MemberID: String] = [:]
        var members: [[String: Any]] = []
        for record in try await pipeline.records(of: .member, in: region) {
            guard case .state(let s) = record.content, !s.isDeleted, s.values["householdID"]?.stringValue == householdID.description else {
                continue
            }
            let m = s.values
            if let memberID = try? MemberID(record.id) { memberNames[memberID] = m["name"]?.stringValue ?? "" }
            members.append([
                "name": m["name"]?.stringValue ?? "", "relation": Self.label(Relation.self, m["relation"]?.stringValue, call.lang),
                "residentID": m["residentID"]?.stringValue.map(disclosure.residentID) ?? "",
                "phone": m["phone"]?.stringValue.map(disclosure.phone) ?? "",
                "birth": m["birthDate"]?.stringValue.map(disclosure.birthDate) ?? "",
            ])
        }
        var enrolments: [Enrolment] = []
        for record in try await pipeline.records(of: .enrolment, in: region) {
            guard case .state(let s) = record.content, !s.isDeleted, let eid = try? EnrolmentID(record.id),
                let e = try? Enrolment(id: eid, values: s.values), e.householdID == householdID
            else { continue }
            enrolments.append(e)
        }
        let enrolmentIDs = Set(enrolments.map(\.id))
        let photos = try await bodies(.photo, Photo.self).filter { $0.householdID == householdID }
            .sorted { ($0.takenAt.millis, $0.id.description) > ($1.takenAt.millis, $1.id.description) }
        let photoByHash = Dictionary(photos.map { ($0.sha256, $0) }, uniquingKeysWith: { a, _ in a })
        func thumbnails(_ hashes: [SHA256Digest]) -> [[String: Any]] {
            hashes.compactMap { photoByHash[$0] }.map { ["id": $0.id.description, "kind": $0.kind.rawValue] }
        }
        let ownVisits = try await bodies(.visit, Visit.self).filter { $0.householdID == householdID }
        let visits: [[String: Any]] =
            ownVisits
            .sorted { ($0.startedAt.millis, $0.id.description) > ($1.startedAt.millis, $1.id.description) }
            .map { visit in
                var row: [String: Any] = [
                    "id": visit.id.description, "at": ConsoleFormat.time(visit.startedAt.millis), "author": visit.author,
                    "answers": visit.answers.count, "photos": thumbnails(visit.photos), "signed": visit.signature != nil,
                ]
                if let s = visit.supersedes { row["supersedes"] = String(s.description.prefix(8)) }
                return row
            }
        let shown = Set(ownVisits.flatMap(\.photos))
        let otherPhotos = photos.filter { !shown.contains($0.sha256) }.map { ["id": $0.id.description, "kind": $0.kind.rawValue] }
        let checkIns: [[String: Any]] = try await bodies(.checkIn, CheckIn.self).filter { $0.householdID == householdID }
            .sorted { ($0.at.millis, $0.id.description) > ($1.at.millis, $1.id.description) }
            .map { c in
                [
                    "at": ConsoleFormat.time(c.at.millis), "member": memberNames[c.memberID] ?? String(c.memberID.description.prefix(8)),
                    "place": c.place, "method": c.method.rawValue, "score": c.matchScore.map { "\($0)" } ?? "-",
                    "photos": thumbnails(c.photo.map { [$0] } ?? []),
                ]
            }
        let actions: [[String: Any]] = try await bodies(.reviewAction, ReviewAction.self).filter { enrolmentIDs.contains($0.enrolmentID) }
            .sorted { ($0.at.millis, $0.id.description) > ($1.at.millis, $1.id.description) }
            .map { a in
                [
                    "at": ConsoleFormat.time(a.at.millis), "step": call.text("step_\(a.step.rawValue)"), "decision": a.decision.rawValue,
                    "reviewer": a.reviewer, "role": a.role.rawValue, "reason": a.reason,
                ]
            }
        let amounts: [[String: Any]] = try await pipeline.amountHistory(household: householdID, in: region).reversed().map { c in
            [
                "from": c.effectiveFrom.description, "previous": c.previous.description, "amount": c.amount.description,
                "cause": c.cause.rawValue, "causeLabel": call.text("history_\(c.cause.rawValue)"), "reason": c.reason,
                "status": !c.cause.changesAmount,
            ]
        }
        let rows: [[String: Any]] = enrolments.sorted { $0.appliedOn > $1.appliedOn }.map { e in
            [
                "id": e.id.description, "programme": call.lang == .zh ? e.programme.label : e.programme.rawValue,
                "status": e.status.rawValue, "amount": e.monthlyAmount.description, "applied": e.appliedOn.description,
                "start": e.startDate?.description ?? "-",
            ]
        }
        let values: [String: Any] = [
            "head": v["headName"]?.stringValue ?? "", "address": v["address"]?.stringValue ?? "", "region": region.digits,
            "phone": v["phone"]?.stringValue.map(disclosure.phone) ?? "",
            "income": v["declaredMonthlyIncome"].flatMap { $0.intValue.map { Fen($0).description } } ?? "",
            "crossCheck": v["crossCheck"]?.stringValue ?? "",
            "members": members, "enrolments": rows, "visits": visits, "hasVisits": !visits.isEmpty, "checkIns": checkIns,
            "hasCheckIns": !checkIns.isEmpty, "actions": actions, "hasActions": !actions.isEmpty, "amounts": amounts,
            "hasAmounts": !amounts.isEmpty, "otherPhotos": otherPhotos, "hasOtherPhotos": !otherPhotos.isEmpty,
        ]
        return view.page("household", title: call.text("household_title"), viewer: call.viewer, nav: "search", values: values)
    }

    // MARK: Photos

    /// A photo's bytes, for a signed-in person whose region holds the photo's household:
    /// addressed by the photo record's UUID (never a name or an identifier), never cached.
    func photo(_ call: Call, id: String) async throws -> Response {
        let key = RecordKey(.photo, id.lowercased())
        guard (try? Identifier<Photo>(id)) != nil, let stored = try await pipeline.records([key])[key],
            case .body(let json) = stored.content, let photo = try? json.decode(as: Photo.self)
        else { throw ProblemDetails(.notFound, detail: "no such photo") }
        guard call.staff.scope.contains(stored.region) else { return outOfScope(call) }
        guard let size = await blobs.size(of: photo.sha256) else {
            throw ProblemDetails(.notFound, detail: "the photo's bytes have not reached the server yet")
        }
        var headers = ConsoleView.securityHeaders
        headers[.contentType] = Photo.mediaTypes.contains(photo.mediaType) ? photo.mediaType : "application/octet-stream"
        headers[.contentLength] = String(size)
        let blobs = self.blobs
        let digest = photo.sha256
        let body = ResponseBody(contentLength: Int(size)) { writer in
            try await blobs.read(digest, range: 0..<size) { chunk in try await writer.write(chunk) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Search

    /// What a search looks for.
    enum SearchKind: String, CaseIterable {
        case name
        case residentID = "resident-id"
        case village
    }

    /// The search form (GET) and its results (POST: the words searched for travel in the body,
    /// never in a URL, and pages of results are asked for by POST too).
    func search(_ call: Call) async throws -> Response {
        let kind = call.form["kind"].flatMap(SearchKind.init(rawValue:)) ?? .name
        let query = String((call.form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        var values: [String: Any] = [
            "q": query,
            "kinds": SearchKind.allCases.map { k in
                ["value": k.rawValue, "label": call.text("search_kind_\(k.rawValue)"), "selected": k == kind] as [String: Any]
            },
        ]
        guard call.request.method == .post, !query.isEmpty else {
            return view.page("search", title: call.text("search_title"), viewer: call.viewer, nav: "search", values: values)
        }
        let scope = call.staff.scope
        // A village is a region code, or its first digits; only households inside the person's scope are read.
        var village: (RegionCode?, String) = (nil, "")
        if kind == .village {
            guard query.count <= 12, query.allSatisfy(\.isASCII), query.allSatisfy(\.isNumber) else {
                throw ProblemDetails(.invalidRecord, detail: call.text("search_bad_region"))
            }
            village = (query.count == 12 ? try? RegionCode(query) : nil, query)
        }
        var households: [String: (region: RegionCode, values: [String: JSONValue])] = [:]
        for record in try await pipeline.records(of: .household, in: scope) {
            guard case .state(let s) = record.content, !s.isDeleted else { continue }
            households[record.id] = (record.region, s.values)
        }
        var hits = Set<String>()
        var matchedBy: [String: String] = [:]
        switch kind {
        case .village:
            hits = Set(
                households.filter { _, h in village.0.map { $0.contains(h.region) } ?? h.region.digits.hasPrefix(village.1) }.map(\.key))
        case .name, .residentID:
            let needle = kind == .residentID ? query.uppercased() : query
            for (id, h) in households where kind == .name && (h.values["headName"]?.stringValue ?? "").contains(needle) { hits.insert(id) }
            for record in try await pipeline.records(of: .member, in: scope) {
                guard case .state(let s) = record.content, !s.isDeleted, let household = s.values["householdID"]?.stringValue,
                    households[household] != nil
                else { continue }
                let field = kind == .name ? s.values["name"]?.stringValue : s.values["residentID"]?.stringValue?.uppercased()
                guard let text = field, kind == .name ? text.contains(needle) : text == needle else { continue }
                hits.insert(household)
                matchedBy[household] = s.values["name"]?.stringValue
            }
        }
        let sorted = hits.compactMap { id in households[id].map { (id, $0) } }
            .sorted {
                ($0.1.region.digits, $0.1.values["headName"]?.stringValue ?? "", $0.0) < (
                    $1.1.region.digits, $1.1.values["headName"]?.stringValue ?? "", $1.0
                )
            }
        let number = max(1, Int(call.form["page"] ?? "") ?? 1)
        let size = Self.pageSize
        let pages = max(1, (sorted.count + size - 1) / size)
        let page = min(number, pages)
        let rows: [[String: Any]] = sorted.dropFirst((page - 1) * size).prefix(size).map { id, h in
            [
                "id": id, "head": h.values["headName"]?.stringValue ?? "", "address": h.values["address"]?.stringValue ?? "",
                "region": h.region.digits, "member": matchedBy[id] ?? "",
            ]
        }
        values["searched"] = true
        values["results"] = rows
        values["count"] = call.text("search_count", ["n": "\(sorted.count)"])
        values["kind"] = kind.rawValue
        if pages > 1 {
            var pager: [String: Any] = ["label": call.text("page_of", ["page": "\(page)", "pages": "\(pages)"])]
            if page > 1 { pager["prev"] = page - 1 }
            if page < pages { pager["next"] = page + 1 }
            values["postPager"] = pager
        }
        return view.page("search", title: call.text("search_title"), viewer: call.viewer, nav: "search", values: values)
    }
}
