import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server notice`
    struct Notice: AsyncParsableCommand {
        /// What the notice is printed as.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case html, csv
        }

        static let configuration = CommandConfiguration(
            abstract: "Print the public notice (公示) of a village or township: an A4 HTML page or a spreadsheet CSV.",
            discussion: """
                Lists the households on public notice and those enrolled within the last 30 days, with \
                the head's name and resident ID masked (张*明, 110105********123X), the programme, the \
                household size, the monthly amount in yuan and the notice's dates. The HTML page is in \
                Chinese and prints on A4; the CSV is UTF-8 with a byte-order mark and CRLF, safe to open \
                in Excel or WPS. The complaint telephone and address come from --contact or \
                FIELDROLL_NOTICE_CONTACT. Producing a notice is recorded in the audit log.
                  fieldroll-server notice --region 139901002201 --place 上河村 --out 上河村公示.html
                  fieldroll-server notice --region 139901002000 --format csv --out notice.csv --date 2026-12-01
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "The village or township code (12 digits).") var region: String
        @Option(help: "html (an A4 page) or csv.") var format: Format = .html
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Option(help: "The notice's date, YYYY-MM-DD (default: today in China).") var date: String?
        @Option(help: "The village or township's name for the title (default: the region code).") var place: String?
        @Option(help: "The complaint telephone and address printed at the foot [env FIELDROLL_NOTICE_CONTACT].") var contact: String?
        @Option(help: "Who prints it (recorded in the audit log).") var by = "admin"

        func run() async throws {
            let area: RegionCode
            let day: CalendarDate
            do {
                area = try RegionCode(region)
                day = try date.map { try CalendarDate($0, field: "date") } ?? CalendarDate(chinaDayOf: Instant(millis: CLIClock.millis()))
            } catch { throw CLIFailure(code: .invalidRecord, message: (error as? FieldRollCore.ValidationError)?.message ?? "\(error)") }
            guard area.level == .village || area.level == .township else {
                throw CLIFailure(code: .invalidRecord, message: "a notice is for a village or a township, not \(area)")
            }
            let config = try options.configuration()
            let pipeline = try await options.open()
            let notice: PublicNotice
            do {
                notice = try await pipeline.printNotice(
                    for: area, on: day, place: place, contact: contact ?? config.noticeContact, format: format.rawValue, as: .operator(by),
                    now: CLIClock.millis())
            } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            let bytes: [UInt8] = format == .html ? Array(try NoticeHTML.page(notice).utf8) : notice.csv.bytes
            if let out {
                do { try Data(bytes).write(to: URL(fileURLWithPath: out)) } catch {
                    throw CLIFailure(code: .invalidConfiguration, message: "cannot write \(out): \(error.localizedDescription)")
                }
                print("\(notice.title): \(notice.entries.count) household\(notice.entries.count == 1 ? "" : "s") → \(out)")
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }
}
