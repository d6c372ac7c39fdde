@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// When a new standard needs a person to confirm it after seeing what it does.
public struct StandardGuard: Sendable, Hashable, Codable {
    /// The largest cut of one household's monthly amount, in percent of what it had, that a new
    /// standard may make without confirmation (`FIELDROLL_STANDARD_MAX_CUT`, default 20).
    public var maxCutPercent: Int

    public init(maxCutPercent: Int = 20) { self.maxCutPercent = maxCutPercent }

    public static let standard = StandardGuard()
}

/// What adding a standard would do, computed without writing anything: every household whose
/// amount it changes, and why it needs confirmation, if it does.
public struct StandardPreview: Sendable, Hashable, Codable {
    /// The standard as it would be recorded.
    public var standard: BenefitStandard
    /// The standard in force for the same area and programme the day before (nil: none).
    public var previous: BenefitStandard?
    /// How many enrolments it reaches (those it is the standard in force for, on its date).
    public var reached: Int
    /// Each amount it would change, with the household's head.
    public var changes: [Row]
    /// Enrolments reached whose amount could not be recomputed, with why.
    public var skipped: [AmountOutcome.Skipped]
    /// Why a person must confirm it (empty: it may be added as it is).
    public var reasons: [Reason]

    /// One amount change the standard would make.
    public struct Row: Sendable, Hashable, Codable {
        public var enrolmentID: EnrolmentID
        public var householdID: HouseholdID
        public var headName: String
        public var region: RegionCode
        public var effectiveFrom: CalendarDate
        public var previous: Fen
        public var amount: Fen
        /// The cut in percent of the previous amount, rounded down (0 for a rise).
        public var cutPercent: Int
        /// Whether the cut is more than the guard's share.
        public var overLimit: Bool
    }

    /// Why a standard needs confirmation.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// It lowers a household's amount by more than the guard's share.
        case cutsAmount = "cuts-amount"
        /// It reaches no enrolment (a wrong area or programme, or a date no one is on the roll).
        case reachesNoOne = "reaches-no-one"
        /// It is below the standard before it for the same area and programme.
        case belowPrevious = "below-previous"
    }

    /// Whether a person must confirm the standard before it is added.
    public var needsConfirmation: Bool { !reasons.isEmpty }

    /// The reasons for people, one sentence each.
    public func explain(_ guarding: StandardGuard) -> [String] {
        reasons.map { reason in
            switch reason {
            case .cutsAmount:
                let cut = changes.filter(\.overLimit)
                return "it lowers \(cut.count) household(s) by more than \(guarding.maxCutPercent) %"
            case .reachesNoOne:
                return "it reaches no one: no \(standard.programme.rawValue) enrolment in \(standard.region) is on notice, "
                    + "enrolled or suspended under it"
            case .belowPrevious:
                return "it is below the standard before it for \(standard.region) \(standard.programme.rawValue) "
                    + "(\(previous.map { "\($0.monthlyPerCapita) yuan/person from \($0.effectiveFrom)" } ?? "?"))"
            }
        }
    }
}

/// The refusal of a standard that needs a person's confirmation (`needs-confirmation`, 409):
/// what it would do is in ``preview``, and nothing was written.
public struct StandardNeedsConfirmation: FieldRollError {
    public var preview: StandardPreview
    public var guarding: StandardGuard

    public var code: ErrorCode { .needsConfirmation }
    public var message: String {
        "the standard was not added: \(preview.explain(guarding).joined(separator: "; "))"
    }
}

/// Thrown inside the preview's transaction so that it rolls back, carrying what it computed.
private struct PreviewRollback: Error {
    var preview: StandardPreview
}

