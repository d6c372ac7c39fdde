import FieldRollCore

/// Which roles may write which kinds of record. Reading is by scope alone: every role pulls
/// what lies inside its region.
public enum RolePolicy {
    /// Whether `role` may push changes to records of `entity`.
    public static func may(_ role: Role, write entity: EntityKind) -> Bool {
        switch (role, entity) {
        case (_, .enrolment), (_, .standard), (_, .amountChange): false  // the roll is written by the server alone
        case (.caseworker, .household), (.caseworker, .member), (.caseworker, .visit), (.caseworker, .photo), (.caseworker, .checkIn):
            true
        case (.kiosk, .household), (.kiosk, .member), (.kiosk, .photo), (.kiosk, .checkIn): true
        case (.reviewer, .reviewAction), (.approver, .reviewAction): true
        case (.admin, _): true
        default: false
        }
    }
}
