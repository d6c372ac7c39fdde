import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension Programme: ExpressibleByArgument {}

extension FieldRollServerCommand {
    /// `fieldroll-server standard …`
    struct Standard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-area benefit standards: add one (recomputing the amounts it reaches), list them.",
            discussion: """
                A standard is a programme's monthly amount per person for an area (county, township or \
                village; the most specific area wins) from a date. Adding one recomputes, in the same \
                transaction, every enrolment of that programme in the area that is on notice, enrolled or \
                suspended, from the standard's date: each amount that moves is kept with its reason \
                (`fieldroll-server amounts`). Amounts: (standard × household size − household income), \
                rounded and floored by FIELDROLL_BENEFIT_ROUNDING and FIELDROLL_BENEFIT_MINIMUM. See docs/rolls.md.

                A standard that cuts any household's amount by more than FIELDROLL_STANDARD_MAX_CUT percent \
                (default 20), reaches no one, or is below the standard before it for the same area and \
                programme is not added: `standard add` lists every household it would change and why, \
                and exits 1 (needs-confirmation). Look, then run it again with --confirm. --preview \
                shows the list and adds nothing.
                  fieldroll-server standard add --region 139901000000 --programme rural-dibao --per-capita 820.00 --from 2027-01-01 --by 张科长
                  fieldroll-server standard list --region 139901002201
                """,
            subcommands: [StandardAdd.self, StandardList.self])
    }

    struct StandardAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a standard and recompute the amounts it reaches from its date.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The area: a county, township or village code (12 digits).") var region: String
        @Option(help: "urban-dibao, rural-dibao, extreme-poverty or temporary-assistance.") var programme: Programme
        @Option(help: "The monthly standard per person, in yuan with at most two decimals (820, 820.50).") var perCapita: String
        @Option(help: "The day it takes effect, YYYY-MM-DD.") var from: String
        @Option(help: "Who sets it (recorded with the standard and in the audit log).") var by: String = "admin"
        @Flag(help: "Add it even though it cuts amounts, reaches no one or is below the one before (after the preview).")
        var confirm = false
        @Flag(help: "Only list what it would change; add nothing.") var preview = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let area: RegionCode
            let date: CalendarDate
            let amount: Fen
            do {
                area = try RegionCode(region)
                amount = try Fen(yuan: perCapita, field: "--per-capita")
                date = try CalendarDate(from, field: "--from")
            } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            let pipeline = try await options.open()
            let outcome: AmountOutcome
            do {
                if preview {
                    let look = try await pipeline.previewStandard(
                        region: area, programme: programme, perCapita: amount, from: date, as: .operator(by), now: CLIClock.millis())
                    await pipeline.storage.close()
                    if json {
                        print(try CLIOutput.encoded(look))
                    } else {
                        FieldRollServerCommand.printPreview(look, pipeline.standardGuard)
                    }
                    return
                }
                outcome = try await pipeline.addStandard(
                    region: area, programme: programme, perCapita: amount, from: date, as: .operator(by), confirmed: confirm,
                    now: CLIClock.millis())
            } catch let refusal as StandardNeedsConfirmation {
                await pipeline.storage.close()
                if json {
                    print(try CLIOutput.encoded(refusal.preview))
                } else {
                    FieldRollServerCommand.printPreview(refusal.preview, refusal.guarding)
                }
                throw CLIFailure(code: refusal.code, message: refusal.message + "; run again with --confirm")
            } catch let problem as ProblemDetails {
                await pipeline.storage.close()
                throw CLIFailure(code: problem.code, message: problem.detail ?? problem.title)
            }
            await pipeline.storage.close()
            if json {
                print(try CLIOutput.encoded(outcome))
                return
            }
            if let standard = outcome.standard { print("standard \(standard.id): \(standard.summary)") }
            FieldRollServerCommand.printOutcome(outcome)
        }
    }

    /// What a standard would change, for people: each household, from when, before and after.
    static func printPreview(_ look: StandardPreview, _ guarding: StandardGuard) {
        print("standard \(look.standard.summary): reaches \(look.reached) enrolment(s), changes \(look.changes.count) amount(s)")
        if let previous = look.previous { print("  the one before: \(previous.summary), set by \(previous.setBy)") }
        for r in look.changes {
            let cut = r.cutPercent > 0 ? "  −\(r.cutPercent) %\(r.overLimit ? " (more than \(guarding.maxCutPercent) %)" : "")" : ""
            print(
                "  \(r.headName.isEmpty ? "-" : r.headName)  household \(r.householdID)  \(r.region)  from \(r.effectiveFrom)  "
                    + "\(r.previous) → \(r.amount) yuan/month\(cut)")
        }
        for s in look.skipped { print("  not recomputed: \(s.enrolment): \(s.code): \(s.message)") }
        for line in look.explain(guarding) { print("NEEDS CONFIRMATION: \(line)") }
    }

    /// What `standard add` and `amounts recompute` changed, for people.
    static func printOutcome(_ outcome: AmountOutcome) {
        let enrolments = Set(outcome.changes.map(\.enrolmentID))
        print("recomputed \(enrolments.count) enrolment(s), \(outcome.changes.count) amount change(s)")
        for c in outcome.changes {
            print("  \(c.enrolmentID)  from \(c.effectiveFrom)  \(c.previous) → \(c.amount) yuan/month")
        }
        for id in outcome.nowNotEligible { print("  NOT ELIGIBLE NOW (amount 0; decide on suspension or termination): \(id)") }
        for s in outcome.skipped { print("  not recomputed: \(s.enrolment): \(s.code): \(s.message)") }
    }

    struct StandardList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every standard recorded, by area, programme and date.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only standards for this area, the areas above it and those inside it.") var region: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var area: RegionCode?
            if let region {
                do { area = try RegionCode(region) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            }
            let pipeline = try await options.open()
            let standards = try await pipeline.standards(for: area)
            await pipeline.storage.close()
            if json {
                print(try CLIOutput.encoded(standards))
                return
            }
            if standards.isEmpty { print("no standards recorded; add one with `fieldroll-server standard add`") }
            for s in standards {
                print(
                    "\(s.effectiveFrom)  \(s.region)  \(s.programme.rawValue)  \(s.monthlyPerCapita) yuan/person  set by \(s.setBy) (\(s.id))"
                )
            }
        }
    }

    /// `fieldroll-server amounts …`
    struct Amounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Amounts: a household's history of changes and why, or recompute a region's from the latest surveys.",
            discussion: """
                  fieldroll-server amounts --household 6b0e3c52-8f0a-4d6e-b1f4-2c9a7d3e5f10
                  fieldroll-server amounts recompute --region 139901002201 --by 张科长
                """,
            subcommands: [AmountsHistory.self, AmountsRecompute.self], defaultSubcommand: AmountsHistory.self)
    }

    struct AmountsHistory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "A household's (or an enrolment's) amount history: every change, from when, and why.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The household id.") var household: String?
        @Option(help: "The enrolment id.") var enrolment: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if household == nil && enrolment == nil { throw ArgumentParser.ValidationError("give --household or --enrolment") }
        }

        func run() async throws {
            let h: HouseholdID?
            let e: EnrolmentID?
            do {
                h = try household.map { try HouseholdID($0, field: "household") }
                e = try enrolment.map { try EnrolmentID($0, field: "enrolment") }
            } catch { throw CLIFailure(code: .invalidRecord, message: (error as? FieldRollCore.ValidationError)?.message ?? "\(error)") }
            let pipeline = try await options.open()
            let history = try await pipeline.amountHistory(household: h, enrolment: e)
            await pipeline.storage.close()
            if json {
                print(try CLIOutput.encoded(history))
                return
            }
            if history.isEmpty { print("no amount on record") }
            // Amount changes and the days payments stopped or started again, in date order.
            let lines: [(CalendarDate, Int, [String])] = history.enumerated().map { i, c in
                let what: String
                switch c.cause {
                case .approval, .standard, .visit: what = "\(c.previous) → \(c.amount) yuan/month  \(c.cause.rawValue)"
                case .suspension: what = "suspended: not paid from this day (\(c.amount) yuan/month)"
                case .resumption: what = "resumed: paid again from this day (\(c.amount) yuan/month)"
                case .termination: what = "terminated: the benefit ends this day"
                }
                return (c.effectiveFrom, i, ["\(c.effectiveFrom)  \(what)  enrolment \(c.enrolmentID)", "    \(c.reason)"])
            }
            for line in lines.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { print(line.2.joined(separator: "\n")) }
        }
    }

    struct AmountsRecompute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recompute",
            abstract: "Recompute the amounts of a region's enrolments (on notice, enrolled, suspended) from their latest survey visits.",
            discussion: """
                Each amount that moves changes from the day of the household's latest survey visit, and is \
                kept with its reason (cause visit). Households whose amount falls to 0 are listed: they stay \
                on the roll until a review decision.
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "The county, township or village code.") var region: String
        @Option(help: "Who recomputes (recorded in the audit log).") var by: String = "admin"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let area: RegionCode
            do { area = try RegionCode(region) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            let pipeline = try await options.open()
            let outcome: AmountOutcome
            do { outcome = try await pipeline.recomputeAmounts(in: area, as: .operator(by), now: CLIClock.millis()) } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            if json {
                print(try CLIOutput.encoded(outcome))
                return
            }
            FieldRollServerCommand.printOutcome(outcome)
        }
    }
}
