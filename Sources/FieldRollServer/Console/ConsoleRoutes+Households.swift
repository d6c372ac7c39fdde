import FieldRollCore
import Foundation
import HTTPTypes
import Hummingbird

extension ConsoleRoutes {
    // MARK: Household history

    /// The household page's view model.
    struct HouseholdPage {
        struct Member {
            var name: String
            var relation: String
            var residentID: String
            var phone: String
            var birth: String
        }
        struct Enrolment {
            var id: String
            var programme: String
            var statusCode: String
            var status: String
            var amount: String
            var applied: String
            var start: String
        }
        struct Thumb {
            var id: String
            var kind: String
        }
        struct Answer {
            var key: String
            var question: String
            var answer: String
        }
        struct Visit {
            var id: String
            var at: String
            var author: String
            var paper: Bool
            var answers: [Answer]
            var photos: [Thumb]
            var supersedes: String?
        }
        struct CheckIn {
            var at: String
            var member: String
            var place: String
            var method: String
            var score: String
            var photos: [Thumb]
        }
        struct Action {
            var at: String
            var step: String
            var decision: String
            var reviewer: String
            var role: String
            var reason: String
        }
        struct Amount {
            var from: String
            var previous: String
            var amount: String
            var cause: String
            var causeLabel: String
            var reason: String
            var status: Bool
        }
        var id: String
        var head: String
        var address: String
        var place: String
        var phone: String?
        var income: String
        var crossCheck: String?
        var members: [Member]
        var enrolments: [Enrolment]
        var visits: [Visit]
        var otherPhotos: [Thumb]
        var checkIns: [CheckIn]
        var actions: [Action]
        var amounts: [Amount]
        var surveyLink: String?
    }

