@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// What adding a standard, or recomputing a region's amounts, did.
public struct AmountOutcome: Sendable, Hashable, Codable {
    /// The standard added (nil for a recomputation).
    public var standard: BenefitStandard?
    /// The amount changes made, one or more per enrolment whose amount moved.
    public var changes: [AmountChange]
    /// Enrolments reached whose amount could not be recomputed, with why (`no-survey`, …);
    /// they keep their amount until the reason is cured and the amount is recomputed.
    public var skipped: [Skipped]

    public struct Skipped: Sendable, Hashable, Codable {
        public var enrolment: EnrolmentID
        public var code: ErrorCode
        public var message: String
    }

    /// Enrolments whose new amount is 0: the means test no longer gives them anything. They stay
    /// on the roll until the office decides (suspension or termination is a review decision).
    public var nowNotEligible: [EnrolmentID] {
        Array(Set(changes.filter { $0.amount == .zero && $0.previous > .zero }.map(\.enrolmentID))).sorted()
    }
}

extension WriteBatch {
    /// Recomputes enrolments (each from the day `start` names, or skipped with why) and stages
    /// each amount that moves: the enrolment's `monthlyAmount` as the server's signed write, the
    /// ``AmountChange`` records, their audit entries.
    mutating func recompute(
        _ enrolments: [(StoredRecord, RecordState, Enrolment)], inputs: BenefitInputs, rule: BenefitRule,
        start: (Enrolment, [AmountChange]) -> Result<CalendarDate, ReviewRefusal>, cause: AmountChange.Cause,
        reason: @escaping (Enrolment, CalendarDate, BenefitBasis, AmountChange?) -> String, actor: String,
        serverKey: Curve25519.Signing.PrivateKey, node: NodeID, maxDrift: Int64
    ) throws -> AmountOutcome {
        var outcome = AmountOutcome(standard: nil, changes: [], skipped: [])
        for (record, state, enrolment) in enrolments {
            let history = inputs.history[enrolment.id] ?? []
            let schedule: [(CalendarDate, BenefitBasis)]
            switch start(enrolment, history).flatMap({ inputs.schedule(for: enrolment, from: $0, rule: rule) }) {
            case .failure(let why):
                outcome.skipped.append(.init(enrolment: enrolment.id, code: why.code, message: why.message))
                continue
            case .success(let s): schedule = s
            }
            let (made, latest) = amountChanges(
                for: enrolment, schedule: schedule, history: history, cause: { _ in cause },
                reason: { reason(enrolment, $0, $1, $2) })
            if made.isEmpty { continue }
            let fields: [String: JSONValue] = latest != enrolment.monthlyAmount ? ["monthlyAmount": .int(latest.rawValue)] : [:]
            let change = try serverChangeSet(
                enrolment: RecordKey(.enrolment, record.id), region: enrolment.region, state: state, fields: fields, records: made,
                serverKey: serverKey, node: node)
            _ = applyAsOffice(change, node: node, maxDrift: maxDrift)
            auditAmounts(made, actor: actor)
            outcome.changes += made
        }
        return outcome
    }

    /// The enrolments inside `region` whose amounts are kept up to date (see
    /// ``SyncPipeline/recomputedStatuses``), by id.
    func amountEnrolments(in region: RegionCode) -> [(StoredRecord, RecordState, Enrolment)] {
        records(of: .enrolment, in: region).sorted { $0.id < $1.id }.compactMap { record in
            guard case .state(let state) = record.content, !state.isDeleted, let id = try? EnrolmentID(record.id),
                let enrolment = try? Enrolment(id: id, values: state.values), SyncPipeline.recomputedStatuses.contains(enrolment.status)
            else { return nil }
            return (record, state, enrolment)
        }
    }
}

extension SyncPipeline {
    /// Statuses whose amount a new standard recomputes: on notice (the notice shows it),
    /// enrolled, and suspended (so a resumed enrolment is paid right).
    static let recomputedStatuses: Set<EnrolmentStatus> = [.publicNotice, .enrolled, .suspended]

