import FieldRollCore

/// What a member of the central office's staff may do in the web console. Each role follows
/// the rules of the API role of the same name (``apiRole``); a viewer only reads.
public enum StaffRole: String, Codable, Sendable, CaseIterable {
    case viewer, reviewer, approver, admin

    /// The API role whose rules this role follows (``RolePolicy``, ``ReviewChain/may(_:actAt:)``);
    /// nil for a viewer, who writes nothing.
    public var apiRole: Role? {
        switch self {
        case .viewer: nil
        case .reviewer: .reviewer
        case .approver: .approver
        case .admin: .admin
        }
    }

    /// How much of resident IDs, birth dates and phone numbers this role sees: the API role's
    /// ``Disclosure``. Approvers sign the decision that pays money and admins answer for the data,
    /// so they see them whole; viewers and reviewers see them masked (`110105********123X`, born
    /// `1949`), which is enough to tell members apart and gives no ID back.
    public var disclosure: Disclosure { Disclosure(role: apiRole) }

    /// Whether this role sees resident ID and phone numbers in full (``disclosure`` is `full`).
    public var seesFullIdentifiers: Bool { disclosure.isFull }

    /// Whether this role may write a record of `entity`: the API's rule for its role.
    public func may(write entity: EntityKind) -> Bool { apiRole.map { RolePolicy.may($0, write: entity) } ?? false }
}

/// A staff account of the central office: who may sign in to the web console, with which role,
/// for which region. Passwords are kept only as bcrypt hashes.
public struct StaffAccount: Sendable, Hashable {
    /// The sign-in name: 2–32 of `a-z 0-9 . _ -`, starting with a letter or digit. It is what
    /// the audit log shows (as `staff:<name>`).
    public var name: String
    public var role: StaffRole
    /// The region (a code prefix) whose households, devices and conflicts the person sees.
    public var scope: RegionCode
    /// bcrypt (`$2b$…`).
    public var passwordHash: String
    public var createdAt: Int64
    public var passwordChangedAt: Int64
    /// When the account was disabled; a disabled account cannot sign in and its sessions end.
    public var disabledAt: Int64?
    /// Failed sign-ins since the last success, from any address (for the record: refusals are
    /// decided per account and address by ``SignInThrottle``).
    public var failedLogins: Int
    /// No longer set: sign-in locks are per account and address, held by the running server
    /// (``SignInThrottle``). Kept so stored rows still read; a success or a new password clears it.
    public var lockedUntil: Int64?

    public init(
        name: String, role: StaffRole, scope: RegionCode, passwordHash: String, createdAt: Int64, passwordChangedAt: Int64? = nil,
        disabledAt: Int64? = nil, failedLogins: Int = 0, lockedUntil: Int64? = nil
    ) {
        self.name = name
        self.role = role
        self.scope = scope
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt ?? createdAt
        self.disabledAt = disabledAt
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
    }

    /// How the person appears in the audit log.
    public var actor: String { StaffAccount.actor(name) }

    /// `staff:<name>`.
    public static func actor(_ name: String) -> String { "staff:\(name)" }

    /// Whether `name` is a valid sign-in name.
    public static func isValidName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (2...32).contains(name.count), let first = name.first, first.isLetter || first.isNumber else { return false }
        return name.allSatisfy { allowed.contains($0) }
    }
}

/// A signed-in console session, kept server-side. The browser holds only the random token; the
/// server keeps its SHA-256, so a copy of the database cannot be replayed as a cookie.
public struct ConsoleSession: Sendable, Hashable {
    /// SHA-256 (hex) of the cookie's token.
    public var tokenHash: String
    public var staff: String
    /// The synchronizer token every form of this session must carry.
    public var csrfToken: String
    public var createdAt: Int64
    public var expiresAt: Int64

    public init(tokenHash: String, staff: String, csrfToken: String, createdAt: Int64, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.staff = staff
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