    /// Everything the server holds about one household, newest first within each kind: its
    /// members, enrolments, visits (their answers by the questions' names, with photo
    /// thumbnails), check-ins, review actions and amount changes. Addressed by the household's
    /// UUID only; identifiers masked for roles that do not need them in full.
    func household(_ call: Call, id: String) async throws -> Response {
        guard let householdID = try? HouseholdID(id) else { throw ConsoleRefusal(.notFound, call.text("not_found_household")) }
        let key = RecordKey(.household, householdID.description)
        guard let stored = try await pipeline.records([key])[key], case .state(let state) = stored.content, !state.isDeleted else {
            throw ConsoleRefusal(.notFound, call.text("not_found_household"))
        }
        guard call.staff.scope.contains(stored.region) else { return outOfScope(call) }
        let region = stored.region
        let disclosure = call.staff.role.disclosure
        let v = state.values
        func bodies<T: Decodable>(_ kind: EntityKind, _ type: T.Type) async throws -> [T] {
            try await regionRecords(kind, in: region).compactMap { record in
                guard case .body(let body) = record.content else { return nil }
                return try? body.decode(as: T.self)
            }
        }
        var memberNames: [String: String] = [:]
        var members: [HouseholdPage.Member] = []
        for record in try await regionRecords(.member, in: region) {
            guard case .state(let s) = record.content, !s.isDeleted, s.values["householdID"]?.stringValue == householdID.description else {
                continue
            }
            let m = s.values
            memberNames[record.id] = m["name"]?.stringValue ?? ""
            members.append(
                .init(
                    name: m["name"]?.stringValue ?? "", relation: Self.label(Relation.self, m["relation"]?.stringValue, call.lang),
                    residentID: m["residentID"]?.stringValue.map(disclosure.residentID) ?? "",
                    phone: m["phone"]?.stringValue.map(disclosure.phone) ?? "",
                    birth: m["birthDate"]?.stringValue.map(disclosure.birthDate) ?? ""))
        }
        var enrolments: [FieldRollCore.Enrolment] = []
        for record in try await regionRecords(.enrolment, in: region) {
            guard case .state(let s) = record.content, !s.isDeleted, let eid = try? EnrolmentID(record.id),
                let e = try? FieldRollCore.Enrolment(id: eid, values: s.values), e.householdID == householdID
            else { continue }
            enrolments.append(e)
        }
        let enrolmentIDs = Set(enrolments.map(\.id))
        let photos = try await bodies(.photo, Photo.self).filter { $0.householdID == householdID }
            .sorted { ($0.takenAt.millis, $0.id.description) > ($1.takenAt.millis, $1.id.description) }
        let photoByHash = Dictionary(photos.map { ($0.sha256, $0) }, uniquingKeysWith: { a, _ in a })
        func thumbnails(_ hashes: [SHA256Digest]) -> [HouseholdPage.Thumb] {
            hashes.compactMap { photoByHash[$0] }.map { .init(id: $0.id.description, kind: call.word($0.kind)) }
        }
        let ownVisits = try await bodies(.visit, FieldRollCore.Visit.self).filter { $0.householdID == householdID }
        let visits =
            ownVisits
            .sorted { ($0.startedAt.millis, $0.id.description) > ($1.startedAt.millis, $1.id.description) }
            .map { visit in
                HouseholdPage.Visit(
                    id: visit.id.description, at: ConsoleFormat.time(visit.startedAt.millis), author: visit.author,
                    // Only the server signs a paper sheet; a device's `survey.*` answers claim nothing.
                    paper: visit.device == pipeline.serverNode && visit.answers[SurveyQuestion.source]?.stringValue == "paper",
                    answers: ConsoleAnswers.rows(
                        visit.device == pipeline.serverNode ? visit.answers : visit.answers.filter { !$0.key.hasPrefix("survey.") },
                        members: memberNames, lang: call.lang
                    ).map {
                        .init(key: $0.key, question: $0.question, answer: $0.answer)
                    }, photos: thumbnails(visit.photos), supersedes: visit.supersedes.map { String($0.description.prefix(8)) })
            }
        let shown = Set(ownVisits.flatMap(\.photos))
        let otherPhotos = photos.filter { !shown.contains($0.sha256) }.map {
            HouseholdPage.Thumb(id: $0.id.description, kind: call.word($0.kind))
        }
        let checkIns = try await bodies(.checkIn, FieldRollCore.CheckIn.self).filter { $0.householdID == householdID }
            .sorted { ($0.at.millis, $0.id.description) > ($1.at.millis, $1.id.description) }
            .map { c in
                HouseholdPage.CheckIn(
                    at: ConsoleFormat.time(c.at.millis),
                    member: memberNames[c.memberID.description] ?? String(c.memberID.description.prefix(8)),
                    place: c.place, method: call.word(c.method), score: c.matchScore.map { "\($0)" } ?? "-",
                    photos: thumbnails(c.photo.map { [$0] } ?? []))
            }
        let actions = try await bodies(.reviewAction, ReviewAction.self).filter { enrolmentIDs.contains($0.enrolmentID) }
            .sorted { ($0.at.millis, $0.id.description) > ($1.at.millis, $1.id.description) }
            .map { a in
                HouseholdPage.Action(
                    at: ConsoleFormat.time(a.at.millis), step: call.word(a.step), decision: call.word(a.decision),
                    reviewer: call.actor(a.reviewer),
                    role: call.word(a.role), reason: a.reason)
            }
        let history = try await pipeline.readModel("amount-history \(region.digits)") { try await pipeline.amountHistory(in: region) }
        let amounts = history.filter { $0.householdID == householdID }.reversed().map { c in
            HouseholdPage.Amount(
                from: c.effectiveFrom.description, previous: c.previous.description, amount: c.amount.description, cause: c.cause.rawValue,
                causeLabel: call.word(c.cause), reason: Self.amountReason(c, call), status: !c.cause.changesAmount)
        }
        let rows = enrolments.sorted { $0.appliedOn > $1.appliedOn }.map { e in
            HouseholdPage.Enrolment(
                id: e.id.description, programme: call.word(e.programme), statusCode: e.status.rawValue, status: call.word(e.status),
                amount: e.monthlyAmount.description, applied: e.appliedOn.description, start: e.startDate?.description ?? "-")
        }
        let phone = v["phone"]?.stringValue.map(disclosure.phone)
        let model = HouseholdPage(
            id: householdID.description, head: v["headName"]?.stringValue ?? "", address: v["address"]?.stringValue ?? "",
            place: call.placePath(region), phone: phone?.isEmpty == false ? phone : nil,
            income: v["declaredMonthlyIncome"].flatMap { $0.intValue.map { Fen($0).description } } ?? "",
            crossCheck: v["crossCheck"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }, members: members, enrolments: rows, visits: visits,
            otherPhotos: otherPhotos, checkIns: checkIns, actions: actions, amounts: amounts,
            surveyLink: call.principal.may(.recordSurvey) ? "/console/households/\(householdID)/survey" : nil)
        return view.page(
            .household, model: model, title: call.text("household_title"), viewer: call.viewer, nav: "search", flash: flash(call))
    }

