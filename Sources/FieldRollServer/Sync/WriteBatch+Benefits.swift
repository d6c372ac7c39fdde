@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// What one amount is computed from: the standard, the survey visit and the sum.
struct BenefitBasis: Sendable {
    var standard: BenefitStandard
    var visit: Visit
    var computation: BenefitComputation

    /// `820.00 yuan/person × 3 − income 1000.50 = 1459.50 yuan (standard …; visit … of …)`.
    var sum: String {
        let c = computation
        var text =
            "\(c.perCapitaStandard) yuan/person × \(c.size) − income \(c.income) = \(c.gap > .zero ? c.gap : .zero) yuan"
        if c.amount != c.gap && c.amount > .zero { text += ", paid \(c.amount) yuan" }
        if !c.eligible { text += "; not eligible" }
        text += " (standard \(standard.summary); visit \(visit.id) of \(CalendarDate(chinaDayOf: visit.endedAt))"
        let ignored = visit.income.ignored
        if !ignored.isEmpty { text += "; not amounts in fen, left out: \(ignored.joined(separator: ", "))" }
        return text + ")"
    }
}

/// Everything the amounts of enrolments in one region are computed from, as one write
/// transaction sees it. Built once per decision from the records the transaction read (see
/// ``ReadRequest/benefitInputs(in:)``).
struct BenefitInputs {
    var standards: [BenefitStandard]
    var visits: [HouseholdID: [Visit]]
    var sizes: [HouseholdID: Int]
    var history: [EnrolmentID: [AmountChange]]
    /// Enrolments whose amount waits for a person: a member is counted in an earlier household
    /// on the roll (see ``holds(_:)``), with why.
    var held: [EnrolmentID: String]

    init(_ batch: WriteBatch, region: RegionCode) {
        held = Self.holds(batch)
        standards = batch.records(of: .standard, in: nil).compactMap { Self.body($0, as: BenefitStandard.self) }
        visits = Dictionary(grouping: batch.records(of: .visit, in: region).compactMap { Self.body($0, as: Visit.self) }, by: \.householdID)
        var sizes: [HouseholdID: Int] = [:]
        for record in batch.records(of: .member, in: region) {
            guard case .state(let state) = record.content, !state.isDeleted,
                let text = state.values["householdID"]?.stringValue, let household = try? HouseholdID(text)
            else { continue }
            sizes[household, default: 0] += 1
        }
        self.sizes = sizes
        history = Dictionary(
            grouping: batch.records(of: .amountChange, in: region).compactMap { Self.body($0, as: AmountChange.self) }
                .filter(\.cause.changesAmount), by: \.enrolmentID)
    }

    static func body<T: Decodable>(_ record: StoredRecord, as type: T.Type) -> T? {
        guard case .body(let body) = record.content else { return nil }
        return try? body.decode(as: type)
    }

    /// The amount `enrolment` gets on `date`, or why none can be computed (`no-standard`,
    /// `no-survey`, `not-eligible` for a household with no members on record).
    func basis(for enrolment: Enrolment, on date: CalendarDate, rule: BenefitRule) -> Result<BenefitBasis, ReviewRefusal> {
        if let why = held[enrolment.id] { return .failure(ReviewRefusal(.duplicateMember, why)) }
        guard
            let standard = BenefitCalculator.standard(
                for: enrolment.region, programme: enrolment.programme, on: date, among: standards)
        else {
            return .failure(
                ReviewRefusal(.noStandard, "no \(enrolment.programme.rawValue) standard is in force for \(enrolment.region) on \(date)"))
        }
        guard let visit = Visit.latest(of: visits[enrolment.householdID] ?? []) else {
            return .failure(ReviewRefusal(.noSurvey, "household \(enrolment.householdID) has no survey visit to take its income from"))
        }
        let size = sizes[enrolment.householdID] ?? 0
        guard size > 0 else {
            return .failure(ReviewRefusal(.notEligible, "household \(enrolment.householdID) has no members on record"))
        }
        let computation = BenefitCalculator.compute(
            perCapita: standard.monthlyPerCapita, size: size, income: visit.income.total, rule: rule)
        return .success(BenefitBasis(standard: standard, visit: visit, computation: computation))
    }

    /// The amounts `enrolment` should have from `date` on: one for `date`, and one for each later
    /// day a standard for its area and programme takes effect (a standard may be entered ahead).
    func schedule(for enrolment: Enrolment, from date: CalendarDate, rule: BenefitRule) -> Result<
        [(CalendarDate, BenefitBasis)], ReviewRefusal
    > {
        let later = Set(
            standards.filter { $0.programme == enrolment.programme && $0.region.contains(enrolment.region) && $0.effectiveFrom > date }
                .map(\.effectiveFrom)
        ).sorted()
        var out: [(CalendarDate, BenefitBasis)] = []
        for day in [date] + later {
            switch basis(for: enrolment, on: day, rule: rule) {
            case .success(let b): out.append((day, b))
            case .failure(let why): return .failure(why)
            }
        }
        return .success(out)
    }

