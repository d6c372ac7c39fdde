import FieldRollCore
import Foundation

/// A person counts once: when one resident ID is a member of two households (the rolls'
/// cross-check flags it, `resident-id-in-two-households`) and the first household is on the roll,
/// the amount of the household that applied later waits for a person. A recomputation leaves it
/// as it is and lists it with `duplicate-member`, and the approval that would put it on notice is
/// refused with that code, so the second household is never paid for someone the first is paid
/// for. It waits until the resident ID is no longer in both households (the members are put
/// right), or — for a household on the roll — until the office decides at `roll-review` (a
/// `confirm`, `suspend` or `resume` closes the flags raised before it); the next recomputation
/// then counts the household as it stands.
extension BenefitInputs {
    /// The enrolments held, with why: for each open `resident-id-in-two-households` flag the
    /// transaction read, the flagged household's enrolments that are not refused or terminated
    /// and applied after an enrolment on the roll (on notice, enrolled, suspended) of another
    /// household the flag's evidence names (by application day, then id), while a resident ID of
    /// the evidence is still a member of both.
    static func holds(_ batch: WriteBatch) -> [EnrolmentID: String] {
        let twice = batch.flags.filter { $0.rule == .residentIDInTwoHouseholds }
        guard !twice.isEmpty else { return [:] }
        var onRoll: [HouseholdID: [Enrolment]] = [:]
        var open: [HouseholdID: [Enrolment]] = [:]
        for record in batch.records(of: .enrolment, in: nil) {
            guard case .state(let state) = record.content, !state.isDeleted, let id = try? EnrolmentID(record.id),
                let enrolment = try? Enrolment(id: id, values: state.values), ![.rejected, .terminated].contains(enrolment.status)
            else { continue }
            open[enrolment.householdID, default: []].append(enrolment)
            if SyncPipeline.recomputedStatuses.contains(enrolment.status) { onRoll[enrolment.householdID, default: []].append(enrolment) }
        }
        var residents: [HouseholdID: Set<String>] = [:]
        for record in batch.records(of: .member, in: nil) {
            guard case .state(let state) = record.content, !state.isDeleted,
                let household = state.values["householdID"]?.stringValue.flatMap({ try? HouseholdID($0) }),
                let rid = state.values["residentID"]?.stringValue
            else { continue }
            residents[household, default: []].insert(rid.uppercased())
        }
        var decided: [EnrolmentID: Instant] = [:]
        for record in batch.records(of: .reviewAction, in: nil) {
            guard let action = body(record, as: ReviewAction.self), action.step == .rollReview else { continue }
            decided[action.enrolmentID] = max(decided[action.enrolmentID] ?? action.at, action.at)
        }
        var out: [EnrolmentID: String] = [:]
        for flag in twice.sorted(by: { $0.id < $1.id }) {
            let others = Set(flag.evidence.compactMap { $0.cells["household"] }.compactMap { try? HouseholdID($0) }).subtracting([
                flag.household
            ])
            for mine in open[flag.household] ?? [] where out[mine.id] == nil {
                if let at = decided[mine.id], at >= flag.raisedAt { continue }
                let earlier = others.flatMap { onRoll[$0] ?? [] }.filter { ($0.appliedOn, $0.id) < (mine.appliedOn, mine.id) }
                guard let first = earlier.min(by: { ($0.appliedOn, $0.id) < ($1.appliedOn, $1.id) }) else { continue }
                // Still counted twice: the flag's resident ID is a member of both households now.
                let shared = Set(
                    flag.evidence.filter { $0.cells["household"] == first.householdID.description }.compactMap { $0.cells["resident_id"] }
                ).filter { residents[flag.household]?.contains($0) == true && residents[first.householdID]?.contains($0) == true }
                guard !shared.isEmpty else { continue }
                let masked = shared.sorted().map { (try? ResidentID($0).masked) ?? String($0.prefix(6)) + "…" }
                out[mine.id] =
                    "resident ID \(masked.joined(separator: ", ")) is counted in household \(first.householdID) "
                    + "(\(first.programme.rawValue), applied \(first.appliedOn), \(first.status.rawValue)); this household's amount "
                    + "waits for a decision at roll-review, or for the members to be put right (flag \(flag.id))"
            }
        }
        return out
    }
}

extension SyncPipeline {
    /// Adds to `request` what ``BenefitInputs/holds(_:)`` needs for enrolments in `region`: the
    /// `resident-id-in-two-households` flags of its households, the enrolments and members of the
    /// other households they name, and the region's review actions (the decisions that close flags).
    func readHolds(into request: inout ReadRequest, in region: RegionCode) async throws {
        let twice = try await storage.flags(in: nil).filter { $0.rule == .residentIDInTwoHouseholds }
        let here = twice.filter { region.contains($0.region) }
        guard !here.isEmpty else { return }
        request.flagHouseholds = Array(Set(request.flagHouseholds + here.map(\.household))).sorted()
        let named = Set(here.flatMap { $0.evidence.compactMap { $0.cells["household"] } })
        let elsewhere = Set(twice.filter { named.contains($0.household.description) && !region.contains($0.region) }.map(\.region))
        request.scopes += elsewhere.sorted().flatMap { [ScopeRead(.enrolment, in: $0), ScopeRead(.member, in: $0)] }
        request.scopes += [ScopeRead(.enrolment, in: region), ScopeRead(.member, in: region), ScopeRead(.reviewAction, in: region)]
        request.scopes = Array(Set(request.scopes))
    }
}
