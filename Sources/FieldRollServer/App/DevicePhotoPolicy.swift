import FieldRollCore
import Foundation

/// Which photos each role's devices download (``PhotoPolicy``), as the central office sets it with
/// `--device-photos` (`FIELDROLL_DEVICE_PHOTOS`). The server tells every device its role's policy
/// in the `FieldRoll-Photo-Policy` header of each pull answer.
///
/// By default caseworkers get `full` — a caseworker revisiting a household sees its earlier
/// photos offline — and every other role `none`: a township kiosk is a shared machine in a
/// service hall, and reviewers and approvers hold whole counties, so keeping every household's
/// photos there would spread them far wider than the work needs.
///
/// ```swift
/// DevicePhotoPolicy(parsing: "full")                      // every role: full
/// DevicePhotoPolicy(parsing: "caseworker=full,kiosk=full") // those two full, the rest as by default
/// ```
public struct DevicePhotoPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The policy of each role; a role not named gets `none`.
    public var byRole: [Role: PhotoPolicy]

    public init(byRole: [Role: PhotoPolicy]) { self.byRole = byRole }

    /// Caseworkers `full`, every other role `none`.
    public static let standard = DevicePhotoPolicy(byRole: [.caseworker: .full])

    /// The policy for devices of `role`.
    public func policy(for role: Role) -> PhotoPolicy { byRole[role] ?? .none }

    /// Reads `none`, `full` (for every role), or `ROLE=POLICY` pairs separated by commas (roles
    /// not named keep the ``standard`` policy). Nil for anything else — `thumbnails` included,
    /// which the data model cannot serve yet.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let all = PhotoPolicy(rawValue: trimmed) {
            self.init(byRole: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, all) }))
            return
        }
        var byRole = Self.standard.byRole
        for pair in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let role = Role(rawValue: parts[0].trimmingCharacters(in: .whitespaces)),
                let policy = PhotoPolicy(rawValue: parts[1].trimmingCharacters(in: .whitespaces))
            else { return nil }
            byRole[role] = policy
        }
        self.init(byRole: byRole)
    }

    /// `caseworker=full,kiosk=none,…`: every role, in the order roles are declared.
    public var description: String { Role.allCases.map { "\($0.rawValue)=\(policy(for: $0).rawValue)" }.joined(separator: ",") }
}