    /// Recomputes the amount of every enrolment inside `region` that is on notice, enrolled or
    /// suspended, with its household's current figures: its latest survey visit's income and
    /// the members on record now. An amount that moves changes from the day of that visit (or
    /// from the first amount's day, if later), kept as an ``AmountChange`` of cause `visit`; an
    /// enrolment without a survey visit is listed in ``AmountOutcome/skipped``. One transaction,
    /// through the pipeline, audited (`amounts.recomputed`, then `amount.changed` for each).
    ///
    /// Run it after caseworkers have synced new surveys of enrolled households
    /// (`fieldroll-server amounts recompute --region …`).
    /// `principal` must be an admin whose scope holds `region`.
    public func recomputeAmounts(in region: RegionCode, as principal: Principal, now: Int64) async throws -> AmountOutcome {
        try principal.authorize(.recomputeAmounts, at: region)
        let actor = principal.actor
        var request = ReadRequest(scopes: [ScopeRead(.enrolment, in: region)])
        request.readBenefitInputs(in: region)
        try await readHolds(into: &request, in: region)
        let node = serverNode
        let key = serverKey
        let rule = benefitRule
        let maxDrift = maxClockDrift
        return try await timed("recompute") {
            try await storage.write(reading: request) { snapshot in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
                let inputs = BenefitInputs(batch, region: region)
                let enrolments = batch.amountEnrolments(in: region)
                batch.audit(
                    actor: actor, action: "amounts.recomputed", subject: "region/\(region)",
                    detail: "\(enrolments.count) enrolments on notice, enrolled or suspended")
                let outcome = try batch.recompute(
                    enrolments, inputs: inputs, rule: rule,
                    start: { e, history in
                        guard let visit = Visit.latest(of: inputs.visits[e.householdID] ?? []) else {
                            return .failure(
                                ReviewRefusal(.noSurvey, "household \(e.householdID) has no survey visit to take its income from"))
                        }
                        let day = CalendarDate(chinaDayOf: visit.endedAt)
                        return .success(max(day, history.map(\.effectiveFrom).min() ?? day))
                    }, cause: .visit,
                    reason: { _, _, basis, before in
                        let old = before?.computation.map { "income \($0.income), \($0.size) people" } ?? "no amount on record"
                        return "survey visit \(basis.visit.id) of \(CalendarDate(chinaDayOf: basis.visit.endedAt)): \(old) → "
                            + "income \(basis.computation.income), \(basis.computation.size) people; \(basis.sum)"
                    }, actor: actor, serverKey: key, node: node, maxDrift: maxDrift)
                return (batch.finish(), outcome)
            }
        }
    }

    /// Every standard recorded, in `scope`'s areas and above it (nil: all), by area, programme
    /// and date.
    public func standards(for scope: RegionCode?) async throws -> [BenefitStandard] {
        try await storage.records(of: .standard, in: nil)
            .compactMap { BenefitInputs.body($0, as: BenefitStandard.self) }
            .filter { s in scope.map { s.region.contains($0) || $0.contains(s.region) } ?? true }
            .sorted {
                ($0.region, $0.programme.rawValue, $0.effectiveFrom, $0.at) < ($1.region, $1.programme.rawValue, $1.effectiveFrom, $1.at)
            }
    }

    /// A household's amount history (or one enrolment's), oldest effective date first.
    public func amountHistory(household: HouseholdID? = nil, enrolment: EnrolmentID? = nil, in scope: RegionCode? = nil) async throws
        -> [AmountChange]
    {
        try await storage.records(of: .amountChange, in: scope)
            .compactMap { BenefitInputs.body($0, as: AmountChange.self) }
            .filter { (household == nil || $0.householdID == household) && (enrolment == nil || $0.enrolmentID == enrolment) }
            .sorted { ($0.effectiveFrom, $0.at, $0.id) < ($1.effectiveFrom, $1.at, $1.id) }
    }
}