    /// Why an amount changed, in the person's language: the figures it was worked from, or the
    /// decision that stopped or restarted payment with the reviewer's own words.
    static func amountReason(_ c: AmountChange, _ call: Call) -> String {
        if c.cause.changesAmount, let f = c.computation {
            return call.text(
                "amount_basis",
                [
                    "size": "\(f.size)", "perCapita": f.perCapitaStandard.description, "income": f.income.description,
                    "amount": f.amount.description,
                ])
        }
        // `suspension at roll-review by staff:x: the reviewer's words`
        if let match = c.reason.firstMatch(of: /^[a-z-]+ at ([a-z-]+) by (.+?): (.*)$/), let step = ReviewStep(rawValue: String(match.1)) {
            return call.text("amount_decided", ["step": call.word(step), "by": String(match.2), "why": String(match.3)])
        }
        return c.reason
    }

    // MARK: The survey on paper

    /// The survey form's view model: one field per income source, one work select per member,
    /// the home, the day and the two investigators.
    struct SurveyPage {
        struct Option {
            var value: String
            var label: String
        }
        struct Income {
            var key: String
            var label: String
        }
        struct Member {
            var id: String
            var name: String
        }
        var household: String
        var head: String
        var place: String
        var today: String
        var incomes: [Income]
        var members: [Member]
        var works: [Option]
        var conditions: [Option]
    }

    func surveyForm(_ call: Call, id: String) async throws -> Response {
        let (householdID, region, head, members) = try await surveyHousehold(call, id: id)
        let model = SurveyPage(
            household: householdID.description, head: head, place: call.placePath(region),
            today: CalendarDate(chinaDayOf: Instant(millis: call.now)).description,
            incomes: SurveyQuestion.incomeSources.map { .init(key: "income.\($0)", label: call.text("question_income.\($0)")) },
            members: members.map { .init(id: $0.id, name: $0.name) },
            works: SurveyQuestion.workStatuses.map { .init(value: $0, label: call.text("work_\($0)")) },
            conditions: SurveyQuestion.housingConditions.map { .init(value: $0, label: call.text("housing_\($0)")) })
        return view.page(.survey, model: model, title: call.text("survey_title"), viewer: call.viewer, nav: "review")
    }

