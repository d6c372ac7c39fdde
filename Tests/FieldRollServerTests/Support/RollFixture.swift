@preconcurrency import Crypto
import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// What the amount tests need on the roll, written the way it arrives in life: households and
/// members and enrolments by the office (server-signed writes through the pipeline), survey
/// visits signed by an enrolled caseworker's device and pushed like any device's change.
struct RollFixture {
    let pipeline: SyncPipeline
    let caseworker: NodeID
    let key: Curve25519.Signing.PrivateKey
    var clock: HybridLogicalClock

    /// Enrols a caseworker device for `scope` in `pipeline`.
    static func make(_ pipeline: SyncPipeline, scope: RegionCode) async throws -> RollFixture {
        let code = Secrets.enrolmentCode()
        _ = try await pipeline.createDevice(
            name: "李敏的平板", role: .caseworker, scope: scope, codeHash: Secrets.hash(code), expiresAt: Int64.max / 2, as: .operator(), now: 0)
        let key = Curve25519.Signing.PrivateKey()
        let device = try await pipeline.redeem(
            codeHash: Secrets.hash(code), publicKey: key.publicKey, tokenHash: Secrets.hashToken(Secrets.token()), proposedID: nil, now: 0)
        return RollFixture(pipeline: pipeline, caseworker: device.id, key: key, clock: HybridLogicalClock(node: pipeline.serverNode))
    }

    /// Writes records as the office, in one signed change set. A correction of a record already
    /// written (no base stamp) is kept with a conflict record: pass `correcting`.
    mutating func office<R: FieldMergedRecord>(_ records: [R], now: Int64, correcting: Bool = false) async throws {
        let stamp = clock.tick(now: now)
        let changes = try records.map { r in
            Change(
                entity: R.kind, record: r.id.description, region: r.region,
                payload: .writes(
                    try r.fieldValues.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
                ))
        }
        let set = try ChangeSet(origin: pipeline.serverNode, stamp: stamp, changes: changes).signed(with: pipeline.serverKey)
        let answer = try await pipeline.push(
            [set], pusher: pipeline.serverNode, writer: WriterContext(role: .admin, scope: try RegionCode("130000000000"), isServer: true),
            now: now)
        let accepted: Set<ChangeResult.Status> = correcting ? [.applied, .conflictRecorded] : [.applied]
        try #require(answer.results.allSatisfy { accepted.contains($0.status) }, "\(answer.results)")
    }

    /// A household of `names.count` people (the first the head) in `village`, and its
    /// application, as the office records them at intake.
    mutating func household(
        in village: RegionCode, names: [String], programme: Programme = .ruralDibao, status: EnrolmentStatus = .applied,
        appliedOn: String = "2026-11-20", now: Int64
    ) async throws -> (HouseholdID, EnrolmentID) {
        let household = Household(
            region: village, address: "上河村3组12号", headName: names[0], housing: .selfBuilt, declaredMonthlyIncome: .zero)
        let ids = ["11010519491231002X", "110105195203050039", "110105198001010016", "110105201001010010", "110105201501010033"]
        let members = try names.enumerated().map { i, name in
            Member(
                householdID: household.id, region: village, name: name, residentID: try ResidentID(ids[i]),
                relation: i == 0 ? .head : i == 1 ? .spouse : .child, work: .farming, monthlyIncome: .zero)
        }
        let enrolment = Enrolment(
            householdID: household.id, region: village, programme: programme, status: status, monthlyAmount: .zero,
            appliedOn: try CalendarDate(appliedOn), startDate: status == .enrolled ? try CalendarDate(appliedOn) : nil,
            statusSince: try CalendarDate(appliedOn))
        try await office([household], now: now)
        try await office(members, now: now)
        try await office([enrolment], now: now)
        return (household.id, enrolment.id)
    }

    /// A survey visit of `household` with `answers` (income answers in fen), signed and pushed
    /// by the caseworker; it ends at `now`.
    @discardableResult
    func visit(
        _ household: HouseholdID, in village: RegionCode, answers: [String: JSONValue], photos: [FieldRollCore.SHA256Digest] = [],
        supersedes: VisitID? = nil, now: Int64
    ) async throws -> Visit {
        let visit = try Visit(
            householdID: household, region: village, author: "李敏", device: caseworker, startedAt: Instant(millis: now - 600_000),
            endedAt: Instant(millis: now), answers: answers, photos: photos, supersedes: supersedes
        ).signed(with: key)
        var deviceClock = HybridLogicalClock(node: caseworker)
        let set = try ChangeSet(
            origin: caseworker, stamp: deviceClock.tick(now: now),
            changes: [Change(entity: .visit, record: visit.id.description, region: village, payload: .body(try JSONValue(encoding: visit)))]
        ).signed(with: key)
        let answer = try await pipeline.push(
            [set], pusher: caseworker, writer: WriterContext(role: .caseworker, scope: village, isServer: false), now: now)
        try #require(answer.results.map(\.status) == [.applied], "\(answer.results)")
        return visit
    }

    /// The enrolment as stored.
    func enrolment(_ id: EnrolmentID) async throws -> Enrolment {
        let record = try #require(try await pipeline.storage.records(of: .enrolment, in: nil).first { $0.id == id.description })
        guard case .state(let s) = record.content else { throw ProblemDetails(.notFound, detail: "no state") }
        return try Enrolment(id: id, values: s.values)
    }

    /// Moves an application along the two-level chain up to public notice, approving at each
    /// step on consecutive days from `day`.
    func approveToNotice(_ id: EnrolmentID, from day: Int64) async throws {
        try await pipeline.review(
            enrolment: id, step: .villageSurvey, decision: .approve, reason: "", as: .operator("村干部", role: .reviewer), now: day)
        try await pipeline.review(
            enrolment: id, step: .townshipReview, decision: .approve, reason: "", as: .operator("乡镇民政", role: .reviewer), now: day)
        try await pipeline.review(
            enrolment: id, step: .countyApproval, decision: .approve, reason: "", as: .operator("张科长", role: .approver), now: day)
    }
}

/// The code a review (or any pipeline call) is refused with; nil when it went through, or
/// failed with something other than a problem.
func refusal(_ body: () async throws -> Void) async -> ErrorCode? {
    do {
        try await body()
        return nil
    } catch let e as ProblemDetails { return e.code } catch { return nil }
}
