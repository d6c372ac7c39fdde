import FieldRollCore
import Foundation
import GRDB

extension DeviceStore {
    /// Records a reviewer's or approver's decision on an application this device has pulled,
    /// offline; the next sync pushes it and the server moves the enrolment along the review
    /// chain (or refuses the action, which then shows in the rejected list).
    /// - Throws: `not-found` for an enrolment this device does not hold; `invalid-record` for a
    ///   refusal or return without a reason.
    @discardableResult
    public func recordReview(
        enrolment: EnrolmentID, step: ReviewStep, decision: ReviewDecision, reason: String, reviewer: String, role: Role, at: Instant? = nil
    ) throws -> ReviewAction {
        let region = try read { db -> RegionCode in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT region FROM records WHERE entity = 'enrolment' AND id = ?", arguments: [enrolment.description])
            else {
                throw ClientError.notFound("enrolment \(enrolment)")
            }
            return try RegionCode(row["region"] as String)
        }
        let action = ReviewAction(
            enrolmentID: enrolment, region: region, reviewer: reviewer, role: role, step: step, decision: decision, reason: reason,
            at: at ?? Instant(millis: now()))
        do { try action.validated() } catch { throw ClientError(.invalidRecord, error.message) }
        return try commit { tx in
            try tx.insert(
                .reviewAction, id: action.id.description, region: region, household: nil, member: nil, at: action.at.millis,
                body: try JSONValue(encoding: action))
            return action
        }
    }

    /// The enrolments this device holds inside `scope` (as pulled from the server).
    public func enrolments(in scope: RegionCode) throws -> [Enrolment] {
        let (lo, hi) = Self.range(scope)
        return try read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, state FROM records WHERE entity = 'enrolment' AND region BETWEEN ? AND ? ORDER BY id",
                arguments: [lo, hi]
            ).compactMap { row in
                let s = try RecordCodec.decodeState(row["state"], entity: .enrolment, vault: vault)
                guard !s.isDeleted, let id = try? EnrolmentID(row["id"] as String) else { return nil }
                return try? Enrolment(id: id, values: s.values)
            }
        }
    }
}
