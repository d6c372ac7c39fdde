import FieldRollCore
import Foundation

/// One entry of the review queue with what the person deciding needs to see: the application
/// and where it waits, its household and members, the latest survey visit with its photos'
/// hashes, the cross-check flags and the open conflicts on the household's records.
///
/// `GET /v1/review/queue` answers a page of these (``ReviewQueuePage``) and
/// `fieldroll-server review show` prints one. Resident IDs are shown by the asking role's
/// ``Disclosure``: masked (`110105********123X`, the birth digits hidden) for a role that does
/// not sign decisions that pay money (reviewer), as in the web console. No birth date is sent.
public struct ReviewCase: Codable, Sendable, Hashable {
    /// A member as the queue shows one.
    public struct Person: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        /// In full, or masked for a reviewer.
        public var residentID: String
        public var relation: String
        /// Declared monthly income in fen.
        public var monthlyIncome: Int64
    }

    /// The household's latest survey visit (the one the amount is computed from).
    public struct VisitSummary: Codable, Sendable, Hashable {
        public var id: String
        public var author: String
        public var endedAt: Instant
        /// The photos' SHA-256 (hex), fetched with `GET /v1/blobs/{sha256}`.
        public var photos: [String]
        /// The visit it corrects, if any.
        public var supersedes: String?
    }

    /// A cross-check flag, without its evidence rows' cells (names and ID numbers of other
    /// departments' files stay on the server: `fieldroll-server crosscheck list`).
    public struct Flag: Codable, Sendable, Hashable {
        public var id: String
        public var rule: String
        public var source: String
        public var detail: String
        public var raisedAt: Instant
        /// How many rows of evidence back it.
        public var evidenceRows: Int
    }

    /// A concurrent edit on the household or one of its members that no one has resolved yet.
    public struct Conflict: Codable, Sendable, Hashable {
        public var id: String
        public var entity: String
        public var record: String
        public var field: String
        public var detectedAt: Instant
    }

    public var enrolment: String
    public var household: String
    public var region: RegionCode
    public var programme: Programme
    public var status: EnrolmentStatus
    /// The step it waits for (`roll-review` for a household already on the roll).
    public var step: ReviewStep
    /// In fen.
    public var monthlyAmount: Int64
    public var since: CalendarDate?
    public var due: CalendarDate?
    public var daysLate: Int
    public var noticeEnds: CalendarDate?
    public var notEligible: Bool
    /// Whether the asking role may decide at ``step`` by the county's chain.
    public var mayDecide: Bool
    public var address: String?
    public var head: String?
    public var members: [Person]
    public var latestVisit: VisitSummary?
    public var flags: [Flag]
    public var conflicts: [Conflict]
    /// At `roll-review`: suspended, and a member checked in on this day since: it came back.
    public var checkedInWhileSuspended: CalendarDate? = nil
}

/// A page of the review queue, oldest first.
public struct ReviewQueuePage: Codable, Sendable, Hashable {
    public var entries: [ReviewCase]
    /// Entries in the whole queue (in the caller's scope, at the step asked for).
    public var total: Int
    /// Where this page starts in it.
    public var offset: Int
}

extension SyncPipeline {
    /// The review queue inside `scope` with each entry's household, members, latest visit,
    /// flags and open conflicts, as `role` may see it (``Disclosure/init(role:)``: resident IDs
    /// masked for a reviewer).
    /// - Parameter step: only entries waiting at this step; nil for all.
    public func reviewCases(in scope: RegionCode, step: ReviewStep? = nil, role: Role, today: CalendarDate) async throws
        -> [ReviewCase]
    {
        let queue = try await reviewQueue(in: scope, today: today).filter { step == nil || $0.step == step }
        guard !queue.isEmpty else { return [] }
        let wanted = Set(queue.map(\.enrolment.householdID))
        let households = Dictionary(
            try await records(of: .household, in: scope).compactMap { r -> (HouseholdID, Household)? in
                guard case .state(let s) = r.content, !s.isDeleted, let id = try? HouseholdID(r.id), wanted.contains(id),
                    let h = try? Household(id: id, values: s.values)
                else { return nil }
                return (id, h)
            }, uniquingKeysWith: { a, _ in a })
        var members: [HouseholdID: [Member]] = [:]
        var memberHousehold: [String: HouseholdID] = [:]
        for r in try await records(of: .member, in: scope) {
            guard case .state(let s) = r.content, !s.isDeleted, let id = try? MemberID(r.id),
                let m = try? Member(id: id, values: s.values), wanted.contains(m.householdID)
            else { continue }
            members[m.householdID, default: []].append(m)
            memberHousehold[r.id] = m.householdID
        }
        var latest: [HouseholdID: Visit] = [:]
        for r in try await records(of: .visit, in: scope) {
            guard case .body(let body) = r.content, let v = try? body.decode(as: Visit.self), wanted.contains(v.householdID) else {
                continue
            }
            if let seen = latest[v.householdID], (seen.endedAt, seen.id.description) >= (v.endedAt, v.id.description) { continue }
            latest[v.householdID] = v
        }
        var conflicts: [HouseholdID: [ReviewCase.Conflict]] = [:]
        for c in try await self.conflicts(includeResolved: false, scope: scope) {
            let household: HouseholdID? =
                switch c.entity {
                case .household: (try? HouseholdID(c.record)).flatMap { wanted.contains($0) ? $0 : nil }
                case .member: memberHousehold[c.record]
                default: nil
                }
            guard let household else { continue }
            conflicts[household, default: []].append(
                ReviewCase.Conflict(id: c.id, entity: c.entity.rawValue, record: c.record, field: c.field, detectedAt: c.detectedAt))
        }
        let disclosure = Disclosure(role: role)
        return queue.map { e in
            let h = households[e.enrolment.householdID]
            let people = (members[e.enrolment.householdID] ?? []).sorted {
                ($0.relation == .head ? 0 : 1, $0.id.description) < ($1.relation == .head ? 0 : 1, $1.id.description)
            }
            let visit = latest[e.enrolment.householdID]
            return ReviewCase(
                enrolment: e.enrolment.id.description, household: e.enrolment.householdID.description, region: e.enrolment.region,
                programme: e.enrolment.programme, status: e.enrolment.status, step: e.step,
                monthlyAmount: e.enrolment.monthlyAmount.rawValue,
                since: e.since, due: e.due, daysLate: e.daysLate, noticeEnds: e.noticeEnds, notEligible: e.notEligible,
                mayDecide: reviewChains.chain(for: e.enrolment.region).may(role, actAt: e.step), address: h?.address, head: h?.headName,
                members: people.map {
                    ReviewCase.Person(
                        id: $0.id.description, name: $0.name,
                        residentID: disclosure.residentID($0.residentID.rawValue),
                        relation: $0.relation.rawValue, monthlyIncome: $0.monthlyIncome.rawValue)
                },
                latestVisit: visit.map {
                    ReviewCase.VisitSummary(
                        id: $0.id.description, author: $0.author, endedAt: $0.endedAt, photos: $0.photos.map(\.hex),
                        supersedes: $0.supersedes?.description)
                },
                flags: e.flags.map {
                    ReviewCase.Flag(
                        id: $0.id, rule: $0.rule.rawValue, source: $0.source.rawValue, detail: $0.detail, raisedAt: $0.raisedAt,
                        evidenceRows: $0.evidence.count)
                },
                conflicts: conflicts[e.enrolment.householdID] ?? [], checkedInWhileSuspended: e.checkedInWhileSuspended)
        }
    }
}
