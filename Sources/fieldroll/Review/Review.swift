import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation

extension ReviewStep: ExpressibleByArgument {}
extension ReviewDecision: ExpressibleByArgument {}

extension FieldRollCommand {
    /// `fieldroll review …`: a reviewer's or approver's decisions, offline.
    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "See the applications waiting in this device's region and decide on them offline.",
            discussion: """
                Decisions are pushed by the next `fieldroll sync`; the server moves the application \
                along the review chain (docs/review.md) or refuses the decision (then `sync` exits 3 \
                and lists it). Example:
                  fieldroll review list
                  fieldroll review decide ENROLMENT --step county-approval --decision approve --by 张科长
                """,
            subcommands: [ReviewList.self, ReviewDecide.self])
    }

    struct ReviewList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Applications in this device's region still in the review chain.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let s = try store.open()
            guard let scope = try s.enrolment()?.scope else {
                throw ClientError(.notFound, "this device is not enrolled; `fieldroll enroll` first")
            }
            let waiting = try s.enrolments(in: scope).filter { ReviewChain.standard.step(awaitedBy: $0.status) != nil }
            if store.json { return try Output.json(waiting) }
            if waiting.isEmpty { print("nothing waits for review in \(scope)") }
            for e in waiting {
                let step = ReviewChain.standard.step(awaitedBy: e.status)?.rawValue ?? ""
                print(
                    "\(e.id)  \(e.status.rawValue) → \(step)  \(e.programme.rawValue)  region \(e.region)\(e.statusSince.map { "  since \($0)" } ?? "")"
                )
            }
        }
    }

    struct ReviewDecide: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide", abstract: "Record a decision at a step: approve, reject or return-for-survey.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The enrolment (application) id.") var enrolment: String
        @Option(help: "village-survey, township-review, county-approval, public-notice or roll-review.") var step: ReviewStep
        @Option(help: "approve, reject or return-for-survey; at roll-review suspend, resume, terminate or confirm.") var decision:
            ReviewDecision
        @Option(help: "Who decides.") var by: String
        @Option(help: "Why (required to reject or return).") var reason: String = ""

        func run() throws {
            // Named as typed: the action's own field is `reviewer`, which nobody typed.
            if by.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ClientError(.invalidRecord, "--by: is required: the name of who decides")
            }
            if decision != .approve && reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ClientError(.invalidRecord, "--reason: is required to \(decision.rawValue)")
            }
            let s = try store.open()
            guard let role = try s.enrolment()?.role else {
                throw ClientError(.notFound, "this device is not enrolled; its role decides who may review")
            }
            let id: EnrolmentID
            do { id = try EnrolmentID(enrolment) } catch { throw ClientError(.invalidRecord, "\(enrolment) is not an enrolment id") }
            let action = try s.recordReview(enrolment: id, step: step, decision: decision, reason: reason, reviewer: by, role: role)
            if store.json { return try Output.json(["action": action.id.description, "enrolment": id.description]) }
            print("recorded \(decision.rawValue) at \(step.rawValue) for \(id) (action \(action.id)); `fieldroll sync` sends it")
        }
    }
}
