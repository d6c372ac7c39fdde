/// How a county runs its review chain, and the rule that moves an application along it.
///
/// The chain (DESIGN.md): the village accepts the application and surveys → the township
/// reviews → the county approves → public notice of at least five days → enrolled. A county
/// may let the township approve on its behalf (one-level approval). Each step has a deadline in
/// working days; a refusal at any step ends the application with its reason on record.
///
/// | status | waits for | who may act | approve leads to |
/// | --- | --- | --- | --- |
/// | `applied` | village survey | reviewer, admin | `surveyed` |
/// | `surveyed` | township review | reviewer, approver, admin | `township-reviewed`, or `public-notice` when the township approves |
/// | `township-reviewed` | county approval | approver, admin | `public-notice` |
/// | `county-approved` | public notice | approver, admin | `public-notice` (the notice starts) |
/// | `public-notice` | public notice | approver, admin | `enrolled`, once the notice has run its days |
///
/// `reject` at any of these steps leads to `rejected`; `return-for-survey` at the township or
/// county step sends the application back to `applied`.
///
/// Once on the roll, the office reviews at `roll-review` (approver, admin): `suspend` moves
/// `enrolled` to `suspended` (a missed check-in window, a cross-check hit), `resume` moves
/// `suspended` back to `enrolled` from that day, and `terminate` ends an `enrolled` or
/// `suspended` household's benefit for good (`terminated`), and `confirm` keeps either as it
/// is once a person has looked at what was raised against it; each needs a reason.
public struct ReviewChain: Hashable, Codable, Sendable {
    /// The township approves on the county's behalf (one-level approval).
    public var townshipApproves: Bool
    /// Calendar days the public notice runs before enrolment (at least ``minimumNoticeDays``).
    public var noticeDays: Int
    /// Working days allowed at each step before the application is listed as late.
    public var deadlines: [ReviewStep: Int]

    /// The law's minimum for the public notice.
    public static let minimumNoticeDays = 5

    /// Two-level approval, a seven-day notice, and the usual 15/20/20 working days.
    public static let standard = ReviewChain(
        unchecked: false, noticeDays: 7, deadlines: [.villageSurvey: 15, .townshipReview: 20, .countyApproval: 20])

    /// - Throws: ``ValidationError`` for a notice shorter than five days or a deadline below one day.
    public init(townshipApproves: Bool, noticeDays: Int, deadlines: [ReviewStep: Int]) throws(ValidationError) {
        var c = IssueCollector()
        if noticeDays < Self.minimumNoticeDays {
            c.add("noticeDays", "too-short", "the public notice runs at least \(Self.minimumNoticeDays) days, not \(noticeDays)")
        }
        for (step, days) in deadlines where days < 1 {
            c.add("deadlines", "too-short", "\(step.rawValue) needs at least 1 working day, not \(days)")
        }
        if !c.issues.isEmpty { throw ValidationError(c.issues) }
        self.init(unchecked: townshipApproves, noticeDays: noticeDays, deadlines: deadlines)
    }

    init(unchecked townshipApproves: Bool, noticeDays: Int, deadlines: [ReviewStep: Int]) {
        self.townshipApproves = townshipApproves
        self.noticeDays = noticeDays
        self.deadlines = deadlines
    }

    /// The step an application in `status` waits for; nil when it is out of the chain
    /// (enrolled, rejected, suspended, terminated).
    public func step(awaitedBy status: EnrolmentStatus) -> ReviewStep? {
        switch status {
        case .applied: .villageSurvey
        case .surveyed: .townshipReview
        case .townshipReviewed: townshipApproves ? .publicNotice : .countyApproval
        case .countyApproved, .publicNotice: .publicNotice
        case .enrolled, .rejected, .suspended, .terminated: nil
        }
    }

    /// Whether `role` may decide at `step`.
    public func may(_ role: Role, actAt step: ReviewStep) -> Bool {
        switch step {
        case .villageSurvey: [.reviewer, .admin].contains(role)
        case .townshipReview: townshipApproves ? [.reviewer, .approver, .admin].contains(role) : [.reviewer, .admin].contains(role)
        case .countyApproval, .publicNotice, .rollReview: [.approver, .admin].contains(role)
        }
    }

