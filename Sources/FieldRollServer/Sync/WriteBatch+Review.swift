@preconcurrency import Crypto
import FieldRollCore
import Foundation

extension SyncPipeline {
    /// The review action a change carries, if it is one that decodes (a bad body is refused
    /// later by the ordinary checks).
    static func reviewAction(in change: Change) -> ReviewAction? {
        guard change.entity == .reviewAction, case .body(let body) = change.payload else { return nil }
        return try? body.decode(as: ReviewAction.self)
    }
}

extension WriteBatch {
    /// Applies a review action and, in the same transaction, the move of its enrolment that the
    /// review chain decides — or refuses the action whole, changing nothing, when the chain does
    /// not allow it (`illegal-transition`, `forbidden`, `notice-not-over`, `not-found`). The chain
    /// that decides is the enrolment's county's, from `chains`.
    ///
    /// The move is the server's own signed change to the enrolment's `status` and `statusSince`
    /// (and `startDate` when it first enrols, `endDate` when it is terminated), logged, audited and pulled like any other change. The
    /// approval that puts an application on public notice also computes its monthly amount by
    /// `rule` (written with the move, kept as an ``AmountChange``), or is refused with
    /// `no-standard`, `no-survey` or `not-eligible`.
    mutating func applyReview(
        _ action: ReviewAction, change: Change, in changeSet: ChangeSet, bodySignature: BodySignature, writer: WriterContext,
        chains: ReviewChains, rule: BenefitRule,
        serverKey: Curve25519.Signing.PrivateKey, node: NodeID, maxDrift: Int64
    ) -> ChangeResult {
        func refuse(_ code: ErrorCode, _ detail: String) -> ChangeResult {
            ChangeResult(change: change.id, status: .refused, code: code, detail: detail)
        }
        let key = RecordKey(.enrolment, action.enrolmentID.description)
        guard let stored = record(key), case .state(let state) = stored.content, !state.isDeleted,
            let enrolment = try? Enrolment(id: action.enrolmentID, values: state.values)
        else { return refuse(.notFound, "no enrolment \(action.enrolmentID)") }
        guard writer.covers(enrolment.region) else {
            return refuse(.scopeViolation, "enrolment \(action.enrolmentID) is in \(enrolment.region), outside \(writer.scopeText)")
        }
        guard action.region == enrolment.region else {
            return refuse(
                .invalidRecord, "the review action names region \(action.region); enrolment \(action.enrolmentID) is in \(enrolment.region)"
            )
        }
        // The role that counts is the pushing device's (or the office's); the action must say the same.
        let role = writer.isServer ? action.role : writer.role
        guard role == action.role else {
            return refuse(.forbidden, "the action says \(action.role.rawValue) but comes from a \(writer.role.rawValue)")
        }
        let today = CalendarDate(chinaDayOf: Instant(millis: now))
        let transition: ReviewTransition
        switch chains.chain(for: enrolment.region).decide(
            action.decision, at: action.step, by: role, status: enrolment.status, since: enrolment.statusSince, today: today)
        {
        case .failure(let why): return refuse(why.code, "enrolment \(action.enrolmentID): \(why.message)")
        case .success(let t): transition = t
        }
        // A confirmation moves nothing: the action itself is the record that a person looked.
        guard transition.moves else {
            let result = apply(change, in: changeSet, bodySignature: bodySignature, writer: writer, maxDrift: maxDrift)
            guard result.status == .applied else { return result }
            audit(
                actor: changeSet.origin.rawValue, action: "review.\(action.decision.rawValue)", subject: "enrolment/\(key.id)",
                detail: "\(action.step.rawValue) by \(action.reviewer) (\(role.rawValue)): stays \(enrolment.status.rawValue)")
            return result
        }
        var values: [String: JSONValue] = [
            "status": .string(transition.status.rawValue), "statusSince": .string(transition.since.description),
        ]
        // Enrolment starts the roll; a resumed household keeps the day it first started.
        if transition.status == .enrolled && enrolment.status == .publicNotice {
            values["startDate"] = .string(transition.since.description)
        }
        // Terminated: the benefit ends that day.
        if transition.status == .terminated { values["endDate"] = .string(transition.since.description) }
        // Going on notice: the amount the notice shows, computed now, in this transaction.
        var amounts: [AmountChange] = []
        if transition.status == .publicNotice {
            let inputs = BenefitInputs(self, region: enrolment.region)
            let schedule: [(CalendarDate, BenefitBasis)]
            switch inputs.schedule(for: enrolment, from: today, rule: rule) {
            case .failure(let why): return refuse(why.code, "enrolment \(action.enrolmentID): \(why.message)")
            case .success(let s): schedule = s
            }
            guard let first = schedule.first?.1, first.computation.eligible else {
                let sum = schedule.first.map(\.1.sum) ?? ""
                return refuse(.notEligible, "enrolment \(action.enrolmentID): the means test gives nothing: \(sum)")
            }
            let (made, latest) = amountChanges(
                for: enrolment, schedule: schedule, history: inputs.history[enrolment.id] ?? [],
                cause: { $0 == today ? .approval : .standard },
                reason: { day, basis, _ in
                    day == today
                        ? "approved at \(action.step.rawValue) by \(action.reviewer): \(basis.sum)"
                        : "standard \(basis.standard.summary) takes effect: \(basis.sum)"
                })
            amounts = made
            values["monthlyAmount"] = .int(latest.rawValue)
        }
        // A day payment stops or starts again enters the amount history beside the amounts.
        if let cause = Self.statusCause(from: enrolment.status, to: transition.status) {
            amounts.append(
                statusEntry(
                    enrolment, cause: cause, from: transition.since, history: BenefitInputs(self, region: enrolment.region).history,
                    reason: "\(cause.rawValue) at \(action.step.rawValue) by \(action.reviewer): \(action.reason)"))
        }
        // The enrolment's move: the server's own write, stamped after everything it has seen,
        // signed before anything is staged (so a failure stages nothing).
        let moveSet: ChangeSet
        do {
            moveSet = try serverChangeSet(
                enrolment: key, region: enrolment.region, state: state, fields: values, records: amounts, serverKey: serverKey, node: node)
        } catch {
            return refuse(.internalError, "the server could not sign the enrolment's move: \(error)")
        }

        // The action and the move stand or fall together: a batch is a value, so going back to
        // it undoes whatever the action staged.
        let before = self
        let result = apply(change, in: changeSet, bodySignature: bodySignature, writer: writer, maxDrift: maxDrift)
        guard result.status == .applied else { return result }
        guard applyAsOffice(moveSet, node: node, maxDrift: maxDrift) else {
            self = before
            return refuse(.internalError, "enrolment \(action.enrolmentID): its move could not be written; nothing was changed")
        }
        auditAmounts(amounts, actor: changeSet.origin.rawValue)
        audit(
            actor: changeSet.origin.rawValue, action: "review.\(action.decision.rawValue)", subject: "enrolment/\(key.id)",
            detail:
                "\(action.step.rawValue) by \(action.reviewer) (\(role.rawValue)): \(enrolment.status.rawValue) → \(transition.status.rawValue)"
        )
        return result
    }

