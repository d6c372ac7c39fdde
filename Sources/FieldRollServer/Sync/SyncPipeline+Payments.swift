import FieldRollCore
import Foundation

/// The monthly payment list of a region: what each household on the roll is due for one month.
public struct PaymentList: Sendable, Hashable, Codable {
    public var month: CalendarMonth
    /// The region listed (nil: everywhere).
    public var region: RegionCode?
    /// One payment per enrolment paid or changed in the month, by region, head, enrolment.
    public var payments: [MonthlyPayment]
    /// The sum of the payments.
    public var total: Fen
}

extension SyncPipeline {
    /// The payment list for `month`: every enrolment inside `scope` (nil: everywhere) that was
    /// enrolled on any day of the month — enrolled, suspended or terminated now — with what it is
    /// due (``MonthlyPayment``): each day at the amount in force that day by its amount history,
    /// nothing before its start, while suspended or from its termination, prorated by day and
    /// rounded half up to the fen once. The status days come from the roll-review decisions
    /// (`suspend`, `resume`, `terminate`: from the day decided, in China) and the enrolment's own
    /// dates (`startDate`; for an imported enrolment without decisions, `statusSince` or `endDate`).
    /// A read: nothing is written.
    public func payments(for month: CalendarMonth, in scope: RegionCode?) async throws -> PaymentList {
        func states<T>(_ kind: EntityKind, _ make: (String, [String: JSONValue]) throws -> T) async throws -> [T] {
            try await storage.records(of: kind, in: scope).compactMap { record in
                guard case .state(let s) = record.content, !s.isDeleted else { return nil }
                return try? make(record.id, s.values)
            }
        }
        let enrolments = try await states(.enrolment) { try Enrolment(id: EnrolmentID($0), values: $1) }
        let heads = Dictionary(
            try await states(.household) { try Household(id: HouseholdID($0), values: $1) }.map { ($0.id, $0.headName) },
            uniquingKeysWith: { a, _ in a })
        let history = Dictionary(grouping: try await amountHistory(in: scope), by: \.enrolmentID)
        var decisions: [EnrolmentID: [ReviewAction]] = [:]
        for record in try await storage.records(of: .reviewAction, in: scope) {
            guard let action = BenefitInputs.body(record, as: ReviewAction.self), action.step == .rollReview else { continue }
            decisions[action.enrolmentID, default: []].append(action)
        }
        var payments: [MonthlyPayment] = []
        for e in enrolments where [.enrolled, .suspended, .terminated].contains(e.status) {
            let statuses = Self.statusChanges(e, decisions: decisions[e.id] ?? [])
            // Listed when enrolled on some day of the month: started by its end, not ended before it.
            guard let start = statuses.first(where: { $0.status == .enrolled })?.day, start <= month.last else { continue }
            if let end = statuses.last(where: { $0.status == .terminated })?.day, end <= month.first { continue }
            payments.append(
                MonthlyPayment(
                    enrolment: e, headName: heads[e.householdID] ?? "", month: month, history: history[e.id] ?? [], statuses: statuses))
        }
        payments.sort { ($0.region, $0.headName, $0.enrolmentID) < ($1.region, $1.headName, $1.enrolmentID) }
        return PaymentList(month: month, region: scope, payments: payments, total: payments.reduce(.zero) { $0 + $1.amount })
    }

    /// The days an enrolment's status changed, in order: enrolled from its start, then each
    /// roll-review decision; for an enrolment with none (imported), its current status from the
    /// day it says.
    static func statusChanges(_ e: Enrolment, decisions: [ReviewAction]) -> [StatusChange] {
        var out: [StatusChange] = []
        if let start = e.startDate { out.append(StatusChange(day: start, status: .enrolled)) }
        for action in decisions.sorted(by: { ($0.at, $0.id.description) < ($1.at, $1.id.description) }) {
            let day = CalendarDate(chinaDayOf: action.at)
            switch action.decision {
            case .suspend: out.append(StatusChange(day: day, status: .suspended))
            case .resume: out.append(StatusChange(day: day, status: .enrolled))
            case .terminate: out.append(StatusChange(day: e.endDate ?? day, status: .terminated))
            default: continue
            }
        }
        if decisions.allSatisfy({ ![.suspend, .resume, .terminate].contains($0.decision) }) {
            if e.status == .suspended, let since = e.statusSince { out.append(StatusChange(day: since, status: .suspended)) }
            if e.status == .terminated, let end = e.endDate ?? e.statusSince { out.append(StatusChange(day: end, status: .terminated)) }
        }
        return out
    }

    /// The days a household's (or an enrolment's) payments stopped, started again or ended: its
    /// roll-review decisions to suspend, resume or terminate, oldest first, with who and why —
    /// what `fieldroll-server amounts` prints beside the amount changes.
    public func statusHistory(household: HouseholdID? = nil, enrolment: EnrolmentID? = nil) async throws -> [StatusHistoryEntry] {
        var enrolments: Set<EnrolmentID> = enrolment.map { [$0] } ?? []
        if let household {
            for record in try await storage.records(of: .enrolment, in: nil) {
                guard case .state(let s) = record.content, s.values["householdID"]?.stringValue == household.description,
                    let id = try? EnrolmentID(record.id)
                else { continue }
                enrolments.insert(id)
            }
        }
        let statuses: [ReviewDecision: EnrolmentStatus] = [.suspend: .suspended, .resume: .enrolled, .terminate: .terminated]
        return try await storage.records(of: .reviewAction, in: nil).compactMap { record -> StatusHistoryEntry? in
            guard let action = BenefitInputs.body(record, as: ReviewAction.self), enrolments.contains(action.enrolmentID),
                action.step == .rollReview, let status = statuses[action.decision]
            else { return nil }
            return StatusHistoryEntry(
                enrolmentID: action.enrolmentID, day: CalendarDate(chinaDayOf: action.at), status: status, by: action.reviewer,
                reason: action.reason, at: action.at)
        }.sorted { ($0.at, $0.enrolmentID) < ($1.at, $1.enrolmentID) }
    }
}

/// A day an enrolment's status changed at roll-review: suspended (not paid from that day),
/// enrolled again (resumed), terminated.
public struct StatusHistoryEntry: Sendable, Hashable, Codable {
    public var enrolmentID: EnrolmentID
    public var day: CalendarDate
    public var status: EnrolmentStatus
    public var by: String
    public var reason: String
    public var at: Instant
}