    /// What a decision does to an application in `status` whose status began on `since`,
    /// decided on `today` by a `role`.
    /// - Returns: the new status and the day it begins, or why the decision is refused (the
    ///   application is then left as it was).
    public func decide(
        _ decision: ReviewDecision, at step: ReviewStep, by role: Role, status: EnrolmentStatus, since: CalendarDate?, today: CalendarDate
    ) -> Result<ReviewTransition, ReviewRefusal> {
        if step == .rollReview || [.suspend, .resume, .terminate, .confirm].contains(decision) {
            return decideOnRoll(decision, at: step, by: role, status: status, since: since, today: today)
        }
        guard let awaited = self.step(awaitedBy: status) else {
            return .failure(ReviewRefusal(.illegalTransition, "the application is \(status.rawValue); it waits for no review step"))
        }
        guard awaited == step else {
            return .failure(
                ReviewRefusal(
                    .illegalTransition, "the application is \(status.rawValue) and waits for \(awaited.rawValue), not \(step.rawValue)"))
        }
        guard may(role, actAt: step) else {
            return .failure(ReviewRefusal(.forbidden, "\(role.withArticle) may not decide at \(step.rawValue)"))
        }
        switch decision {
        case .reject:
            return .success(ReviewTransition(status: .rejected, since: today))
        case .returnForSurvey:
            guard step == .townshipReview || step == .countyApproval else {
                return .failure(
                    ReviewRefusal(.illegalTransition, "only the township or the county returns an application for a new survey"))
            }
            return .success(ReviewTransition(status: .applied, since: today))
        case .approve:
            switch status {
            case .applied: return .success(ReviewTransition(status: .surveyed, since: today))
            case .surveyed: return .success(ReviewTransition(status: townshipApproves ? .publicNotice : .townshipReviewed, since: today))
            case .townshipReviewed: return .success(ReviewTransition(status: .publicNotice, since: today))
            case .countyApproved: return .success(ReviewTransition(status: .publicNotice, since: today))
            case .publicNotice:
                let began = since ?? today
                let ran = began.days(until: today)
                guard ran >= noticeDays else {
                    return .failure(
                        ReviewRefusal(
                            .noticeNotOver,
                            "the notice began \(began) and has run \(ran) of \(noticeDays) days; it ends \(began.adding(days: noticeDays))")
                    )
                }
                return .success(ReviewTransition(status: .enrolled, since: today))
            default:
                return .failure(ReviewRefusal(.illegalTransition, "the application is \(status.rawValue)"))
            }
        case .suspend, .resume, .terminate, .confirm:
            return .failure(ReviewRefusal(.illegalTransition, "\(decision.rawValue) is decided at roll-review"))
        }
    }

    /// `suspend`, `resume`, `terminate` and `confirm` at `roll-review`, for households already on
    /// the roll. A confirmation leaves the status (and the day it began) as they are.
    private func decideOnRoll(
        _ decision: ReviewDecision, at step: ReviewStep, by role: Role, status: EnrolmentStatus, since: CalendarDate?,
        today: CalendarDate
    ) -> Result<ReviewTransition, ReviewRefusal> {
        guard step == .rollReview else {
            return .failure(ReviewRefusal(.illegalTransition, "\(decision.rawValue) is decided at roll-review, not \(step.rawValue)"))
        }
        let (from, to): ([EnrolmentStatus], EnrolmentStatus?)
        switch decision {
        case .suspend: (from, to) = ([.enrolled], .suspended)
        case .resume: (from, to) = ([.suspended], .enrolled)
        case .terminate: (from, to) = ([.enrolled, .suspended], .terminated)
        case .confirm: (from, to) = ([.enrolled, .suspended], nil)
        case .approve, .reject, .returnForSurvey:
            return .failure(
                ReviewRefusal(
                    .illegalTransition,
                    "at roll-review the office suspends, resumes, terminates or confirms, it does not \(decision.rawValue)"))
        }
        guard from.contains(status) else {
            let needed = from.map(\.rawValue).joined(separator: " or ")
            return .failure(
                ReviewRefusal(.illegalTransition, "the enrolment is \(status.rawValue); \(decision.rawValue) needs it \(needed)"))
        }
        guard may(role, actAt: step) else {
            return .failure(ReviewRefusal(.forbidden, "\(role.withArticle) may not decide at \(step.rawValue)"))
        }
        guard let to else { return .success(ReviewTransition(status: status, since: since ?? today, moves: false)) }
        return .success(ReviewTransition(status: to, since: today))
    }

    /// The last day to decide at the step `status` waits for, counted in working days from
    /// `since`; nil for the notice (counted in calendar days) and statuses out of the chain.
    public func dueDate(
        status: EnrolmentStatus, since: CalendarDate, holidays: Set<CalendarDate> = [], workdays: Set<CalendarDate> = []
    ) -> CalendarDate? {
        guard let step = step(awaitedBy: status), step != .publicNotice, let days = deadlines[step] else { return nil }
        var d = since
        var left = days
        while left > 0 {
            d = d.adding(days: 1)
            if d.isWorkingDay(holidays: holidays, workdays: workdays) { left -= 1 }
        }
        return d
    }
}

/// Where a review decision moves an application.
public struct ReviewTransition: Hashable, Sendable {
    /// The status the application moves to.
    public var status: EnrolmentStatus
    /// The day the new status begins.
    public var since: CalendarDate
    /// False for a decision that leaves the enrolment as it was (`confirm`): nothing to write.
    public var moves: Bool

    /// Makes a transition to `status` from `since`; `moves` false for a decision that changes nothing.
    public init(status: EnrolmentStatus, since: CalendarDate, moves: Bool = true) {
        self.status = status
        self.since = since
        self.moves = moves
    }
}

/// Why a review decision was refused; the application is left as it was.
public struct ReviewRefusal: FieldRollError, Hashable {
    public var code: ErrorCode
    public var message: String

    /// Makes a refusal with its error code and message.
    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}