    /// The history entry a status move makes: suspended, resumed, terminated (nil for others).
    static func statusCause(from old: EnrolmentStatus, to new: EnrolmentStatus) -> AmountChange.Cause? {
        switch (old, new) {
        case (_, .suspended): .suspension
        case (.suspended, .enrolled): .resumption
        case (_, .terminated): .termination
        default: nil
        }
    }

    /// A status entry of the amount history: the day payment stopped or started again, with the
    /// monthly amount in force that day (unchanged) and the figures it came from.
    func statusEntry(
        _ enrolment: Enrolment, cause: AmountChange.Cause, from day: CalendarDate, history: [EnrolmentID: [AmountChange]],
        reason: String
    ) -> AmountChange {
        let inForce = (history[enrolment.id] ?? []).filter { $0.effectiveFrom <= day }
            .max { ($0.effectiveFrom, $0.at) < ($1.effectiveFrom, $1.at) }
        let amount = inForce?.amount ?? enrolment.monthlyAmount
        return AmountChange(
            enrolmentID: enrolment.id, householdID: enrolment.householdID, region: enrolment.region, programme: enrolment.programme,
            previous: amount, amount: amount, effectiveFrom: day, cause: cause, reason: reason, standard: inForce?.standard,
            visit: inForce?.visit, computation: inForce?.computation, at: Instant(millis: now))
    }
}
