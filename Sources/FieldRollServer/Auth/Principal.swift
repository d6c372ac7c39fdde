import FieldRollCore

/// Who acts: the one thing every pipeline operation is told besides what to do.
///
/// A device's push, a staff member's click in the console, an office import and a command typed
/// at the server all reach the rolls through ``SyncPipeline`` with a principal, and the pipeline
/// alone decides — by ``role`` and ``scope``, against where each record *is* and where it
/// *would go* — whether it may. The console and the CLIs only render what it decided.
///
/// ```swift
/// let clerk = Principal.staff(account)                 // from a console session
/// let tablet = Principal.device(identity)              // from a device token
/// let operator = Principal.operator("王科长")           // at the server's command line
/// try await pipeline.resolveConflict(id: id, chooseLoser: true, as: clerk, now: now)
/// ```
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// What kind of actor this is.
    public enum Kind: Sendable, Hashable {
        /// An enrolled device, by its node id.
        case device(NodeID)
        /// A staff account of the central office, signed in to the web console.
        case staff
        /// A person at the server's own command line (`fieldroll-server …`): whoever can run
        /// the server's commands can open its database anyway, so the operator's scope is the
        /// whole server.
        case `operator`
    }

    public let kind: Kind
    /// The name shown in the audit log and on review actions.
    public let name: String
    /// The API role whose rules apply; nil for a principal who only reads (a console viewer).
    public let role: Role?
    /// The region the principal may read and write; nil for everywhere (an operator).
    public let scope: RegionCode?
    /// Whether the principal sees resident ID and phone numbers in full.
    public let seesFullIdentifiers: Bool

    public init(kind: Kind, name: String, role: Role?, scope: RegionCode?, seesFullIdentifiers: Bool) {
        self.kind = kind
        self.name = name
        self.role = role
        self.scope = scope
        self.seesFullIdentifiers = seesFullIdentifiers
    }

    /// An enrolled device: its role and region, as its token says.
    public static func device(_ device: DeviceIdentity) -> Principal {
        Principal(kind: .device(device.id), name: device.id.rawValue, role: device.role, scope: device.scope, seesFullIdentifiers: true)
    }

    /// A staff member signed in to the console: the API role of their staff role, their region.
    public static func staff(_ account: StaffAccount) -> Principal {
        Principal(
            kind: .staff, name: account.name, role: account.role.apiRole, scope: account.scope,
            seesFullIdentifiers: account.role.seesFullIdentifiers)
    }

    /// A person at the server's command line, acting in `role` (admin unless a command says
    /// otherwise, as `review approve --role reviewer` does) over the whole server.
    public static func `operator`(_ name: String = "admin", role: Role = .admin) -> Principal {
        Principal(kind: .operator, name: name, role: role, scope: nil, seesFullIdentifiers: true)
    }

    /// How the principal appears in the audit log: a device by its id, staff as `staff:NAME`,
    /// an operator as `admin` or `admin:NAME`.
    public var actor: String {
        switch kind {
        case .device(let id): id.rawValue
        case .staff: StaffAccount.actor(name)
        case .operator: name == "admin" || name.hasPrefix("admin:") ? name : "admin:\(name)"
        }
    }

    /// Whether `region` lies inside the principal's scope.
    public func covers(_ region: RegionCode) -> Bool { scope?.contains(region) ?? true }

    /// The scope as a filter for reads: nil (everywhere) for an operator.
    public var readScope: RegionCode? { scope }

    /// Whether the principal is a person of the office (staff or operator), not a device.
    public var isOffice: Bool {
        if case .device = kind { return false }
        return true
    }

    public var description: String { "\(actor) (\(role?.rawValue ?? "viewer"), scope \(scope?.digits ?? "all"))" }
}
