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
    /// not allow it (`illegal-transition`, `forbidden`, `notice-not-over`, `not-found`).
    ///
    /// The move is the server's own signed change to the enrolment's `status` and `statusSince`
    /// (and `startDate` when it first enrols), logged, audited and pulled like any other change.
    mutating func applyReview(
        _ action: ReviewAction, change: Change, in changeSet: ChangeSet, bodySignature: BodySignature, writer: WriterContext,
        chain: ReviewChain,
        serverKey: Curve25519.Signing.PrivateKey, node: NodeID, maxDrift: Int64
    ) -> ChangeResult {
        func refuse(_ code: ErrorCode, _ detail: String) -> ChangeResult {
            ChangeResult(change: change.id, status: .refused, code: code, detail: detail)
        }
        let key = RecordKey(.enrolment, action.enrolmentID.description)
        guard let stored = record(key), case .state(let state) = stored.content, !state.isDeleted,
            let enrolment = try? Enrolment(id: action.enrolmentID, values: state.values)
        else { return refuse(.notFound, "no enrolment \(action.enrolmentID)") }
        guard writer.scope.contains(enrolment.region) else {
            return refuse(.scopeViolation, "enrolment \(action.enrolmentID) is in \(enrolment.region), outside \(writer.scope)")
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
        switch chain.decide(
            action.decision, at: action.step, by: role, status: enrolment.status, since: enrolment.statusSince, today: today)
        {
        case .failure(let why): return refuse(why.code, "enrolment \(action.enrolmentID): \(why.message)")
        case .success(let t): transition = t
        }
        // The enrolment's move: the server's own write, stamped after everything it has seen,
        // signed before anything is staged (so a failure stages nothing).
        for field in ["status", "statusSince", "startDate"] {
            if let stamp = state.fields[field]?.stamp { _ = try? clock.receive(stamp, now: now) }
        }
        let stamp = clock.tick(now: now)
        var values: [String: JSONValue] = [
            "status": .string(transition.status.rawValue), "statusSince": .string(transition.since.description),
        ]
        // Enrolment starts the roll; a resumed household keeps the day it first started.
        if transition.status == .enrolled && enrolment.status == .publicNotice {
            values["startDate"] = .string(transition.since.description)
        }
        let writes = values.sorted { $0.key < $1.key }.map {
            FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: state.fields[$0.key]?.stamp)
        }
        let move = Change(entity: .enrolment, record: key.id, region: enrolment.region, payload: .writes(writes))
        let moveSet: ChangeSet
        do { moveSet = try ChangeSet(origin: node, stamp: stamp, changes: [move]).signed(with: serverKey) } catch {
            return refuse(.internalError, "the server could not sign the enrolment's move: \(error)")
        }

        let result = apply(change, in: changeSet, bodySignature: bodySignature, writer: writer, maxDrift: maxDrift)
        guard result.status == .applied else { return result }
        let office = WriterContext(role: .admin, scope: enrolment.region.ancestor(at: .province), isServer: true)
        let moved = apply(move, in: moveSet, bodySignature: .notApplicable, writer: office, maxDrift: maxDrift)
        remember(moved, device: node)
        audit(
            actor: changeSet.origin.rawValue, action: "review.\(action.decision.rawValue)", subject: "enrolment/\(key.id)",
            detail:
                "\(action.step.rawValue) by \(action.reviewer) (\(role.rawValue)): \(enrolment.status.rawValue) → \(transition.status.rawValue)"
        )
        return result
    }
}
