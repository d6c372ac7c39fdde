import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server checkins …`
    struct CheckIns: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkins",
            abstract: "Who is overdue for a check-in, which face matches a person should look at, and suspending missed windows.",
            discussion: """
                Each programme checks in monthly, quarterly, half-yearly, yearly or not at all, counted in \
                calendar months from the later of the enrolment's start (or resumption) and the household's \
                last check-in; after the due date come the grace days, then the household is overdue. A face \
                match scored below the threshold does not count and is listed by `review`. Settings: \
                FIELDROLL_CHECKIN_* (docs/checkins.md). Days are Asia/Shanghai days.
                  fieldroll-server checkins overdue --scope 139901002000
                  fieldroll-server checkins review --json
                  fieldroll-server checkins suspend-overdue --by 张科长
                """,
            subcommands: [CheckInsOverdue.self, CheckInsReview.self, CheckInsSuspendOverdue.self])
    }

    struct CheckInsOverdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "overdue",
            abstract: "List, village by village, the enrolled households whose check-in window was missed and for how long.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only households inside this region code (county, township or village).") var scope: String?
        @Option(help: "The day to count from, YYYY-MM-DD (default: today in Asia/Shanghai).") var asOf: String?
        @Flag(help: "Also list households that are due but still inside their grace days.") var includeDue = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let region = try CheckInArguments.region(scope)
            let date = try CheckInArguments.day(asOf)
            let pipeline = try await options.open()
            let list: [CheckInListEntry]
            do { list = try await pipeline.checkInList(in: region, asOf: date) } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            let shown = list.filter { $0.standing.state == .overdue || (includeDue && $0.standing.state == .due) }
            if json { return try CheckInArguments.printJSON(["asOf": AnyEncodable(date), "households": AnyEncodable(shown)]) }
            if shown.isEmpty { print("nobody is overdue on \(date)") }
            var village: RegionCode?
            for e in shown {
                let s = e.standing
                if s.region != village {
                    village = s.region
                    print("village \(s.region)")
                }
                let last = s.lastCheckIn.map { "last \($0.day) \($0.method.rawValue)" } ?? "no check-in since \(s.anchor)"
                let state = s.state == .overdue ? "OVERDUE \(s.daysOverdue) days" : "due, grace until \(s.graceEnds)"
                let low = e.lowMatches > 0 ? "  \(e.lowMatches) low face match(es)" : ""
                print(
                    "  \(e.headName ?? "?")  household \(s.householdID)  enrolment \(s.enrolmentID)  \(s.programme.rawValue) \(s.interval.rawValue)  \(last)  due \(s.due)  \(state)\(low)"
                )
            }
        }
    }

    struct CheckInsReview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review",
            abstract: "List the face-match check-ins scored below the threshold, newest first, for a person to look at.",
            discussion: """
                These check-ins do not count towards the schedule. Compare the face photo (its hash names \
                the blob) with the member's ID photo; if it is the member, ask them to check in again in \
                person or at a kiosk.
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "Only check-ins inside this region code.") var scope: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let region = try CheckInArguments.region(scope)
            let pipeline = try await options.open()
            let list: [LowMatchCheckIn]
            do { list = try await pipeline.lowMatchCheckIns(in: region) } catch {
                await pipeline.storage.close()
                throw error
            }
            let threshold = pipeline.checkInSchedule.matchThreshold
            await pipeline.storage.close()
            if json { return try CheckInArguments.printJSON(["threshold": AnyEncodable(threshold), "checkIns": AnyEncodable(list)]) }
            if list.isEmpty { print("no face match below \(threshold)‰") }
            for l in list {
                let c = l.checkIn
                print(
                    "\(c.id)  \(l.day)  \(l.memberName ?? "?")  member \(c.memberID)  household \(c.householdID)  region \(c.region)  score \(c.matchScore.map(String.init) ?? "none")‰ < \(l.threshold)‰  photo \(c.photo?.hex ?? "none")  device \(c.device)"
                )
            }
        }
    }

    struct CheckInsSuspendOverdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspend-overdue",
            abstract:
                "Suspend every enrolment whose check-in window was missed: a signed review action each, audited and pulled by devices.",
            discussion: """
                Each suspension is a `suspend` review action at `roll-review` with the missed window as its \
                reason. Resume a household with `fieldroll-server review resume ENROLMENT --by … --reason …`.
                  fieldroll-server checkins suspend-overdue --scope 139901002000 --by 张科长 --json
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "Only households inside this region code.") var scope: String?
        @Option(help: "The day to count from, YYYY-MM-DD, not after today (default: today in Asia/Shanghai).") var asOf: String?
        @Option(help: "Who decides (recorded with each action and in the audit log).") var by: String
        @Option(help: "The decider's role: approver or admin.") var role: Role = .approver
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let region = try CheckInArguments.region(scope)
            let date = try CheckInArguments.day(asOf)
            let pipeline = try await options.open()
            let report: SuspensionReport
            do {
                report = try await pipeline.suspendOverdue(in: region, asOf: date, as: .operator(by, role: role), now: CLIClock.millis())
            } catch {
                await pipeline.storage.close()
                if let problem = error as? ProblemDetails { throw CLIFailure(code: problem.code, message: problem.detail ?? problem.title) }
                throw error
            }
            await pipeline.storage.close()
            if json { return try CheckInArguments.printJSON(report) }
            for s in report.suspended {
                print(
                    "suspended enrolment \(s.standing.enrolmentID) (household \(s.standing.householdID)): \(s.reason)  action \(s.action)")
            }
            for r in report.refused { print("not suspended \(r.enrolmentID): \(r.code): \(r.detail)") }
            print("\(report.suspended.count) suspended, \(report.refused.count) refused, as of \(report.asOf)")
        }
    }
}

/// What the `checkins` commands share: reading `--scope` and `--as-of`, printing JSON.
enum CheckInArguments {
    static func region(_ text: String?) throws -> RegionCode? {
        guard let text else { return nil }
        do { return try RegionCode(text) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
    }

    /// `--as-of`, or today in Asia/Shanghai.
    static func day(_ text: String?) throws -> CalendarDate {
        guard let text else { return CalendarDate(chinaDayOf: Instant(millis: CLIClock.millis())) }
        do { return try CalendarDate(text, field: "--as-of") } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
    }

    /// One JSON object on one line, keys sorted.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// A value of any encodable type, for one JSON object with members of different types.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}
