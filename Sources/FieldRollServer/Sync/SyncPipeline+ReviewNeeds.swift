import FieldRollCore
import Foundation

/// Something an application still lacks before a step of the review chain can approve it.
public enum ReviewNeed: String, Sendable, Hashable, Codable, CaseIterable {
    /// No survey visit of the household is on record: the county step takes its income from the
    /// latest one (recorded on a device, or entered at the township from the paper sheet).
    case survey
    /// No benefit standard of the programme is in force for the region today.
    case standard
    /// The household has no members on record.
    case members
    /// The public notice has not run its days yet.
    case noticeRunning = "notice-running"

    /// Whether the step cannot approve without it (the pipeline refuses), or it is for a later
    /// step: the amount is worked out by the approval that puts an application on notice — the
    /// county's, or the township's in a county whose chain lets the township approve.
    public func blocks(at step: ReviewStep, in chain: ReviewChain) -> Bool {
        switch self {
        case .survey, .standard, .members: step == (chain.townshipApproves ? .townshipReview : .countyApproval)
        case .noticeRunning: step == .publicNotice
        }
    }
}

extension SyncPipeline {
    /// What each application in `entries` still lacks for the county's approval (and, on notice,
    /// for enrolment), as of `today`: the same facts the review decision checks (a survey visit,
    /// a standard in force, members on record, the notice's days), so a page can say what a step
    /// needs before it offers the button.
    public func reviewNeeds(for entries: [ReviewQueueEntry], today: CalendarDate) async throws -> [EnrolmentID: [ReviewNeed]] {
        guard !entries.isEmpty else { return [:] }
        let key = "review-needs \(today) " + entries.map { "\($0.enrolment.id)@\($0.step.rawValue)" }.joined(separator: ",")
        return try await readModel(key) { try await freshReviewNeeds(for: entries, today: today) }
    }

    func freshReviewNeeds(for entries: [ReviewQueueEntry], today: CalendarDate) async throws -> [EnrolmentID: [ReviewNeed]] {
        let regions = Set(entries.map(\.enrolment.region))
        var surveyed = Set<HouseholdID>()
        var people = Set<HouseholdID>()
        for region in regions {
            for record in try await storage.records(of: .visit, in: region) {
                guard case .body(let body) = record.content, let visit = try? body.decode(as: Visit.self) else { continue }
                surveyed.insert(visit.householdID)
            }
            for record in try await storage.records(of: .member, in: region) {
                guard case .state(let s) = record.content, !s.isDeleted, let text = s.values["householdID"]?.stringValue,
                    let household = try? HouseholdID(text)
                else { continue }
                people.insert(household)
            }
        }
        let standards = try await storage.records(of: .standard, in: nil).compactMap { record -> BenefitStandard? in
            guard case .body(let body) = record.content else { return nil }
            return try? body.decode(as: BenefitStandard.self)
        }
        var out: [EnrolmentID: [ReviewNeed]] = [:]
        for entry in entries {
            let e = entry.enrolment
            var needs: [ReviewNeed] = []
            if [.villageSurvey, .townshipReview, .countyApproval].contains(entry.step) {
                if !surveyed.contains(e.householdID) { needs.append(.survey) }
                if BenefitCalculator.standard(for: e.region, programme: e.programme, on: today, among: standards) == nil {
                    needs.append(.standard)
                }
                if !people.contains(e.householdID) { needs.append(.members) }
            }
            if entry.step == .publicNotice, let ends = entry.noticeEnds, today < ends { needs.append(.noticeRunning) }
            out[e.id] = needs
        }
        return out
    }
}
