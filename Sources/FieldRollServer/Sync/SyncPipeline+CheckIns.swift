import FieldRollCore
import Foundation

/// An enrolled household and where it stands with its check-ins, as the office lists it.
public struct CheckInListEntry: Sendable, Hashable, Codable {
    public var standing: CheckInStanding
    /// The household's head and address (nil when the household record is missing).
    public var headName: String?
    public var address: String?
    /// Face matches below the threshold since the window started: attempts that did not count.
    public var lowMatches: Int
}

/// A check-in whose face-match score is below the threshold, for a person to look at.
public struct LowMatchCheckIn: Sendable, Hashable, Codable {
    /// The whole signed record: member, household, time, place, score, face photo's hash, device.
    public var checkIn: CheckIn
    /// The member's name (nil when the member record is missing).
    public var memberName: String?
    /// The day in Asia/Shanghai.
    public var day: CalendarDate
    public var threshold: Int
}

/// What ``SyncPipeline/suspendOverdue(in:asOf:as:now:)`` did.
public struct SuspensionReport: Sendable, Hashable, Codable {
    public struct Suspended: Sendable, Hashable, Codable {
        public var standing: CheckInStanding
        /// The review action that suspended it.
        public var action: ReviewActionID
        public var reason: String
    }
    public struct Refused: Sendable, Hashable, Codable {
        public var enrolmentID: EnrolmentID
        public var code: ErrorCode
        public var detail: String
    }
    public var asOf: CalendarDate
    public var suspended: [Suspended] = []
    /// Overdue enrolments the review chain refused to suspend (moved meanwhile, say).
    public var refused: [Refused] = []
}

extension SyncPipeline {
    /// Every enrolled household in `scope` (nil: everywhere) whose programme checks in, with
    /// where it stands on `date` by ``checkInSchedule``; by region, then most overdue first.
    public func checkInList(in scope: RegionCode?, asOf date: CalendarDate) async throws -> [CheckInListEntry] {
        try await readModel("check-ins \(scope?.digits ?? "*") \(date)") { try await freshCheckInList(in: scope, asOf: date) }
    }

    /// ``checkInList`` computed from storage (see ``ReadModelCache``).
    func freshCheckInList(in scope: RegionCode?, asOf date: CalendarDate) async throws -> [CheckInListEntry] {
        let schedule = checkInSchedule
        let checkIns = Dictionary(grouping: try await storedCheckIns(in: scope), by: \.householdID)
        var households: [HouseholdID: Household] = [:]
        for record in try await storage.records(of: .household, in: scope) {
            guard case .state(let s) = record.content, !s.isDeleted, let id = try? HouseholdID(record.id),
                let h = try? Household(id: id, values: s.values)
            else { continue }
            households[id] = h
        }
        var out: [CheckInListEntry] = []
        for record in try await storage.records(of: .enrolment, in: scope) {
            guard case .state(let s) = record.content, !s.isDeleted, let id = try? EnrolmentID(record.id),
                let enrolment = try? Enrolment(id: id, values: s.values)
            else { continue }
            let theirs = checkIns[enrolment.householdID] ?? []
            guard let standing = schedule.standing(of: enrolment, checkIns: theirs, asOf: date) else { continue }
            let low = theirs.filter { schedule.isLowMatch($0) && CalendarDate(chinaDayOf: $0.at) >= standing.anchor }.count
            let h = households[enrolment.householdID]
            out.append(CheckInListEntry(standing: standing, headName: h?.headName, address: h?.address, lowMatches: low))
        }
        return out.sorted {
            ($0.standing.region.digits, -$0.standing.daysOverdue, $0.standing.enrolmentID.description)
                < ($1.standing.region.digits, -$1.standing.daysOverdue, $1.standing.enrolmentID.description)
        }
    }

    /// Check-ins in `scope` whose face-match score is below ``CheckInSchedule/matchThreshold``
    /// (these do not count towards the schedule), newest first.
    public func lowMatchCheckIns(in scope: RegionCode?) async throws -> [LowMatchCheckIn] {
        let schedule = checkInSchedule
        let low = try await storedCheckIns(in: scope).filter { schedule.isLowMatch($0) }
        guard !low.isEmpty else { return [] }
        var names: [MemberID: String] = [:]
        for record in try await storage.records(of: .member, in: scope) {
            guard case .state(let s) = record.content, let id = try? MemberID(record.id), let name = s.values["name"]?.stringValue else {
                continue
            }
            names[id] = name
        }
        return
            low
            .map {
                LowMatchCheckIn(
                    checkIn: $0, memberName: names[$0.memberID], day: CalendarDate(chinaDayOf: $0.at), threshold: schedule.matchThreshold)
            }
            .sorted { ($0.checkIn.at.millis, $0.checkIn.id.description) > ($1.checkIn.at.millis, $1.checkIn.id.description) }
    }

    /// Suspends every enrolment in `scope` whose check-in window was missed as of `date`: one
    /// server-signed `suspend` review action at `roll-review` each, applied and audited like any
    /// other and pulled by the devices in scope. The list is read first and each suspension is
    /// its own transaction, so one the chain refuses (the household was suspended meanwhile)
    /// is reported and the others go ahead.
    /// `principal` must be an admin; only enrolments inside both `scope` and the principal's
    /// scope are suspended.
    /// - Throws: `bad-request` for a `date` after today (nobody is overdue in the future);
    ///   `forbidden` or `scope-violation` for a principal who may not.
    public func suspendOverdue(in scope: RegionCode?, asOf date: CalendarDate, as principal: Principal, now: Int64)
        async throws -> SuspensionReport
    {
        try principal.authorize(.suspendOverdue, at: scope)
        let scope = scope ?? principal.readScope
        let today = CalendarDate(chinaDayOf: Instant(millis: now))
        guard date <= today else {
            throw ProblemDetails(.badRequest, detail: "--as-of \(date) is after today (\(today)); suspend only for windows already missed")
        }
        var report = SuspensionReport(asOf: date)
        for entry in try await checkInList(in: scope, asOf: date) where entry.standing.state == .overdue {
            let s = entry.standing
            let last = s.lastCheckIn.map { "last check-in \($0.day)" } ?? "no check-in since \(s.anchor)"
            let reason =
                "missed check-in (\(s.interval.rawValue)): due \(s.due), grace ended \(s.graceEnds), \(last); \(s.daysOverdue) days overdue on \(date)"
            do {
                let action = try await review(
                    enrolment: s.enrolmentID, step: .rollReview, decision: .suspend, reason: reason, as: principal, now: now)
                report.suspended.append(.init(standing: s, action: action.id, reason: reason))
            } catch let problem as ProblemDetails {
                report.refused.append(.init(enrolmentID: s.enrolmentID, code: problem.code, detail: problem.detail ?? problem.title))
            }
        }
        return report
    }

    /// The check-ins stored in `scope`; a body that does not decode is skipped (push validated it).
    func storedCheckIns(in scope: RegionCode?) async throws -> [CheckIn] {
        try await storage.records(of: .checkIn, in: scope).compactMap { record in
            guard case .body(let body) = record.content else { return nil }
            return try? body.decode(as: CheckIn.self)
        }
    }
}
