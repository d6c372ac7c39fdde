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
                  fieldroll-server payments --month 2026-12 --out 2026-12.csv     (for Excel: BOM, CRLF, 中文 headers)
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "The month, YYYY-MM.") var month: String
        @Option(help: "Only this county, township or village (default: every region).") var region: String?
        @Option(help: "Write the list as a CSV file for Excel and WPS (UTF-8 with a BOM, CRLF, IDs as text cells).") var out: String?
        @Option(help: "With --out: the header row's language, zh (the default) or en.") var headers: OfficeCSV.HeaderLanguage = .zh
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
            let names: PlaceNames
            do {
                list = try await pipeline.payments(for: which, in: area)
                names = try await pipeline.placeNames()
            } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            if let out {
                do {
                    try Data(Self.spreadsheet(list, headers: headers, names: names, below: area).bytes).write(
                        to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw CLIFailure(code: .storageFailure, message: "cannot write \(out)")
                }
                let count = list.payments.count
                return print("wrote \(count) \(count == 1 ? "payment" : "payments"), \(list.total) yuan for \(which), to \(out)")
            }
            if json {
                print(try CLIOutput.encoded(list))
                return
            }
            if list.payments.isEmpty {
                print("nobody \(area.map { "in \($0) " } ?? "")is on the roll in \(which)")
                return
            }
            for p in list.payments {
                let place = OfficeCSV.placeCell(p.region.digits, names: names, below: area)
                print(
                    "\(p.region)\(place.isEmpty ? "" : " \(place)")  \(p.headName)  \(p.programme.rawValue)  \(p.amount) yuan  household \(p.householdID)  enrolment \(p.enrolmentID)"
                )
                print("    \(p.reason)")
            }
            let count = list.payments.count
            print("\(count) \(count == 1 ? "household" : "households"), \(list.total) yuan for \(which)")
        }

        /// The list as a spreadsheet: one row a payment, then the total; beside each region code
        /// its place name below `top` (empty where the server knows none).
        static func spreadsheet(_ list: PaymentList, headers: OfficeCSV.HeaderLanguage, names: PlaceNames, below top: RegionCode?)
            -> SpreadsheetCSV
        {
            let zh = ["序号", "区划代码", "地区", "户主姓名", "救助类别", "月份", "应发金额(元)", "计算说明", "家庭编号", "救助编号"]
            let en = [
                "number", "region", "region_name", "head_name", "programme", "month", "amount_yuan", "reason", "household_id",
                "enrolment_id",
            ]
            var rows = list.payments.enumerated().map { i, p in
                [
                    "\(i + 1)", p.region.digits, OfficeCSV.placeCell(p.region.digits, names: names, below: top), p.headName,
                    headers == .zh ? p.programme.fullName : p.programme.rawValue, p.month.description, p.amount.description, p.reason,
                    p.householdID.description, p.enrolmentID.description,
                ]
            }
            rows.append(["", "", "", headers == .zh ? "合计" : "total", "", list.month.description, list.total.description, "", "", ""])
            var csv = SpreadsheetCSV(header: headers == .zh ? zh : en, rows: rows)
            csv.textColumns = [1]
            return csv
        }
    }
}
