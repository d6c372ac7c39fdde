/// One decision in the review chain: who, at which step, what, and why.
///
/// Immutable; the server applies it to the ``Enrolment``. Every approval is accountable: the
/// reviewer and reason stay on record for the public notice and any later audit.
public struct ReviewAction: Codable, Sendable, Hashable {
    /// The action's id.
    public var id: ReviewActionID
    /// The enrolment decided on.
    public var enrolmentID: EnrolmentID
    public var region: RegionCode
    /// Who decided, by name.
    public var reviewer: String
    /// The reviewer's role: reviewer, approver or admin.
    public var role: Role
    /// The step of the review chain decided.
    public var step: ReviewStep
    /// What was decided.
    public var decision: ReviewDecision
    /// Why; required unless the decision is to approve.
    public var reason: String
    /// When the decision was made.
    public var at: Instant

    /// Makes a review action; a new random id by default.
    public init(
        id: ReviewActionID = ReviewActionID(), enrolmentID: EnrolmentID, region: RegionCode, reviewer: String, role: Role,
        step: ReviewStep, decision: ReviewDecision, reason: String, at: Instant
    ) {
        self.id = id
        self.enrolmentID = enrolmentID
        self.region = region
        self.reviewer = reviewer
        self.role = role
        self.step = step
        self.decision = decision
        self.reason = reason
        self.at = at
    }

    public func validate() -> [FieldIssue] {
        var c = IssueCollector()
        c.text("reviewer", reviewer, max: 40)
        // A rejection or return must say why; an approval may.
        c.text("reason", reason, max: 1000, required: decision != .approve)
        if ![.reviewer, .approver, .admin].contains(role) { c.add("role", "forbidden", "\(role.rawValue) may not review") }
        return c.issues
    }
}
