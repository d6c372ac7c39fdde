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
    /// rounded half up to the fen once. The status days come from the status entries of the
    /// amount history (suspension, resumption, termination at roll review, from the day of the
    /// enrolment's move) and the enrolment's own dates (`startDate`; for an imported enrolment
    /// without such entries, `statusSince` or `endDate`).
    /// A read: nothing is written.
    public func payments(for month: CalendarMonth, in scope: RegionCode?) async throws -> PaymentList {
        try await readModel("payments \(month) \(scope?.digits ?? "*")") { try await freshPayments(for: month, in: scope) }
    }

    /// ``payments`` computed from storage (see ``ReadModelCache``).
    func freshPayments(for month: CalendarMonth, in scope: RegionCode?) async throws -> PaymentList {
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
        var payments: [MonthlyPayment] = []
        for e in enrolments where [.enrolled, .suspended, .terminated].contains(e.status) {
            let statuses = Self.statusChanges(e, history: history[e.id] ?? [])
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

    /// The payment list of `month` as `principal` may read it: `region` (nil: the principal's
    /// whole scope) must lie inside the principal's scope; a device must be an approver's or an
    /// admin's (kiosks and caseworkers' tablets carry no payment list). Staff accounts and the
    /// operator read it in their scope whatever their role. The console and `GET /v1/payments`
    /// read it through here.
    /// - Throws: ``ProblemDetails`` `forbidden` or `scope-violation`.
    public func payments(for month: CalendarMonth, in region: RegionCode?, as principal: Principal) async throws -> PaymentList {
        if case .device = principal.kind, ![Role.approver, .admin].contains(principal.role) {
            throw ProblemDetails(.forbidden, detail: "a \(principal.role?.rawValue ?? "") device may not read the payment list")
        }
        if let region, !principal.covers(region) {
            throw ProblemDetails(
                .scopeViolation, detail: "region \(region) lies outside \(principal.readScope?.digits ?? "everywhere")")
        }
        return try await payments(for: month, in: region ?? principal.readScope)
    }

    /// The days an enrolment's status changed, in order: enrolled from its start, then each
    /// status entry of its amount history (suspended, resumed, terminated at roll review, from
    /// the day the enrolment's move says); for an enrolment with none (imported), its current
    /// status from the day it says.
    static func statusChanges(_ e: Enrolment, history: [AmountChange]) -> [StatusChange] {
        var out: [StatusChange] = []
        if let start = e.startDate { out.append(StatusChange(day: start, status: .enrolled)) }
        let moves = history.filter { !$0.cause.changesAmount }.sorted { ($0.at, $0.id.description) < ($1.at, $1.id.description) }
        for move in moves {
            switch move.cause {
            case .suspension: out.append(StatusChange(day: move.effectiveFrom, status: .suspended))
            case .resumption: out.append(StatusChange(day: move.effectiveFrom, status: .enrolled))
            case .termination: out.append(StatusChange(day: move.effectiveFrom, status: .terminated))
            case .approval, .standard, .visit: continue
            }
        }
        if moves.isEmpty {
            if e.status == .suspended, let since = e.statusSince { out.append(StatusChange(day: since, status: .suspended)) }
            if e.status == .terminated, let end = e.endDate ?? e.statusSince { out.append(StatusChange(day: end, status: .terminated)) }
        }
        return out
    }
}