extension SyncPipeline {
    /// Records a new standard and, in the same transaction, recomputes every enrolment it
    /// reaches from its effective date: each enrolment of the programme inside `region`, on
    /// notice, enrolled or suspended, for which it is the standard in force on that day (a more
    /// specific area's standard wins). Each amount that moves is written to the enrolment as the
    /// server's signed change and kept as an ``AmountChange`` with its reason, and audited.
    ///
    /// An enrolment approved after `from` is recomputed from its approval day; one whose amount
    /// cannot be computed (no survey visit, no members) keeps its amount and is listed in
    /// ``AmountOutcome/skipped``.
    ///
    /// **The guard.** A standard that moves money the wrong way — it lowers a household's amount
    /// by more than ``standardGuard``'s share (or to 0), reaches no one, or is below the standard
    /// before it for the same area and programme — is added only when `confirmed` is true, after
    /// a person has read ``previewStandard(region:programme:perCapita:from:as:now:)``. Without it
    /// the pipeline refuses with ``StandardNeedsConfirmation`` (carrying the preview) and writes
    /// nothing. Every door (the CLI's `--confirm`, the console's confirm button) passes here.
    /// `principal` must be an admin whose scope holds `region`.
    /// - Throws: ``ProblemDetails`` `invalid-record` for a standard out of range, `forbidden` or
    ///   `scope-violation` for a principal who may not; ``StandardNeedsConfirmation``; nothing is
    ///   written then.
    public func addStandard(
        region: RegionCode, programme: Programme, perCapita: Fen, from: CalendarDate, as principal: Principal, confirmed: Bool,
        now: Int64
    ) async throws -> AmountOutcome {
        try await standardTransaction(
            region: region, programme: programme, perCapita: perCapita, from: from, as: principal, now: now,
            mode: confirmed ? .confirmed : .guarded)
    }

    /// What ``addStandard(region:programme:perCapita:from:as:confirmed:now:)`` would do, without
    /// writing: the same computation in the same kind of transaction, rolled back at its end —
    /// every amount it would change, and why it needs confirmation if it does
    /// (``StandardPreview/needsConfirmation``).
    /// `principal` must be one who may add the standard (an admin whose scope holds `region`).
    /// - Throws: ``ProblemDetails`` `invalid-record` for a standard out of range; `forbidden`,
    ///   `scope-violation`.
    public func previewStandard(
        region: RegionCode, programme: Programme, perCapita: Fen, from: CalendarDate, as principal: Principal, now: Int64
    ) async throws -> StandardPreview {
        do {
            _ = try await standardTransaction(
                region: region, programme: programme, perCapita: perCapita, from: from, as: principal, now: now, mode: .preview)
        } catch let rollback as PreviewRollback {
            return rollback.preview
        }
        throw ProblemDetails(.internalError, detail: "the standard's preview computed nothing")
    }

    /// How ``standardTransaction(region:programme:perCapita:from:as:now:mode:)`` ends.
    private enum StandardMode {
        /// Roll back and hand the preview out (``PreviewRollback``).
        case preview
        /// Commit unless the standard needs confirmation (then ``StandardNeedsConfirmation``).
        case guarded
        /// Commit.
        case confirmed
    }