    /// The amount in force on `date` by `changes` (the one effective last on or before it, the
    /// later entry on the same day), or `fallback` before any.
    static func amount(on date: CalendarDate, in changes: [AmountChange], fallback: Fen) -> Fen {
        changes.filter { $0.effectiveFrom <= date }.max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }?.amount ?? fallback
    }
}

extension ReadRequest {
    /// What ``BenefitInputs`` reads for enrolments in `region`.
    mutating func readBenefitInputs(in region: RegionCode) {
        scopes += [
            ScopeRead(.standard, in: nil), ScopeRead(.visit, in: region), ScopeRead(.member, in: region),
            ScopeRead(.amountChange, in: region),
        ]
    }
}

extension WriteBatch {
    /// The amount changes that bring `enrolment` in line with `schedule`, given its history:
    /// one for each step whose amount differs from what the history (with the changes made so
    /// far) holds on that day.
    /// - Returns: the changes, and the monthly amount the enrolment holds afterwards (the one
    ///   effective last).
    func amountChanges(
        for enrolment: Enrolment, schedule: [(CalendarDate, BenefitBasis)], history: [AmountChange],
        cause: (CalendarDate) -> AmountChange.Cause,
        reason: (CalendarDate, BenefitBasis, AmountChange?) -> String
    ) -> ([AmountChange], Fen) {
        var all = history
        var made: [AmountChange] = []
        let at = Instant(millis: now)
        for (day, basis) in schedule {
            let current = BenefitInputs.amount(on: day, in: all, fallback: history.isEmpty ? enrolment.monthlyAmount : .zero)
            let before = all.filter { $0.effectiveFrom <= day }.max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
            guard basis.computation.amount != current || history.isEmpty && made.isEmpty else { continue }
            let change = AmountChange(
                enrolmentID: enrolment.id, householdID: enrolment.householdID, region: enrolment.region, programme: enrolment.programme,
                previous: current, amount: basis.computation.amount, effectiveFrom: day, cause: cause(day),
                reason: reason(day, basis, before), standard: basis.standard.id, visit: basis.visit.id, computation: basis.computation,
                at: at)
            made.append(change)
            all.append(change)
        }
        let latest = all.max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }?.amount ?? enrolment.monthlyAmount
        return (made, latest)
    }

    /// The server's signed change set writing `fields` of an enrolment and storing `records`
    /// (amount changes, a standard), stamped after everything the transaction has seen.
    /// - Throws: when signing fails; nothing is staged then.
    mutating func serverChangeSet(
        enrolment key: RecordKey?, region: RegionCode, state: RecordState?, fields: [String: JSONValue], records: [any ImmutableRecord],
        serverKey: Curve25519.Signing.PrivateKey, node: NodeID
    ) throws -> ChangeSet {
        for field in fields.keys {
            if let stamp = state?.fields[field]?.stamp { _ = try? clock.receive(stamp, now: now) }
        }
        let stamp = clock.tick(now: now)
        var changes: [Change] = []
        if let key, !fields.isEmpty {
            let writes = fields.sorted { $0.key < $1.key }.map {
                FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: state?.fields[$0.key]?.stamp)
            }
            changes.append(Change(entity: .enrolment, record: key.id, region: region, payload: .writes(writes)))
        }
        for record in records {
            changes.append(
                Change(
                    entity: type(of: record).kind, record: record.recordID, region: record.region,
                    payload: .body(try JSONValue(encoding: record))))
        }
        return try ChangeSet(origin: node, stamp: stamp, changes: changes).signed(with: serverKey)
    }

    /// Applies a server change set made by ``serverChangeSet(enrolment:region:state:fields:records:serverKey:node:)``
    /// as the office, remembering each result.
    /// - Returns: whether every change applied.
    mutating func applyAsOffice(_ set: ChangeSet, node: NodeID, maxDrift: Int64) -> Bool {
        var ok = true
        for change in set.changes {
            let office = WriterContext(role: .admin, scope: change.region.ancestor(at: .province), isServer: true)
            let result = apply(change, in: set, bodySignature: .notApplicable, writer: office, maxDrift: maxDrift)
            remember(result, device: node)
            ok = ok && (result.status == .applied || result.status == .conflictRecorded)
        }
        return ok
    }

    /// Audits each amount change: `amount.changed` on the enrolment, with the reason.
    /// Status entries are not audited here: the review decision that made them is.
    mutating func auditAmounts(_ changes: [AmountChange], actor: String) {
        for c in changes where c.cause.changesAmount {
            audit(
                actor: actor, action: "amount.changed", subject: "enrolment/\(c.enrolmentID)",
                detail: "\(c.cause.rawValue) from \(c.effectiveFrom): \(c.previous) → \(c.amount) yuan/month; \(c.reason)")
        }
    }
}
