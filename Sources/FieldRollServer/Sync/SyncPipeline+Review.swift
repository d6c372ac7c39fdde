@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// An application waiting at a step of the review chain.
public struct ReviewQueueEntry: Sendable, Hashable, Codable {
    public var enrolment: Enrolment
    /// The step it waits for.
    public var step: ReviewStep
    /// When it reached its status (nil: imported without a date).
    public var since: CalendarDate?
    /// The last day to decide, in working days from `since` (nil for the public notice).
    public var due: CalendarDate?
    /// Working days past `due` (0: on time).
    public var daysLate: Int
    /// For the public notice: the first day enrolment may be approved.
    public var noticeEnds: CalendarDate?
    /// The cross-check flags raised against the household, oldest first: for the person
    /// deciding to look at before approving. At `roll-review`, only those raised since the
    /// office's last decision there.
    public var flags: [CrossCheckFlag] = []
    /// At `roll-review`: the household is enrolled at 0 a month (its latest survey no longer
    /// qualifies); suspend or terminate it.
    public var notEligible: Bool = false
    /// At `roll-review`: the household is suspended and a member has checked in since (the day of
    /// the latest such check-in): it came back; resume it, or terminate it.
    public var checkedInWhileSuspended: CalendarDate? = nil
}

extension SyncPipeline {
    /// The office decides at a step of the review chain: a review action signed by the server on
    /// `principal`'s behalf, pushed through the same pipeline as a device's (so the same checks,
    /// the same audit chain, and devices in scope pull both the action and the enrolment's move).
    /// The principal's role must be one the enrolment's county's chain lets act at `step`, and
    /// the enrolment must lie in the principal's scope.
    /// - Throws: ``ProblemDetails`` with the refusal's code (`illegal-transition`, `forbidden`,
    ///   `scope-violation`, `notice-not-over`, `not-found`, `invalid-record`); nothing is written then.
    @discardableResult
    public func review(
        enrolment id: EnrolmentID, step: ReviewStep, decision: ReviewDecision, reason: String, as principal: Principal, now: Int64
    ) async throws -> ReviewAction {
        try principal.authorize(.review)
        guard let role = principal.role else { throw ProblemDetails(.forbidden, detail: "a viewer may not decide") }
        guard reviewChains.mayAnywhere(role, actAt: step) else {
            throw ProblemDetails(.forbidden, detail: "\(role.withArticle) may not decide at \(step.rawValue)")
        }
        let key = RecordKey(.enrolment, id.description)
        guard let stored = try await records([key])[key], stored.entity == .enrolment else {
            throw ProblemDetails(.notFound, detail: "no enrolment \(id)")
        }
        try principal.authorize(.review, at: stored.region)
        guard reviewChains.chain(for: stored.region).may(role, actAt: step) else {
            throw ProblemDetails(
                .forbidden, detail: "\(role.withArticle) may not decide at \(step.rawValue) in \(stored.region.ancestor(at: .county))")
        }
        let reviewer = principal.kind == .staff ? principal.actor : principal.name
        let action = ReviewAction(
            enrolmentID: id, region: stored.region, reviewer: reviewer, role: role, step: step, decision: decision, reason: reason,
            at: Instant(millis: now))
        do { try action.validated() } catch { throw ProblemDetails(.invalidRecord, detail: error.message) }
        let body = try JSONValue(encoding: action)
        var clock = HybridLogicalClock(node: serverNode, last: nil)
        let stamp = clock.tick(now: now)
        let change = Change(entity: .reviewAction, record: action.id.description, region: action.region, payload: .body(body))
        let set = try ChangeSet(origin: serverNode, stamp: stamp, changes: [change]).signed(with: serverKey)
        let answer = try await push([set], pusher: serverNode, writer: WriterContext(office: principal), now: now)
        if let result = answer.results.first, result.status == .refused {
            throw ProblemDetails(result.code ?? .invalidRecord, detail: result.detail)
        }
        return action
    }