    /// Enters the sheet through ``SyncPipeline/recordSurvey(household:answers:on:investigators:as:now:)``
    /// and redirects to the household's page, where the new visit shows.
    func recordSurvey(_ call: Call, id: String) async throws -> Response {
        let (householdID, _, _, members) = try await surveyHousehold(call, id: id)
        var answers: [String: JSONValue] = [:]
        for source in SurveyQuestion.incomeSources {
            let key = "income.\(source)"
            let typed = (call.form[key] ?? "").trimmingCharacters(in: .whitespaces)
            guard !typed.isEmpty else { continue }
            do { answers[key] = try SurveyAnswer.value(key: key, typed: typed, field: call.text("question_\(key)")) } catch {
                throw ConsoleRefusal(.invalidRecord, call.text("survey_bad_amount", ["field": call.text("question_\(key)")]))
            }
        }
        for member in members {
            if let work = call.form["work.\(member.id)"], SurveyQuestion.workStatuses.contains(work) {
                answers["work.\(member.id)"] = .string(work)
            }
        }
        if let condition = call.form["housing.condition"], SurveyQuestion.housingConditions.contains(condition) {
            answers[SurveyQuestion.housingCondition] = .string(condition)
        }
        let area = (call.form["housing.area"] ?? "").trimmingCharacters(in: .whitespaces)
        if !area.isEmpty {
            guard let m2 = Int64(area), (0...10_000).contains(m2) else {
                throw ConsoleRefusal(.invalidRecord, call.text("survey_bad_area"))
            }
            answers[SurveyQuestion.housingArea] = .int(m2)
        }
        let notes = String((call.form["income.notes"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        if !notes.isEmpty { answers[SurveyQuestion.incomeNotes] = .string(notes) }
        guard let day = try? CalendarDate(call.form["date"] ?? "") else {
            throw ConsoleRefusal(.invalidRecord, call.text("survey_bad_date"))
        }
        let investigators = [call.form["investigator1"] ?? "", call.form["investigator2"] ?? ""]
        do {
            try await pipeline.recordSurvey(
                household: householdID, answers: answers, on: day, investigators: investigators, as: call.principal, now: call.now)
        } catch let problem as ProblemDetails where problem.code == .invalidRecord {
            // The form's own words for what the form can get wrong; anything else as the pipeline said.
            if problem.detail?.hasPrefix("date:") == true { throw ConsoleRefusal(.invalidRecord, call.text("survey_future")) }
            if problem.detail?.hasPrefix("investigators:") == true {
                throw ConsoleRefusal(.invalidRecord, call.text("survey_investigators"))
            }
            throw problem
        }
        return ConsoleView.redirect("/console/households/\(householdID)?done=surveyed#visits")
    }

    /// The household a survey is for, in the person's scope, with its members (id, name).
    private func surveyHousehold(_ call: Call, id: String) async throws -> (HouseholdID, RegionCode, String, [(id: String, name: String)]) {
        guard call.principal.may(.recordSurvey) else { throw ConsoleRefusal(.forbidden, call.text("survey_not_allowed")) }
        guard let householdID = try? HouseholdID(id) else { throw ConsoleRefusal(.notFound, call.text("not_found_household")) }
        let key = RecordKey(.household, householdID.description)
        guard let stored = try await pipeline.records([key])[key], case .state(let state) = stored.content, !state.isDeleted else {
            throw ConsoleRefusal(.notFound, call.text("not_found_household"))
        }
        guard call.staff.scope.contains(stored.region) else {
            throw ConsoleRefusal(.scopeViolation, call.text("scope_body", ["scope": call.place(call.staff.scope)]))
        }
        var members: [(id: String, name: String)] = []
        for record in try await regionRecords(.member, in: stored.region) {
            guard case .state(let s) = record.content, !s.isDeleted, s.values["householdID"]?.stringValue == householdID.description else {
                continue
            }
            members.append((record.id, s.values["name"]?.stringValue ?? ""))
        }
        return (householdID, stored.region, state.values["headName"]?.stringValue ?? "", members.sorted { $0.name < $1.name })
    }

    /// The records of one kind in a region, decoded once and reused while the server's head
    /// has not moved (``SyncPipeline/readModel(_:_:)``): a village's pages read the same few
    /// hundred records on every view.
    func regionRecords(_ kind: EntityKind, in region: RegionCode) async throws -> [StoredRecord] {
        try await pipeline.readModel("records \(kind.rawValue) \(region.digits)") { try await pipeline.records(of: kind, in: region) }
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

    /// The search page's view model.
    struct SearchPage {
        struct Kind {
            var value: String
            var label: String
            var selected: Bool
        }
        struct Result {
            var id: String
            var head: String
            var address: String
            var place: String
            var member: String
        }
        struct PostPager {
            var label: String
            var prev: Int?
            var next: Int?
        }
        var q: String
        var kind: String
        var kinds: [Kind]
        var searched: Bool
        var count: String
        var results: [Result]
        var postPager: PostPager?
    }

    /// The search form (GET) and its results (POST: the words searched for travel in the body,
    /// never in a URL, and pages of results are asked for by POST too; a search changes nothing,
    /// so it needs no redirect).
    func search(_ call: Call) async throws -> Response {
        let kind = call.form["kind"].flatMap(SearchKind.init(rawValue:)) ?? .name
        let query = String((call.form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        var model = SearchPage(
            q: query, kind: kind.rawValue,
            kinds: SearchKind.allCases.map {
                .init(value: $0.rawValue, label: call.text("search_kind_\($0.rawValue)"), selected: $0 == kind)
            },
            searched: false, count: "", results: [], postPager: nil)
        guard call.request.method == .post, !query.isEmpty else {
            return view.page(.search, model: model, title: call.text("search_title"), viewer: call.viewer, nav: "search")
        }
        let scope = call.staff.scope
        // A village is a region code, or its first digits, or a place's name; only households
        // inside the person's scope are read.
        var village: (RegionCode?, String) = (nil, "")
        if kind == .village {
            if query.allSatisfy({ $0.isASCII && $0.isNumber }) {
                guard query.count <= 12 else { throw ConsoleRefusal(.invalidRecord, call.text("search_bad_region")) }
                village = (query.count == 12 ? try? RegionCode(query) : nil, query)
            } else if let named = call.places.codes(named: query).first(where: { scope.contains($0) || $0.contains(scope) }) {
                village = (named, named.digits)
            } else {
                throw ConsoleRefusal(.invalidRecord, call.text("search_bad_region"))
            }
        }
        var households: [String: (region: RegionCode, values: [String: JSONValue])] = [:]
        for record in try await regionRecords(.household, in: scope) {
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
            for record in try await regionRecords(.member, in: scope) {
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
        model.results = sorted.dropFirst((page - 1) * size).prefix(size).map { id, h in
            SearchPage.Result(
                id: id, head: h.values["headName"]?.stringValue ?? "", address: h.values["address"]?.stringValue ?? "",
                place: call.placePath(h.region), member: matchedBy[id] ?? "")
        }
        model.searched = true
        model.count = call.text("search_count", ["n": "\(sorted.count)"])
        if pages > 1 {
            model.postPager = .init(
                label: call.text("page_of", ["page": "\(page)", "pages": "\(pages)"]), prev: page > 1 ? page - 1 : nil,
                next: page < pages ? page + 1 : nil)
        }
        return view.page(.search, model: model, title: call.text("search_title"), viewer: call.viewer, nav: "search")
    }
}
