import FieldRollCore
import Foundation

/// What a console sign-in came to.
public enum SignInOutcome: Sendable, Hashable {
    case signedIn(StaffAccount)
    /// An unknown name, a wrong password, a disabled account, or an account refused after too
    /// many failures from this address: the answer does not say which (``SignInThrottle``).
    case refused
    /// The address itself is refused, for every name, until then (ms): too many failures from it
    /// across any names. Saying so tells nothing about any account: every name gets it alike.
    case throttled(until: Int64)
}

/// When the console refuses sign-ins after failures (``SignInThrottle``): an account from one
/// address after ``failures`` failures in a row from it; an address, for every name, after
/// ``addressFailures`` failures within ``millis``; either for ``millis`` milliseconds.
public enum SignInLockout {
    public static let failures = 5
    public static let addressFailures = 20
    public static let millis: Int64 = 15 * 60_000
}

extension SyncPipeline {
    // MARK: Staff accounts

    /// Creates a staff account; audited as `staff.added` under `principal` (an operator at the
    /// server's command line: staff accounts are not managed from the console).
    /// - Parameter passwordHash: from ``StaffPassword/hash(_:cost:)``; the password itself never
    ///   reaches the pipeline.
    /// - Throws: `invalid-record` for a bad name or a name already taken.
    @discardableResult
    public func addStaff(name: String, role: StaffRole, scope: RegionCode, passwordHash: String, as principal: Principal, now: Int64)
        async throws -> StaffAccount
    {
        try principal.authorize(.manageStaff)
        let actor = principal.actor
        guard StaffAccount.isValidName(name) else {
            throw ProblemDetails(
                .invalidRecord, detail: "a sign-in name is 2–32 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
        }
        let account = StaffAccount(name: name, role: role, scope: scope, passwordHash: passwordHash, createdAt: now)
        try await staffWrite(name, now: now) { existing, batch in
            guard existing == nil else { throw ProblemDetails(.invalidRecord, detail: "a staff account named \(name) exists already") }
            batch.put(account)
            batch.audit(actor: actor, action: "staff.added", subject: name, detail: "\(role.rawValue) scope \(scope)")
        }
        return account
    }

    /// Replaces a staff member's password and ends every session of theirs;
    /// audited as `staff.password-changed`.
    /// - Throws: `not-found` when no account has that name.
    public func setStaffPassword(name: String, passwordHash: String, as principal: Principal, now: Int64) async throws {
        try principal.authorize(.manageStaff)
        let actor = principal.actor
        try await staffWrite(name, now: now) { existing, batch in
            guard var account = existing else { throw ProblemDetails(.notFound, detail: "no staff account named \(name)") }
            account.passwordHash = passwordHash
            account.passwordChangedAt = now
            account.failedLogins = 0
            account.lockedUntil = nil
            batch.put(account, endingSessions: true)
            batch.audit(actor: actor, action: "staff.password-changed", subject: name, detail: "")
        }
    }

    /// Disables a staff account at once: it can no longer sign in and its sessions end. Audited
    /// as `staff.disabled`.
    /// - Throws: `not-found` when no account has that name; `invalid-record` when it is disabled already.
    public func disableStaff(name: String, as principal: Principal, now: Int64) async throws {
        try principal.authorize(.manageStaff)
        let actor = principal.actor
        try await staffWrite(name, now: now) { existing, batch in
            guard var account = existing else { throw ProblemDetails(.notFound, detail: "no staff account named \(name)") }
            guard account.disabledAt == nil else { throw ProblemDetails(.invalidRecord, detail: "\(name) is disabled already") }
            account.disabledAt = now
            batch.put(account, endingSessions: true)
            batch.audit(actor: actor, action: "staff.disabled", subject: name, detail: "")
        }
    }

    /// Every staff account, by name.
    public func staffAccounts() async throws -> [StaffAccount] { try await storage.allStaff() }

    /// Reads one account under the write lock, lets `change` stage what it decides, and commits.
    @discardableResult
    func staffWrite<R: Sendable>(
        _ name: String, now: Int64, _ change: @escaping @Sendable (StaffAccount?, inout WriteBatch) throws -> R
    ) async throws -> R {
        let node = serverNode
        var request = ReadRequest()
        request.staffNames = [name]
        return try await storage.write(reading: request) { snapshot in
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            let result = try change(snapshot.staff.first { $0.name == name }, &batch)
            return (batch.finish(), result)
        }
    }

    // MARK: Signing in

    /// Checks a sign-in from `address` (the browser's IP address) and counts it.
    ///
    /// Every attempt runs exactly one bcrypt verification, so an unknown name, a wrong password,
    /// a disabled account and a refused account or address all take the same time and give the
    /// same ``SignInOutcome/refused``: against the account's hash when the attempt may succeed,
    /// else against a decoy hash of the same cost. Failures are counted by
    /// ``SignInThrottle`` per account and address and per address; a success clears the
    /// account's count from that address.
    ///
    /// Each outcome for an existing account is audited under `staff:<name>` with the address
    /// (`staff.signed-in`, `staff.sign-in-failed`, `staff.locked` when its fifth failure from an
    /// address refuses it there); an attempt refused before its password counts is not, nor is a
    /// name with no account, since it may be a mistyped password. An address refused for every
    /// name is audited once as `staff.address-locked`.
    public func signIn(name: String, password: String, from address: String, now: Int64) async throws -> SignInOutcome {
        let throttle = signInThrottle
        let refused = throttle.isRefused(name: name, address: address, now: now)
        let account = try await storage.staff(named: name)
        let usable = account.flatMap { refused || $0.disabledAt != nil ? nil : $0 }
        // One verification whatever happens: the real hash only when it could let the person in.
        throttle.noteVerification()
        let matches = try await StaffPassword.verify(password, hash: usable?.passwordHash, costLike: account?.passwordHash)
        if let until = throttle.addressRefusedUntil(address, now: now) { return .throttled(until: until) }
        if refused { return .refused }
        guard account != nil else {
            let (_, addressLocked) = throttle.fail(name: name, address: address, now: now)
            if addressLocked { try await auditAddressLocked(address, now: now) }
            return .refused
        }
        let counted: (pairLocked: Bool, addressLocked: Bool)? =
            matches && usable != nil ? nil : throttle.fail(name: name, address: address, now: now)
        if counted == nil { throttle.succeed(name: name, address: address) }
        let outcome = try await staffWrite(name, now: now) { current, batch -> SignInOutcome in
            guard var current else { return .refused }
            let actor = current.actor
            guard let counted else {
                guard current.disabledAt == nil else { return .refused }
                current.failedLogins = 0
                current.lockedUntil = nil
                batch.put(current)
                batch.audit(actor: actor, action: "staff.signed-in", subject: name, detail: "console from \(address)")
                return .signedIn(current)
            }
            if current.disabledAt != nil {
                batch.audit(actor: actor, action: "staff.sign-in-failed", subject: name, detail: "account disabled; from \(address)")
                return .refused
            }
            current.failedLogins += 1
            batch.put(current)
            if counted.pairLocked {
                batch.audit(
                    actor: actor, action: "staff.locked", subject: name,
                    detail:
                        "\(SignInLockout.failures) failed sign-ins in a row from \(address); refused from there for \(SignInLockout.millis / 60_000) minutes"
                )
            } else {
                batch.audit(
                    actor: actor, action: "staff.sign-in-failed", subject: name, detail: "failure \(current.failedLogins) from \(address)")
            }
            return .refused
        }
        if counted?.addressLocked == true { try await auditAddressLocked(address, now: now) }
        return outcome
    }

    /// Audits that an address is refused for every name.
    private func auditAddressLocked(_ address: String, now: Int64) async throws {
        try await record(
            actor: "server", action: "staff.address-locked", subject: "address/\(address)",
            detail:
                "\(SignInLockout.addressFailures) failed sign-ins within \(SignInLockout.millis / 60_000) minutes; refused for \(SignInLockout.millis / 60_000) minutes",
            now: now)
    }

    /// Starts a console session for a signed-in account.
    /// - Returns: the token for the cookie (kept nowhere on the server) and the stored session.
    public func startSession(for account: StaffAccount, lifetime: Int64, now: Int64) async throws -> (
        token: String, session: ConsoleSession
    ) {
        try? await storage.deleteExpiredSessions(now: now)
        let token = Secrets.token()
        let session = ConsoleSession(
            tokenHash: Secrets.hashToken(token), staff: account.name, csrfToken: Secrets.token(), createdAt: now, expiresAt: now + lifetime)
        try await storage.insertSession(session)
        return (token, session)
    }

    /// The live session holding `token` and its account, or nil when the token is unknown, the
    /// session expired, or the account was disabled since.
    public func consoleSession(token: String, now: Int64) async throws -> (ConsoleSession, StaffAccount)? {
        let hash = Secrets.hashToken(token)
        guard let session = try await storage.session(tokenHash: hash) else { return nil }
        guard session.expiresAt > now else {
            try? await storage.deleteSession(tokenHash: hash)
            return nil
        }
        guard let account = try await storage.staff(named: session.staff), account.disabledAt == nil else { return nil }
        return (session, account)
    }

    /// Ends a session (sign-out); audited as `staff.signed-out`.
    public func endSession(_ session: ConsoleSession, now: Int64) async throws {
        try await storage.deleteSession(tokenHash: session.tokenHash)
        try await record(
            actor: StaffAccount.actor(session.staff), action: "staff.signed-out", subject: session.staff, detail: "console", now: now)
    }
}
