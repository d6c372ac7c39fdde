import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension OfficeCSV.HeaderLanguage: ExpressibleByArgument {}

extension FieldRollServerCommand {
    /// `fieldroll-server import`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import households, members and the roll from office CSV files.",
            discussion: """
                Columns are those `export` writes (see Fixtures/county/*.csv and docs/import.md), with \
                their English names (resident_id) or the Chinese ones `export` writes by default \
                (身份证号); text cells as `export` writes them (="110105…") are read as their text. Every \
                row is checked first — its cells, the household it names, the importer's region — and if \
                any is bad nothing is imported and the bad rows are listed. A row without an id is \
                matched to the record it describes, never copied. Importing the same files again \
                changes nothing. An import never changes an enrolment's status or amount: the review \
                chain does. Example:
                  fieldroll-server import --households households.csv --members members.csv --enrolments enrolments.csv
                """
        )
        @OptionGroup var options: ServerOptions
        @Option(help: "households.csv") var households: String?
        @Option(help: "members.csv") var members: String?
        @Option(help: "enrolments.csv (the roll)") var enrolments: String?
        @Option(help: "Who imports (recorded in the audit log).") var by = "admin"
        @Flag(
            help: """
                Load the roll as it stands elsewhere (moving a county onto FieldRoll): new enrolments may \
                arrive in any status, marked in the audit log as imported history. Without it a new \
                enrolment must be `applied`; only the review chain puts a household on the roll.
                """) var history = false
        @Flag(help: "Print JSON instead of text: rows and new or changed records per kind.") var json = false

        func validate() throws {
            guard households != nil || members != nil || enrolments != nil else {
                throw ValidationError("name at least one of --households, --members, --enrolments")
            }
        }

        func run() async throws {
            func load(_ path: String?) throws -> CSVTable? {
                guard let path else { return nil }
                return OfficeCSV.normalised(try CSVTable(contentsOfFile: path))
            }
            let tables = (try load(households), try load(members), try load(enrolments))
            let pipeline = try await options.open()
            var progress: (@Sendable (Int, Int) -> Void)?
            if !json && CLIOutput.isTerminal {
                progress = { done, total in CLIOutput.progress("writing", done: done, total: total) }
            }
            let summary = try await OfficeImport(pipeline: pipeline).run(
                households: tables.0, members: tables.1, enrolments: tables.2, as: .operator(by), history: history,
                source: [households, members, enrolments].compactMap { $0 }.joined(separator: ", "), now: CLIClock.millis(),
                progress: progress)
            await pipeline.storage.close()
            if json {
                var out: [String: JSONValue] = [:]
                for kind in [EntityKind.household, .member, .enrolment] {
                    guard let rows = summary.rows[kind] else { continue }
                    out[kind.rawValue + "s"] = .object(["rows": .int(Int64(rows)), "changed": .int(Int64(summary.changed[kind] ?? 0))])
                }
                CLIOutput.json(out)
            } else {
                print("imported \(summary)")
            }
        }
    }

    /// `fieldroll-server export`
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the server's households, members or roll as office CSV.",
            discussion: """
                A file for Excel and WPS: UTF-8 with a byte-order mark, CRLF line ends, Chinese column \
                names (--headers en for the English ones scripts use), and resident IDs, region codes \
                and phones as text cells (="110105194912310021"), so the spreadsheet keeps every digit. \
                Beside each region code is its place name (地区, region_name: 柳河乡 上河村, the names \
                below --scope; empty for a code whose name the server does not know, see `regions \
                import`). The roll also carries each enrolment's status date and end date \
                (status_since, end_date). `import` reads the file back with either header and ignores \
                these added columns. Cells a spreadsheet would run as a formula (starting with =, +, \
                -, @, a tab or CR; plain negative numbers excepted) get a leading apostrophe, which \
                import takes off again. Example:
                  fieldroll-server export enrolments --scope 139901002000 --out roll.csv
                """
        )
        @OptionGroup var options: ServerOptions
        @Argument(help: "Which records to write.") var what: What
        @Option(help: "Only records inside this region (default: all).") var scope: String?
        @Option(help: "The file to write (default: standard output).") var out: String?
        @Option(help: "The header row's language: zh (中文, the default) or en (the layout's English names).")
        var headers: OfficeCSV.HeaderLanguage = .zh
        @Flag(help: "With --out: print JSON (rows written, file) instead of text.") var json = false
        @Flag(
            help:
                "Mask resident IDs (birth digits hidden), birth dates (year only) and phone numbers, for a copy to share; such a file does not import back."
        )
        var masked = false

        /// The record kinds office CSV carries.
        enum What: String, CaseIterable, ExpressibleByArgument {
            case households, members, enrolments

            var entity: EntityKind {
                switch self {
                case .households: .household
                case .members: .member
                case .enrolments: .enrolment
                }
            }
        }

        func run() async throws {
            let kind = what.entity
            var region: RegionCode?
            if let scope {
                do { region = try RegionCode(scope) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            }
            let pipeline = try await options.open()
            var table = try await OfficeExport.table(kind, pipeline: pipeline, scope: region, disclosure: masked ? .restricted : .full)
            if what == .enrolments { table = try await OfficeCSV.withStatusDates(table, pipeline: pipeline, scope: region) }
            table = OfficeCSV.withPlaceNames(table, names: try await pipeline.placeNames(), below: region)
            let rows = table.rows
            let text = OfficeCSV.spreadsheet(table, headers: headers).text
            if let out {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                    throw CLIFailure(code: .storageFailure, message: "cannot write \(out)")
                }
                if json {
                    CLIOutput.json(["rows": .int(Int64(rows.count)), "kind": .string(what.rawValue), "out": .string(out)])
                } else {
                    print("wrote \(rows.count) \(what.rawValue) to \(out)")
                }
            } else {
                print(text, terminator: "")
            }
        }
    }
}
