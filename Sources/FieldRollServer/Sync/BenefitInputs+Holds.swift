import FieldRollCore
import Foundation

/// A person counts once: when one resident ID is a member of two households on the roll (the
/// rolls' cross-check flags it, `resident-id-in-two-households`), the amount of the household
/// that came later waits for a person. A recomputation leaves it as it is and lists it with
/// `duplicate-member`, so the second household is never paid for someone the first is paid for;
/// the flag waits beside it at `roll-review` until the office decides there (a `confirm`,
/// `suspend` or `resume` closes the flags raised before it, and the next recomputation counts the
/// household as it then stands).
extension BenefitInputs {
    /// The enrolments held, with why: for each open `resident-id-in-two-households` flag the
    /// transaction read, the flagged household's enrolments on the roll (on notice, enrolled,
    /// suspended) that applied after an enrolment on the roll of another household the flag's
    /// evidence names (by application day, then id).
    static func holds(_ batch: WriteBatch) -> [EnrolmentID: String] {
        let twice = batch.flags.filter { $0.rule == .residentIDInTwoHouseholds }
        guard !twice.isEmpty else { return [:] }
        var onRoll: [HouseholdID: [Enrolment]] = [:]
        for record in batch.records(of: .enrolment, in: nil) {
            guard case .state(let state) = record.content, !state.isDeleted, let id = try? EnrolmentID(record.id),
                let enrolment = try? Enrolment(id: id, values: state.values), SyncPipeline.recomputedStatuses.contains(enrolment.status)
            else { continue }
            onRoll[enrolment.householdID, default: []].append(enrolment)
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
            for mine in onRoll[flag.household] ?? [] where out[mine.id] == nil {
                if let at = decided[mine.id], at >= flag.raisedAt { continue }
                let earlier = others.flatMap { onRoll[$0] ?? [] }.filter { ($0.appliedOn, $0.id) < (mine.appliedOn, mine.id) }
                guard let first = earlier.min(by: { ($0.appliedOn, $0.id) < ($1.appliedOn, $1.id) }) else { continue }
                let shared = Set(
                    flag.evidence.filter { $0.cells["household"] == first.householdID.description }.compactMap { $0.cells["resident_id"] }
                ).sorted().map { (try? ResidentID($0).masked) ?? String($0.prefix(6)) + "…" }
                out[mine.id] =
                    "resident ID \(shared.joined(separator: ", ")) is counted in household \(first.householdID) "
                    + "(\(first.programme.rawValue), applied \(first.appliedOn), \(first.status.rawValue)); this household's amount "
                    + "waits for a decision at roll-review (flag \(flag.id))"
            }
        }
        return out
    }
}

extension SyncPipeline {
    /// Adds to `request` what ``BenefitInputs/holds(_:)`` needs for enrolments in `region`: the
    /// `resident-id-in-two-households` flags of its households, the enrolments of the other
    /// households they name, and the region's review actions (the decisions that close flags).
    func readHolds(into request: inout ReadRequest, in region: RegionCode) async throws {
        let twice = try await storage.flags(in: nil).filter { $0.rule == .residentIDInTwoHouseholds }
        let here = twice.filter { region.contains($0.region) }
        guard !here.isEmpty else { return }
        request.flagHouseholds += Array(Set(here.map(\.household))).sorted()
        let named = Set(here.flatMap { $0.evidence.compactMap { $0.cells["household"] } })
        let elsewhere = Set(twice.filter { named.contains($0.household.description) && !region.contains($0.region) }.map(\.region))
        request.scopes += elsewhere.sorted().map { ScopeRead(.enrolment, in: $0) } + [ScopeRead(.reviewAction, in: region)]
    }
}
