/// One decision in the review chain: who, at which step, what, and why.
///
/// Immutable; the server applies it to the ``Enrolment``. Every approval is accountable: the
/// reviewer and reason stay on record for the public notice and any later audit.
public struct ReviewAction: Codable, Sendable, Hashable {
    public var id: ReviewActionID
    public var enrolmentID: EnrolmentID
    public var region: RegionCode
    public var reviewer: String
    public var role: Role
    public var step: ReviewStep
    public var decision: ReviewDecision
    public var reason: String
    public var at: Instant

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
