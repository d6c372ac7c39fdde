import FieldRollCore

/// What the office does to the rolls besides pushing records: each operation the pipeline
/// offers to staff and operators, with the roles that may do it.
public enum OfficeOperation: String, Sendable, CaseIterable {
    /// Import households, members and the roll from office CSV.
    case importRecords = "import"
    /// Import another department's data and raise cross-check flags.
    case crossCheck = "cross-check"
    /// Close a conflict (keep the winner, or write the other value anew).
    case resolveConflict = "resolve-conflict"
    /// Issue a device's one-time enrolment code.
    case enrolDevice = "enrol-device"
    /// Revoke a device.
    case revokeDevice = "revoke-device"
    /// Set a benefit standard (and recompute the amounts it reaches).
    case addStandard = "add-standard"
    /// Recompute amounts after new surveys.
    case recomputeAmounts = "recompute-amounts"
    /// Suspend households whose check-in window was missed.
    case suspendOverdue = "suspend-overdue"
    /// Decide at a step of the review chain (approve, refuse, return, suspend, resume, …).
    case review
    /// Print a public notice (an audited read).
    case printNotice = "print-notice"
    /// Add staff accounts, set their passwords, disable them.
    case manageStaff = "manage-staff"
    /// Import place names from the national division list (code → name, level).
    case importRegions = "import-regions"
    /// Enter a household survey from its paper sheet (the investigators sign it; the server
    /// signs the visit on the person's behalf).
    case recordSurvey = "record-survey"

    /// The API roles that may do this (``Principal/role``); nil: any principal, a viewer too.
    public var roles: Set<Role>? {
        switch self {
        case .importRecords, .crossCheck, .enrolDevice, .revokeDevice, .addStandard, .recomputeAmounts, .manageStaff, .importRegions:
            [.admin]
        // Each suspension is a decision at roll review, which the chain gives approvers and admins.
        case .suspendOverdue: [.approver, .admin]
        case .resolveConflict: [.admin]
        case .review, .recordSurvey: [.reviewer, .approver, .admin]
        case .printNotice: nil
        }
    }
}

extension Principal {
    /// Whether the role allows `operation` at all (before any record's region is known): what
    /// the console asks to decide which buttons to show.
    public func may(_ operation: OfficeOperation) -> Bool {
        if operation == .manageStaff, kind != .operator { return false }
        guard let roles = operation.roles else { return true }
        return role.map { roles.contains($0) } ?? false
    }

    /// Refuses `operation` unless the role allows it and every region in `regions` (where the
    /// records it touches are, and where they would go) lies inside the principal's scope.
    /// - Throws: ``ProblemDetails`` `forbidden` (the role) or `scope-violation` (a region).
    public func authorize(_ operation: OfficeOperation, at regions: RegionCode?...) throws(ProblemDetails) {
        guard may(operation) else {
            let who = role?.withArticle ?? "a viewer"
            throw ProblemDetails(.forbidden, detail: "\(who) may not \(operation.rawValue.replacingOccurrences(of: "-", with: " "))")
        }
        for case let region? in regions where !covers(region) {
            throw ProblemDetails(.scopeViolation, detail: "\(region) lies outside \(scope?.digits ?? "")")
        }
    }

    /// Refuses a write of `entity` records unless the role may write them (``RolePolicy``).
    public func authorize(write entity: EntityKind, at region: RegionCode) throws(ProblemDetails) {
        guard let role, RolePolicy.may(role, write: entity) else {
            let who = role?.withArticle ?? "a viewer"
            throw ProblemDetails(.forbidden, detail: "\(who) may not write \(entity.rawValue) records")
        }
        guard covers(region) else { throw ProblemDetails(.scopeViolation, detail: "\(region) lies outside \(scope?.digits ?? "")") }
    }
}
