import FieldRollCore
import Foundation

/// The public notice (公示) of a village or township on one day: the households on notice and
/// those newly enrolled, with names and resident IDs masked (``Disclosure/public``); no birth date.
///
/// Built by ``SyncPipeline/publicNotice(for:on:place:contact:)``; printed by
/// ``NoticeHTML`` (an A4 page to post) and ``csv`` (for a spreadsheet).
public struct PublicNotice: Sendable, Hashable, Codable {
    /// One household on the notice.
    public struct Entry: Sendable, Hashable, Codable {
        public var enrolment: EnrolmentID
        /// The head's name, masked (`张*明`).
        public var head: String
        /// The head's resident ID, masked (`110105********123X`); empty when none is on record.
        public var residentID: String
        public var programme: Programme
        /// The people the amount was worked for (the size in its computation), else the members on record.
        public var householdSize: Int
        /// The amount that applies on the notice's date (by the amount history; the enrolment's
        /// amount when it has none).
        public var monthlyAmount: Fen
        /// A change already on record after the notice's date: the amount, and from when.
        public var nextAmount: Fen? = nil
        public var nextFrom: CalendarDate? = nil
        /// The day the notice began (the approval), and the day it may close: start plus the
        /// chain's notice days. Nil when not on record (an imported enrolment).
        public var noticeStart: CalendarDate?
        public var noticeEnd: CalendarDate?
        /// `public-notice`, or `enrolled` for a household enrolled within ``PublicNotice/newlyEnrolledDays``.
        public var status: EnrolmentStatus
        /// The enrolment's start date, for an enrolled household.
        public var startDate: CalendarDate?
    }

    public var region: RegionCode
    /// The village or township's name as printed (the region code when not given).
    public var place: String
    public var date: CalendarDate
    /// The complaint telephone and address; nil leaves a line to fill in by hand.
    public var contact: String?
    /// Who posts it, as signed under the table (the place's full name, `柳河乡 上河村`); nil: ``place``.
    public var signature: String? = nil
    public var entries: [Entry]

    /// A household enrolled this many days before the notice's date, or fewer, is listed as newly enrolled.
    public static let newlyEnrolledDays = 30

    /// `上河村 最低生活保障 公示`: the programme family when every entry shares one, else 社会救助.
    public var title: String {
        let families = Set(entries.map { [.urbanDibao, .ruralDibao].contains($0.programme) ? "最低生活保障" : $0.programme.fullName })
        return "\(place) \(families.count == 1 ? families.first ?? "社会救助" : "社会救助") 公示"
    }

    /// The columns of ``csv`` and of the HTML table.
    public static let header = ["序号", "户主", "身份证号", "救助类别", "家庭人口", "月保障金额(元)", "公示开始日期", "公示结束日期", "状态"]

    /// The entry's cells, in ``header`` order (row number first, from 1).
    public static func cells(_ e: Entry, number: Int) -> [String] {
        [
            "\(number)", e.head, e.residentID, e.programme.fullName, "\(e.householdSize)",
            e.monthlyAmount.description + (e.nextAmount.map { next in "（\(e.nextFrom?.description ?? "")起 \(next)）" } ?? ""),
            e.noticeStart?.description ?? "", e.noticeEnd?.description ?? "",
            e.status == .publicNotice ? "公示中" : "新纳入(\(e.startDate?.description ?? "")起)",
        ]
    }

    /// The notice as a spreadsheet file: BOM, CRLF, quoted, formula-safe.
    public var csv: SpreadsheetCSV {
        SpreadsheetCSV(header: Self.header, rows: entries.enumerated().map { Self.cells($1, number: $0 + 1) })
    }
}

extension SyncPipeline {
    /// The public notice for `region` (a village or township) on `date`: every enrolment inside it
    /// on public notice, and every one enrolled within ``PublicNotice/newlyEnrolledDays`` days
    /// before `date`, ordered by status, then notice start, then region.
    ///
    /// The household's head (the member whose relation is `head`; the household's `headName`
    /// when no member is) and resident ID are masked; the amount is the one that applies on
    /// `date` by the amount history, and the size the people it was worked for (the members on
    /// record when there is no history); a later change already on record is shown with its day;
    /// the notice's start is the day the amount was approved (its first ``AmountChange``),
    /// else the day an enrolment went on notice.
    public func publicNotice(for region: RegionCode, on date: CalendarDate, place: String? = nil, contact: String? = nil) async throws
        -> PublicNotice
    {
        try await readModel("notice \(region.digits) \(date) \(place ?? "") \(contact ?? "")") {
            try await freshPublicNotice(for: region, on: date, place: place, contact: contact)
        }
    }