    /// The one computation behind adding a standard and previewing it: store the standard,
    /// recompute what it reaches, list the changes with their heads, then commit, refuse or roll
    /// back by `mode`.
    private func standardTransaction(
        region: RegionCode, programme: Programme, perCapita: Fen, from: CalendarDate, as principal: Principal, now: Int64,
        mode: StandardMode
    ) async throws -> AmountOutcome {
        try principal.authorize(.addStandard, at: region)
        let actor = principal.actor
        let standard = BenefitStandard(
            region: region, programme: programme, monthlyPerCapita: perCapita, effectiveFrom: from, setBy: actor, at: Instant(millis: now))
        do { try standard.validated() } catch { throw ProblemDetails(.invalidRecord, detail: error.message) }
        var request = ReadRequest(scopes: [ScopeRead(.enrolment, in: region), ScopeRead(.household, in: region)])
        request.readBenefitInputs(in: region)
        try await readHolds(into: &request, in: region)
        let node = serverNode
        let key = serverKey
        let rule = benefitRule
        let guarding = standardGuard
        let maxDrift = maxClockDrift
        return try await timed("standard") {
            try await storage.write(reading: request) { snapshot in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
                let previous = BenefitInputs(batch, region: region).standards
                    .filter { $0.region == region && $0.programme == programme && $0.effectiveFrom <= from }
                    .max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
                let set = try batch.serverChangeSet(
                    enrolment: nil, region: region, state: nil, fields: [:], records: [standard], serverKey: key, node: node)
                guard batch.applyAsOffice(set, node: node, maxDrift: maxDrift) else {
                    throw ProblemDetails(.invalidRecord, detail: "the standard \(standard.summary) was not stored")
                }
                batch.audit(
                    actor: actor, action: "standard.added", subject: "standard/\(standard.id)",
                    detail: standard.summary + (mode == .confirmed ? " (confirmed)" : ""))
                let inputs = BenefitInputs(batch, region: region)
                let reached = batch.amountEnrolments(in: region).filter { _, _, e in
                    e.programme == programme
                        && BenefitCalculator.standard(for: e.region, programme: programme, on: from, among: inputs.standards)?.id
                            == standard.id
                }
                var outcome = try batch.recompute(
                    reached, inputs: inputs, rule: rule,
                    start: { _, history in .success(max(from, history.map(\.effectiveFrom).min() ?? from)) }, cause: .standard,
                    reason: { _, _, basis, before in
                        let old = before?.computation.map { "\($0.perCapitaStandard)" } ?? "?"
                        return "standard \(basis.standard.effectiveFrom) \(programme.rawValue) \(basis.standard.region): "
                            + "\(old) → \(basis.standard.monthlyPerCapita) yuan/person; \(basis.sum)"
                    }, actor: actor, serverKey: key, node: node, maxDrift: maxDrift)
                outcome.standard = standard
                if mode == .confirmed { return (batch.finish(), outcome) }
                let preview = StandardPreview(
                    standard: standard, previous: previous, reached: reached.count, outcome: outcome,
                    heads: batch.headNames(in: region), guarding: guarding)
                if mode == .preview { throw PreviewRollback(preview: preview) }
                if preview.needsConfirmation { throw StandardNeedsConfirmation(preview: preview, guarding: guarding) }
                return (batch.finish(), outcome)
            }
        }
    }
}

extension StandardPreview {
    /// The preview of a standard from what adding it computed.
    init(
        standard: BenefitStandard, previous: BenefitStandard?, reached: Int, outcome: AmountOutcome, heads: [HouseholdID: String],
        guarding: StandardGuard
    ) {
        let rows = outcome.changes.map { c in
            let cut = c.amount < c.previous ? (c.previous - c.amount).rawValue : 0
            return Row(
                enrolmentID: c.enrolmentID, householdID: c.householdID, headName: heads[c.householdID] ?? "", region: c.region,
                effectiveFrom: c.effectiveFrom, previous: c.previous, amount: c.amount,
                cutPercent: c.previous > .zero ? Int(cut * 100 / c.previous.rawValue) : 0,
                // "More than" the share: 20 % of 600.00 is 120.00, so 480.00 passes and 479.99 does not.
                overLimit: cut * 100 > c.previous.rawValue * Int64(guarding.maxCutPercent))
        }
        var reasons: [Reason] = []
        if rows.contains(where: \.overLimit) { reasons.append(.cutsAmount) }
        if reached == 0 { reasons.append(.reachesNoOne) }
        if let previous, standard.monthlyPerCapita < previous.monthlyPerCapita { reasons.append(.belowPrevious) }
        self.init(
            standard: standard, previous: previous, reached: reached, changes: rows, skipped: outcome.skipped, reasons: reasons)
    }
}

extension WriteBatch {
    /// The head's name of each household inside `region`, by id.
    func headNames(in region: RegionCode) -> [HouseholdID: String] {
        var heads: [HouseholdID: String] = [:]
        for record in records(of: .household, in: region) {
            guard case .state(let state) = record.content, let id = try? HouseholdID(record.id) else { continue }
            heads[id] = state.values["headName"]?.stringValue ?? ""
        }
        return heads
    }
}
