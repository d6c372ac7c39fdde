import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension ReviewStep: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}

extension FieldRollServerCommand {
    /// `fieldroll-server review …`
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move applications along the review chain: see what waits, approve, refuse, return for survey.",
            discussion: """
                The chain: village survey → township review → county approval → public notice (at least \
                5 days) → enrolled. Every decision is a signed review action in the audit log; devices in \
                the region pull it and the enrolment's new status. A decision the chain does not allow \
                (the wrong step, the wrong role, a notice not over) is refused with its code and changes nothing.
                  fieldroll-server review list --scope 139901002000
                  fieldroll-server review approve ENROLMENT --step county-approval --by 张科长
                  fieldroll-server review refuse ENROLMENT --step township-review --by 王干事 --role reviewer --reason "存款超标"
                  fieldroll-server review suspend ENROLMENT --by 张科长 --reason "车辆核对：名下有车"
                  fieldroll-server review terminate ENROLMENT --by 张科长 --reason "家庭收入已超过标准"
                  fieldroll-server review confirm ENROLMENT --by 张科长 --reason "车辆登记在亲属名下，已核实"
                  fieldroll-server review history ENROLMENT        (every decision, who, when and why)
                Each county's chain (one-level approval, notice days, deadlines) and the holidays \
                deadlines skip come from FIELDROLL_REVIEW_CHAIN, FIELDROLL_REVIEW_COUNTIES and \
                FIELDROLL_HOLIDAYS, with make-up working days (调休) in FIELDROLL_WORKDAYS (docs/review.md).
                """,
            subcommands: [
                ReviewList.self, ReviewShow.self, ReviewHistory.self, ReviewApprove.self, ReviewRefuse.self, ReviewReturn.self,
                ReviewSuspend.self,
                ReviewResume.self,
                ReviewTerminate.self, ReviewConfirm.self,
            ])
    }

    struct ReviewList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract:
                "What waits at each step, oldest first, with its deadline, how late it is and its household's cross-check flags; at roll-review, households on the roll with a new flag or an amount of 0."
        )
        @OptionGroup var options: ServerOptions
        @Option(help: "Only applications inside this region code (county, township or village).") var scope: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var region: RegionCode?
            if let scope {
                do { region = try RegionCode(scope) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            }
            let pipeline = try await options.open()
            let queue = try await pipeline.reviewQueue(in: region, today: CalendarDate(chinaDayOf: Instant(millis: CLIClock.millis())))
            await pipeline.storage.close()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(queue), as: UTF8.self))
                return
            }
            if queue.isEmpty { print("nothing waits for review") }
            for e in queue {
                let since = e.since.map { "since \($0)" } ?? "since ?"
                let due = e.noticeEnds.map { "notice ends \($0)" } ?? e.due.map { "due \($0)" } ?? ""
                let late = e.daysLate > 0 ? "  LATE \(e.daysLate) working days" : ""
                let flagged = e.flags.isEmpty ? "" : "  FLAGS \(e.flags.count)"
                let zero = e.notEligible ? "  NOT ELIGIBLE (amount 0)" : ""
                let back = e.checkedInWhileSuspended.map { "  CHECKED IN WHILE SUSPENDED (\($0))" } ?? ""
                print(
                    "\(e.enrolment.id)  \(e.step.rawValue)  \(e.enrolment.programme.rawValue)  region \(e.enrolment.region)  \(since)  \(due)\(late)\(flagged)\(zero)\(back)"
                )
                for f in e.flags { print("    flag \(f.rule.rawValue) [\(f.source.rawValue)]: \(f.detail)") }
            }
        }
    }

    struct ReviewShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract:
                "One application in the queue: where it waits, its household and members, the latest visit and its photos, flags and open conflicts.",
            discussion: "The same entry as GET /v1/review/queue gives an approver, resident IDs in full.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The enrolment (application) id.") var enrolment: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id: EnrolmentID
            do { id = try EnrolmentID(enrolment) } catch {
                throw CLIFailure(code: .invalidRecord, message: "\(enrolment.prefix(40)) is not an enrolment id")
            }
            let pipeline = try await options.open()
            let key = RecordKey(.enrolment, id.description)
            let today = CalendarDate(chinaDayOf: Instant(millis: CLIClock.millis()))
            let found: ReviewCase?
            let status: String?
            do {
                guard let stored = try await pipeline.records([key])[key] else {
                    throw CLIFailure(code: .notFound, message: "no enrolment \(id)")
                }
                if case .state(let state) = stored.content { status = state.values["status"]?.stringValue } else { status = nil }
                found = try await pipeline.reviewCases(in: stored.region, role: .admin, today: today).first {
                    $0.enrolment == id.description
                }
            } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            guard let found else {
                let last = try? await ReviewHistory.actions(of: id, options: options).last
                let decided = last.map { a in
                    "; last decision: \(DecisionOptions.done(a.decision)) at \(a.step.rawValue) by \(a.reviewer) on "
                        + "\(CalendarDate(chinaDayOf: a.at))\(a.reason.isEmpty ? "" : ": \(a.reason)")"
                }
                throw CLIFailure(
                    code: .notFound, message: "enrolment \(id) waits for no review (it is \(status ?? "unknown"))\(decided ?? "")")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(found), as: UTF8.self))
                return
            }
            let amount = Fen(found.monthlyAmount)
            print("\(found.enrolment)  \(found.programme.rawValue)  \(found.status.rawValue), waits for \(found.step.rawValue)")
            print("  household \(found.household)  \(found.head ?? "?")  \(found.address ?? "")  region \(found.region)")
            let due = found.noticeEnds.map { "notice ends \($0)" } ?? found.due.map { "due \($0)" } ?? ""
            let late = found.daysLate > 0 ? ", \(found.daysLate) working days late" : ""
            print(
                "  since \(found.since?.description ?? "?")  \(due)\(late)  amount \(amount) yuan/month\(found.notEligible ? " (NOT ELIGIBLE)" : "")"
            )
            for m in found.members {
                print("  member \(m.name)  \(m.relation)  \(m.residentID)  income \(Fen(m.monthlyIncome)) yuan/month")
            }
            if let v = found.latestVisit {
                print("  latest visit \(v.id) by \(v.author), ended \(v.endedAt)")
                for photo in v.photos { print("    photo \(photo)") }
            } else {
                print("  no survey visit yet")
            }
            for f in found.flags { print("  flag \(f.rule) [\(f.source)]: \(f.detail)") }
            for c in found.conflicts { print("  conflict \(c.id): \(c.entity) \(c.record) field \(c.field), since \(c.detectedAt)") }
        }
    }

    /// What every decision command takes.
    struct DecisionOptions: ParsableArguments {
        @Argument(help: "The enrolment (application) id.") var enrolment: String
        @Option(
            help:
                "The step decided: village-survey, township-review, county-approval or public-notice (roll-review: use suspend, resume or terminate)."
        )
        var step: ReviewStep
        @Option(help: "Who decides (recorded with the action and in the audit log).") var by: String
        @Option(
            help:
                "The decider's role (default: reviewer at village-survey and township-review, approver at county-approval and public-notice)."
        )
        var role: Role?
        @Option(help: "Why (required to refuse or return).") var reason: String = ""
        @Flag(help: "Print JSON instead of text.") var json = false

        func decide(_ decision: ReviewDecision, with options: ServerOptions) async throws {
            let decider = role ?? ([.villageSurvey, .townshipReview].contains(step) ? .reviewer : .approver)
            try await Self.decide(
                enrolment: enrolment, step: step, decision: decision, reason: reason, by: by, role: decider, json: json, with: options)
        }

        /// A field of the review action as the option a person typed: `reviewer:` is `--by:`.
        static func optionNamed(_ detail: String) -> String {
            for (field, option) in [("reviewer: ", "--by: "), ("reason: ", "--reason: "), ("role: ", "--role: ")]
            where detail.hasPrefix(field) {
                return option + detail.dropFirst(field.count)
            }
            return detail
        }

        /// The decision as a person says it happened: `refused`, not the wire's `reject`.
        static func done(_ decision: ReviewDecision) -> String {
            switch decision {
            case .approve: "approved"
            case .reject: "refused"
            case .returnForSurvey: "returned for survey"
            case .suspend: "suspended"
            case .resume: "resumed"
            case .terminate: "terminated"
            case .confirm: "confirmed"
            }
        }

        /// Records one decision through the pipeline and prints it.
        static func decide(
            enrolment: String, step: ReviewStep, decision: ReviewDecision, reason: String, by: String, role: Role, json: Bool,
            with options: ServerOptions
        ) async throws {
            let id: EnrolmentID
            do { id = try EnrolmentID(enrolment) } catch {
                throw CLIFailure(code: .invalidRecord, message: "\(enrolment.prefix(40)) is not an enrolment id")
            }
            if by.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw CLIFailure(code: .invalidRecord, message: "--by: is required: the name of who decides")
            }
            let pipeline = try await options.open()
            let action: ReviewAction
            do {
                action = try await pipeline.review(
                    enrolment: id, step: step, decision: decision, reason: reason, as: .operator(by, role: role), now: CLIClock.millis())
            } catch let problem as ProblemDetails {
                await pipeline.storage.close()
                throw CLIFailure(code: problem.code, message: optionNamed(problem.detail ?? problem.title))
            }
            await pipeline.storage.close()
            if json {
                CLIOutput.json([
                    "action": .string(action.id.description), "enrolment": .string(id.description), "step": .string(step.rawValue),
                    "decision": .string(decision.rawValue),
                ])
            } else {
                let why = reason.isEmpty ? "" : ": \(reason)"
                print("\(done(decision)) at \(step.rawValue): \(id) by \(by)\(why) (action \(action.id))")
            }
        }
    }

    struct ReviewApprove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Approve at a step; the application moves to the next.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: DecisionOptions
        func run() async throws { try await decision.decide(.approve, with: options) }
    }

    struct ReviewRefuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refuse", abstract: "Refuse at a step, with a reason; the application ends.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: DecisionOptions
        func run() async throws { try await decision.decide(.reject, with: options) }
    }

    struct ReviewReturn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "return", abstract: "Send an application back for a new village survey, with a reason.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: DecisionOptions
        func run() async throws { try await decision.decide(.returnForSurvey, with: options) }
    }

    /// What `suspend`, `resume` and `terminate` take: no step (always `roll-review`), a required reason.
    struct RollDecisionOptions: ParsableArguments {
        @Argument(help: "The enrolment id.") var enrolment: String
        @Option(help: "Who decides (recorded with the action and in the audit log).") var by: String
        @Option(help: "The decider's role: approver or admin.") var role: Role = .approver
        @Option(help: "Why (required).") var reason: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func decide(_ decision: ReviewDecision, with options: ServerOptions) async throws {
            try await DecisionOptions.decide(
                enrolment: enrolment, step: .rollReview, decision: decision, reason: reason, by: by, role: role, json: json, with: options)
        }
    }

    struct ReviewSuspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspend",
            abstract: "Suspend an enrolled household (a missed check-in, a cross-check hit), with a reason; payments stop until resumed.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: RollDecisionOptions
        func run() async throws { try await decision.decide(.suspend, with: options) }
    }

    struct ReviewResume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resume",
            abstract: "Resume a suspended household, with a reason; its check-in window starts again today.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: RollDecisionOptions
        func run() async throws { try await decision.decide(.resume, with: options) }
    }

    struct ReviewTerminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "terminate",
            abstract: "Take an enrolled or suspended household off the roll for good, with a reason; a new application starts again.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: RollDecisionOptions
        func run() async throws { try await decision.decide(.terminate, with: options) }
    }

    struct ReviewConfirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm",
            abstract:
                "Keep a household on the roll as it is after looking at a cross-check flag, with the reason; the flag leaves the queue.")
        @OptionGroup var options: ServerOptions
        @OptionGroup var decision: RollDecisionOptions
        func run() async throws { try await decision.decide(.confirm, with: options) }
    }

    struct ReviewHistory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "Every decision on an application, oldest first: the step, what was decided, who, when and why.",
            discussion: """
                The reason a refusal, a return or a suspension was given is kept with the decision; this \
                is where to read it afterwards.
                  fieldroll-server review history 7d2f0c1e-4b3a-4e5f-9a8b-1c2d3e4f5a6b
                """)
        @OptionGroup var options: ServerOptions
        @Argument(help: "The enrolment (application) id.") var enrolment: String
        @Flag(help: "Print JSON.") var json = false

        /// The review actions recorded for `id`, oldest first.
        static func actions(of id: EnrolmentID, options: ServerOptions) async throws -> [ReviewAction] {
            let pipeline = try await options.open()
            let records: [StoredRecord]
            do { records = try await pipeline.records(of: .reviewAction, in: nil) } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            return records.compactMap { record -> ReviewAction? in
                guard case .body(let body) = record.content, let action = try? body.decode(as: ReviewAction.self), action.enrolmentID == id
                else { return nil }
                return action
            }.sorted { ($0.at, $0.id.description) < ($1.at, $1.id.description) }
        }

        func run() async throws {
            let id: EnrolmentID
            do { id = try EnrolmentID(enrolment) } catch {
                throw CLIFailure(code: .invalidRecord, message: "\(enrolment.prefix(40)) is not an enrolment id")
            }
            let actions = try await Self.actions(of: id, options: options)
            if json {
                print(try CLIOutput.encoded(actions))
                return
            }
            if actions.isEmpty { print("no decision recorded for \(id)") }
            for a in actions {
                print(
                    "\(CalendarDate(chinaDayOf: a.at))  \(a.step.rawValue)  \(DecisionOptions.done(a.decision))  by \(a.reviewer) (\(a.role.rawValue))"
                        + (a.reason.isEmpty ? "" : ": \(a.reason)"))
            }
        }
    }
}