    func freshPublicNotice(for region: RegionCode, on date: CalendarDate, place: String?, contact: String?) async throws -> PublicNotice {
        func decoded<T>(_ kind: EntityKind, _ make: (String, [String: JSONValue]) throws -> T) async throws -> [T] {
            try await storage.records(of: kind, in: region).compactMap { record in
                guard case .state(let s) = record.content, !s.isDeleted else { return nil }
                return try? make(record.id, s.values)
            }
        }
        let enrolments = try await decoded(.enrolment) { try Enrolment(id: EnrolmentID($0), values: $1) }
        let history = Dictionary(grouping: try await amountHistory(in: region).filter(\.cause.changesAmount), by: \.enrolmentID)
        // What was on notice on `date`: put on notice by then (its approval), and not enrolled
        // (nor refused) before it. A notice of a past day lists those since enrolled as on notice.
        // The day the county (or the township on its behalf) approved, from the review action
        // that put the application on notice: for enrolments without an amount history or a
        // status date (imported ones), the notice's own step still dates it.
        var approvedOn: [EnrolmentID: CalendarDate] = [:]
        for record in try await storage.records(of: .reviewAction, in: region) {
            guard case .body(let body) = record.content, let action = try? body.decode(as: ReviewAction.self),
                action.decision == .approve,
                action.step == (reviewChains.chain(for: action.region).townshipApproves ? .townshipReview : .countyApproval)
            else { continue }
            let day = CalendarDate(chinaDayOf: action.at)
            approvedOn[action.enrolmentID] = max(approvedOn[action.enrolmentID] ?? day, day)
        }
        func noticeStart(_ e: Enrolment) -> CalendarDate? {
            history[e.id]?.first { $0.cause == .approval }?.effectiveFrom ?? (e.status == .publicNotice ? e.statusSince : nil)
                ?? approvedOn[e.id]
        }
        func onNotice(_ e: Enrolment) -> Bool {
            if e.status == .publicNotice { return noticeStart(e).map { $0 <= date } ?? true }
            guard [.enrolled, .suspended, .terminated].contains(e.status), let start = noticeStart(e), let enrolled = e.startDate else {
                return false
            }
            return start <= date && date < enrolled
        }
        var status: [EnrolmentID: EnrolmentStatus] = [:]
        let listed = enrolments.filter { e in
            if onNotice(e) {
                status[e.id] = .publicNotice
                return true
            }
            guard e.status == .enrolled, let start = e.startDate else { return false }
            status[e.id] = .enrolled
            return start <= date && start.days(until: date) <= PublicNotice.newlyEnrolledDays
        }
        let households = Dictionary(
            try await decoded(.household) { try Household(id: HouseholdID($0), values: $1) }.map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let members = Dictionary(grouping: try await decoded(.member) { try Member(id: MemberID($0), values: $1) }, by: \.householdID)
        let entries = listed.map { e -> PublicNotice.Entry in
            let people = (members[e.householdID] ?? []).sorted { $0.id < $1.id }
            let head = people.first { $0.relation == .head }
            let changes = history[e.id] ?? []
            let start = noticeStart(e)
            let shown = status[e.id] ?? e.status
            // The amount in force on the notice's day, and the people it was worked for: a member
            // added since (or counted in another household) does not show beside an amount that
            // does not count them.
            let inForce = changes.filter { $0.effectiveFrom <= date }.max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
            let next = changes.filter { $0.effectiveFrom > date }.min { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
            var entry = PublicNotice.Entry(
                enrolment: e.id, head: Disclosure.public.name(head?.name ?? households[e.householdID]?.headName ?? ""),
                residentID: head.map { Disclosure.public.residentID($0.residentID.rawValue) } ?? "", programme: e.programme,
                householdSize: inForce?.computation?.size ?? people.count, monthlyAmount: inForce?.amount ?? e.monthlyAmount,
                noticeStart: start, noticeEnd: start.map { $0.adding(days: reviewChains.chain(for: e.region).noticeDays) },
                status: shown, startDate: shown == .enrolled ? e.startDate : nil)
            if let next, next.amount != entry.monthlyAmount {
                entry.nextAmount = next.amount
                entry.nextFrom = next.effectiveFrom
            }
            return entry
        }
        .sorted {
            ($0.status == .publicNotice ? 0 : 1, $0.noticeStart?.dayNumber ?? Int.min, $0.enrolment)
                < ($1.status == .publicNotice ? 0 : 1, $1.noticeStart?.dayNumber ?? Int.min, $1.enrolment)
        }
        // Names, not codes: the village's own name in the title, its full name (from the county
        // down) under the table.
        let names = try await placeNames()
        var notice = PublicNotice(region: region, place: place ?? names.label(region), date: date, contact: contact, entries: entries)
        notice.signature = names.path(region, below: region.ancestor(at: .city))
        return notice
    }
}

extension SyncPipeline {
    /// Prints the public notice of `region` on `date` for `principal` (anyone whose scope holds
    /// the region): the notice of ``publicNotice(for:on:place:contact:)``, and a `notice.printed`
    /// audit entry under the principal's name, saying in which `format` and how many households.
    /// - Throws: ``ProblemDetails`` `scope-violation` for a region outside the principal's.
    public func printNotice(
        for region: RegionCode, on date: CalendarDate, place: String? = nil, contact: String? = nil, format: String,
        as principal: Principal, now: Int64
    ) async throws -> PublicNotice {
        try principal.authorize(.printNotice, at: region)
        let notice = try await publicNotice(for: region, on: date, place: place, contact: contact)
        try await record(
            actor: principal.actor, action: "notice.printed", subject: "region/\(region)",
            detail: "\(format) of \(date): \(notice.entries.count) households", now: now)
        return notice
    }
}
