import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension TextEncoding: ExpressibleByArgument {}

extension CrossCheckSource: ExpressibleByArgument {
    /// Only the departments: the rolls have their own command.
    public static var allValueStrings: [String] { departments.map(\.rawValue) }

    public init?(argument: String) {
        guard let source = CrossCheckSource(rawValue: argument), source != .rolls else { return nil }
        self = source
    }
}

extension FieldRollServerCommand {
    /// `fieldroll-server crosscheck …`
    struct CrossCheckCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crosscheck",
            abstract: "Check households against other departments' data and against the rolls; flags go to the review queue.",
            discussion: """
                `import` reads a department's CSV export keyed by resident ID (vehicles, property, \
                deposits, tax, business), in UTF-8 or GB18030/GBK, and flags every household whose member \
                it contradicts, with the evidence row and the rule. `rolls` flags one resident ID in two \
                households, the same ID twice in a household, and two heads. Running either again raises \
                nothing new. Thresholds: FIELDROLL_CROSSCHECK_* settings (docs/crosscheck.md).
                  fieldroll-server crosscheck import --source vehicles 车辆登记.csv
                  fieldroll-server crosscheck rolls
                  fieldroll-server crosscheck list --scope 139901002000
                """,
            subcommands: [CrossCheckImport.self, CrossCheckRolls.self, CrossCheckList.self])
    }

    struct CrossCheckImport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Cross-check one department's CSV export against the rolls.",
            discussion: """
                Rows whose resident ID fails its GB 11643 check digit, or whose amount is not an amount, \
                are listed with their line and not applied; the rest are. A file that cannot be read \
                (missing, neither UTF-8 nor GB18030, not CSV, lacking a column) exits 1 and changes nothing.
                  fieldroll-server crosscheck import --source deposits --encoding gb18030 银行存款.csv --json
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "Which department's file it is.") var source: CrossCheckSource
        @Option(help: "The file's text encoding (auto: UTF-8 if valid, else GB18030).") var encoding: TextEncoding = .auto
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Print JSON: rows, bad rows with their lines, flags raised.") var json = false

        func run() async throws {
            let thresholds = try options.crossCheckThresholds()
            let (table, used) = try CSVTable.departmentFile(file, encoding: encoding)
            let pipeline = try await options.open()
            let report: CrossCheckReport
            do {
                report = try await pipeline.crossCheck(
                    table, source: source, file: file, encoding: used, thresholds: thresholds, as: .operator("admin:crosscheck"),
                    now: CLIClock.millis())
            } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            try CrossCheckOutput.print(report, json: json)
        }
    }

    struct CrossCheckRolls: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rolls",
            abstract: "Flag one resident ID in two households, the same resident ID twice in one household, and two heads.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON: members checked, flags raised.") var json = false

        func run() async throws {
            let pipeline = try await options.open()
            let report: CrossCheckReport
            do { report = try await pipeline.crossCheckRolls(as: .operator("admin:crosscheck"), now: CLIClock.millis()) } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            try CrossCheckOutput.print(report, json: json)
        }
    }

    struct CrossCheckList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every cross-check flag raised, oldest first, with its evidence.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only households inside this region code (county, township or village).") var scope: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var region: RegionCode?
            if let scope {
                do { region = try RegionCode(scope) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            }
            let pipeline = try await options.open()
            let flags = try await pipeline.flags(in: region)
            await pipeline.storage.close()
            if json {
                print(try CrossCheckOutput.encode(flags))
                return
            }
            if flags.isEmpty { print("no cross-check flags") }
            for f in flags { CrossCheckOutput.printFlag(f, indent: "") }
        }
    }
}

/// How cross-check results print.
enum CrossCheckOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func print(_ r: CrossCheckReport, json: Bool) throws {
        if json {
            Swift.print(try encode(r))
            return
        }
        if let file = r.file {
            Swift.print(
                "read \(file) (\(r.encoding?.rawValue ?? "?")): \(r.rows) rows, \(r.matched) on the rolls, \(r.unmatched) not on the rolls, \(r.badRows.count) bad"
            )
        } else {
            Swift.print("checked \(r.rows) members of the rolls")
        }
        for bad in r.badRows { Swift.print("  line \(bad.line): \(bad.column): \(bad.message) — not applied") }
        Swift.print("\(r.raised.count) new flags, \(r.alreadyRaised) raised before")
        for f in r.raised { printFlag(f, indent: "  ") }
    }

    static func printFlag(_ f: CrossCheckFlag, indent: String) {
        Swift.print("\(indent)household \(f.household) (\(f.region)): \(f.rule.rawValue) [\(f.source.rawValue)] \(f.detail)")
        for e in f.evidence {
            let cells = e.cells.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.key == "resident_id" ? mask($0.value) : $0.value)" }
            Swift.print("\(indent)    \(e.line.map { "line \($0): " } ?? "")\(cells.joined(separator: " "))")
        }
    }

    /// A resident ID with its middle hidden, as lists show them.
    static func mask(_ text: String) -> String { Disclosure.maskResidentID(text) }
}

extension ServerOptions {
    /// The cross-check thresholds from `FIELDROLL_CROSSCHECK_*` settings, defaults otherwise.
    func crossCheckThresholds() throws -> CrossCheckThresholds {
        let s = try settings()
        return try CrossCheckThresholds(settings: { s.value($0) })
    }
}