    /// Applications waiting at a step inside `scope` (nil: everywhere), oldest first, with their
    /// deadlines as of `today` (in working days of each county's chain, skipping the
    /// configured holidays) and their households' cross-check flags; and, at `roll-review`, the
    /// households on the roll (enrolled or suspended) with something for the office to decide: a
    /// cross-check flag raised since its last decision at `roll-review`, or an enrolled household
    /// whose amount is now 0.
    public func reviewQueue(in scope: RegionCode?, today: CalendarDate) async throws -> [ReviewQueueEntry] {
        try await readModel("review-queue \(scope?.digits ?? "*") \(today)") { try await freshReviewQueue(in: scope, today: today) }
    }

    /// ``reviewQueue`` computed from storage (see ``ReadModelCache``).
    func freshReviewQueue(in scope: RegionCode?, today: CalendarDate) async throws -> [ReviewQueueEntry] {
        let holidays = reviewChains.holidays
        let workdays = reviewChains.workdays
        var out: [ReviewQueueEntry] = []
        let flags = Dictionary(grouping: try await storage.flags(in: scope), by: \.household)
        // Flags raised before the office last decided on a household on the roll were looked at then.
        var lastRollDecision: [EnrolmentID: Instant] = [:]
        for record in try await storage.records(of: .reviewAction, in: scope) {
            guard case .body(let body) = record.content, let action = try? body.decode(as: ReviewAction.self),
                action.step == .rollReview
            else { continue }
            lastRollDecision[action.enrolmentID] = max(lastRollDecision[action.enrolmentID] ?? action.at, action.at)
        }
        // The latest check-in of each household, for suspended households that came back.
        var lastCheckIn: [HouseholdID: Instant] = [:]
        for record in try await storage.records(of: .checkIn, in: scope) {
            guard case .body(let body) = record.content, let checkIn = try? body.decode(as: CheckIn.self) else { continue }
            lastCheckIn[checkIn.householdID] = max(lastCheckIn[checkIn.householdID] ?? checkIn.at, checkIn.at)
        }
        for record in try await storage.records(of: .enrolment, in: scope) {
            guard case .state(let state) = record.content, !state.isDeleted, let id = try? EnrolmentID(record.id),
                let enrolment = try? Enrolment(id: id, values: state.values)
            else { continue }
            let chain = reviewChains.chain(for: enrolment.region)
            // An application imported without the day it reached its status counts from the day
            // it applied: its deadline is never lost.
            let since =
                enrolment.statusSince
                ?? (chain.dueDate(status: enrolment.status, since: enrolment.appliedOn) != nil ? enrolment.appliedOn : nil)
            let raised = flags[enrolment.householdID] ?? []
            guard let step = chain.step(awaitedBy: enrolment.status) else {
                guard enrolment.status == .enrolled || enrolment.status == .suspended else { continue }
                let open = raised.filter { flag in lastRollDecision[id].map { flag.raisedAt > $0 } ?? true }
                let notEligible = enrolment.status == .enrolled && enrolment.monthlyAmount == .zero
                // Checked in after the suspension (its decision, or the day it began when imported).
                var returned: CalendarDate?
                if enrolment.status == .suspended, let at = lastCheckIn[enrolment.householdID] {
                    let after = lastRollDecision[id].map { at > $0 } ?? since.map { CalendarDate(chinaDayOf: at) >= $0 } ?? true
                    if after { returned = CalendarDate(chinaDayOf: at) }
                }
                guard !open.isEmpty || notEligible || returned != nil else { continue }
                out.append(
                    ReviewQueueEntry(
                        enrolment: enrolment, step: .rollReview, since: since, due: nil, daysLate: 0, noticeEnds: nil, flags: open,
                        notEligible: notEligible, checkedInWhileSuspended: returned))
                continue
            }
            let due = since.flatMap { chain.dueDate(status: enrolment.status, since: $0, holidays: holidays, workdays: workdays) }
            let late = due.map { $0.workingDays(until: today, holidays: holidays, workdays: workdays) } ?? 0
            let noticeEnds = enrolment.status == .publicNotice ? since.map { $0.adding(days: chain.noticeDays) } : nil
            out.append(
                ReviewQueueEntry(
                    enrolment: enrolment, step: step, since: since, due: due, daysLate: late, noticeEnds: noticeEnds, flags: raised))
        }
        return out.sorted {
            ($0.since?.dayNumber ?? Int.min, $0.enrolment.id.description) < ($1.since?.dayNumber ?? Int.min, $1.enrolment.id.description)
        }
    }
}
