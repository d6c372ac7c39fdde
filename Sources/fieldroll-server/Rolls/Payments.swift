import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server payments`
    struct Payments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The monthly payment list: what each household on the roll is due for a month, prorated by day, and why.",
            discussion: """
                Every enrolment enrolled on some day of the month (enrolled, suspended or terminated \
                now). Each day counts the amount in force that day (its amount history: approval, \
                standards, surveys) while the household is enrolled, and nothing before its start, \
                while suspended or from its termination; the month's sum ÷ its days, rounded half up \
                to the fen once. 660.00 a month, suspended from the 16th of a 30-day month: 330.00. \
                Nothing is written. See docs/rolls.md.
                  fieldroll-server payments --month 2026-12 --region 139901002201
                  fieldroll-server payments --month 2026-12 --json > 2026-12.json
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "The month, YYYY-MM.") var month: String
        @Option(help: "Only this county, township or village (default: every region).") var region: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let which: CalendarMonth
            var area: RegionCode?
            do {
                which = try CalendarMonth(month, field: "--month")
                if let region { area = try RegionCode(region) }
            } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            let pipeline = try await options.open()
            let list: PaymentList
            do { list = try await pipeline.payments(for: which, in: area) } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            if json {
                print(try CLIOutput.encoded(list))
                return
            }
            if list.payments.isEmpty {
                print("nobody \(area.map { "in \($0) " } ?? "")is on the roll in \(which)")
                return
            }
            for p in list.payments {
                print(
                    "\(p.region)  \(p.headName)  \(p.programme.rawValue)  \(p.amount) yuan  household \(p.householdID)  enrolment \(p.enrolmentID)"
                )
                print("    \(p.reason)")
            }
            let count = list.payments.count
            print("\(count) \(count == 1 ? "household" : "households"), \(list.total) yuan for \(which)")
        }
    }
}
