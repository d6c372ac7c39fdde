@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// What adding a standard did.
public struct StandardOutcome: Sendable, Hashable, Codable {
    public var standard: BenefitStandard
    /// The amount changes it made, one or more per enrolment whose amount moved.
    public var changes: [AmountChange]
    /// Enrolments it reaches whose amount could not be recomputed, with why (`no-survey`, …);
    /// they keep their amount until the reason is cured and a standard or decision recomputes it.
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

extension SyncPipeline {
    /// Statuses whose amount a new standard recomputes: on notice (the notice shows it),
    /// enrolled, and suspended (so a resumed enrolment is paid right).
    static let recomputedStatuses: Set<EnrolmentStatus> = [.publicNotice, .enrolled, .suspended]

    /// Records a new standard and, in the same transaction, recomputes every enrolment it
    /// reaches from its effective date: each enrolment of the programme inside `region`, on
    /// notice, enrolled or suspended, for which it is the standard in force on that day (a more
    /// specific area's standard wins). Each amount that moves is written to the enrolment as the
    /// server's signed change and kept as an ``AmountChange`` with its reason, and audited.
    ///
    /// An enrolment approved after `from` is recomputed from its approval day; one whose amount
    /// cannot be computed (no survey visit, no members) keeps its amount and is listed in
    /// ``StandardOutcome/skipped``.
    /// - Throws: ``ProblemDetails`` `invalid-record` for a standard out of range; nothing is written then.
    public func addStandard(
        region: RegionCode, programme: Programme, perCapita: Fen, from: CalendarDate, by actor: String, now: Int64
    ) async throws -> StandardOutcome {
        let standard = BenefitStandard(
            region: region, programme: programme, monthlyPerCapita: perCapita, effectiveFrom: from, setBy: actor, at: Instant(millis: now))
        do { try standard.validated() } catch { throw ProblemDetails(.invalidRecord, detail: error.message) }
        var request = ReadRequest(scopes: [ScopeRead(.enrolment, in: region)])
        request.readBenefitInputs(in: region)
        let node = serverNode
        let key = serverKey
        let rule = benefitRule
        let maxDrift = maxClockDrift
        return try await timed("standard") {
            try await storage.write(reading: request) { snapshot in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
                let set = try batch.serverChangeSet(
                    enrolment: nil, region: region, state: nil, fields: [:], records: [standard], serverKey: key, node: node)
                guard batch.applyAsOffice(set, node: node, maxDrift: maxDrift) else {
                    throw ProblemDetails(.invalidRecord, detail: "the standard \(standard.summary) was not stored")
                }
                batch.audit(
                    actor: SyncPipeline.officeActor(actor), action: "standard.added", subject: "standard/\(standard.id)",
                    detail: standard.summary)
                var outcome = StandardOutcome(standard: standard, changes: [], skipped: [])
                let inputs = BenefitInputs(batch, region: region)
                for record in batch.records(of: .enrolment, in: region).sorted(by: { $0.id < $1.id }) {
                    guard case .state(let state) = record.content, !state.isDeleted, let id = try? EnrolmentID(record.id),
                        let enrolment = try? Enrolment(id: id, values: state.values), enrolment.programme == programme,
                        Self.recomputedStatuses.contains(enrolment.status),
                        BenefitCalculator.standard(for: enrolment.region, programme: programme, on: from, among: inputs.standards)?.id
                            == standard.id
                    else { continue }
                    let history = inputs.history[id] ?? []
                    let start = max(from, history.map(\.effectiveFrom).min() ?? from)
                    let schedule: [(CalendarDate, BenefitBasis)]
                    switch inputs.schedule(for: enrolment, from: start, rule: rule) {
                    case .failure(let why):
                        outcome.skipped.append(.init(enrolment: id, code: why.code, message: why.message))
                        continue
                    case .success(let s): schedule = s
                    }
                    let (made, latest) = batch.amountChanges(
                        for: enrolment, schedule: schedule, history: history, cause: { _ in .standard },
                        reason: { _, basis, before in
                            let old = before.map { "\($0.computation.perCapitaStandard)" } ?? "?"
                            return "standard \(basis.standard.effectiveFrom) \(programme.rawValue) \(basis.standard.region): "
                                + "\(old) → \(basis.standard.monthlyPerCapita) yuan/person; \(basis.sum)"
                        })
                    if made.isEmpty { continue }
                    let fields: [String: JSONValue] =
                        latest != enrolment.monthlyAmount ? ["monthlyAmount": .int(latest.rawValue)] : [:]
                    let change = try batch.serverChangeSet(
                        enrolment: RecordKey(.enrolment, record.id), region: enrolment.region, state: state, fields: fields, records: made,
                        serverKey: key, node: node)
                    _ = batch.applyAsOffice(change, node: node, maxDrift: maxDrift)
                    batch.auditAmounts(made, actor: SyncPipeline.officeActor(actor))
                    outcome.changes += made
                }
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
