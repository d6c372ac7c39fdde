import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server regions …`
    struct Regions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place names: import the national division list (code → name, level), list what the server knows.",
            discussion: """
                Pages, the public notice and exports show a region by its name (柳河乡 上河村) once the \
                server knows it. The names come from the national list of administrative divisions saved \
                as CSV: the National Bureau of Statistics' 统计用区划代码 (12-digit codes down to the \
                village) or the Ministry of Civil Affairs' 行政区划代码 (6-digit codes down to the county), \
                or a county's own list such as Fixtures/county/regions.csv. See docs/import.md.
                  fieldroll-server regions import 区划代码.csv --by 王科长
                  fieldroll-server regions list --under 139901002000
                """,
            subcommands: [RegionsImport.self, RegionsList.self])
    }

    struct RegionsImport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Import place names from a division list in CSV (UTF-8 or GB18030).",
            discussion: """
                Columns are found by their header: the code (code, 代码, 统计用区划代码, 行政区划代码 or \
                区划代码), the name (name, 名称, 单位名称 or 区划名称) and optionally the level (level, 级别 \
                or 层级: province … village, 省 市 县 乡 村, or 1–5); other columns are ignored. Codes of 6, \
                9 or 12 digits (or 2 or 4) are padded with zeros to 12; without a level column the level \
                is the code's own. Every row is checked first: if any is bad, nothing is imported and \
                the bad rows are listed with their lines. A code the server knows gets the new name \
                (a renamed township); no name is ever deleted. Importing the same file again changes \
                no name. Audited as regions.imported.
                  fieldroll-server regions import Fixtures/county/regions.csv
                  fieldroll-server regions import --encoding gb18030 2023年统计用区划代码.csv --by 王科长
                """)
        @OptionGroup var options: ServerOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The file's text encoding (auto: UTF-8 if valid, else GB18030).") var encoding: TextEncoding = .auto
        @Option(help: "Who imports (recorded in the audit log as admin:<name>).") var by = "admin"
        @Flag(help: "Print JSON: names imported, per level, and the encoding read.") var json = false

        func run() async throws {
            let (names, used) = try PlaceNameCSV.read(contentsOfFile: file, encoding: encoding)
            let pipeline = try await options.open()
            let written: Int
            do { written = try await pipeline.importPlaceNames(names, as: .operator(by), now: CLIClock.millis()) } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            var levels: [(RegionCode.Level, Int)] = []
            for level in RegionCode.Level.all {
                let n = names.count(where: { $0.level == level })
                if n > 0 { levels.append((level, n)) }
            }
            if json {
                CLIOutput.json([
                    "imported": .int(Int64(written)), "encoding": .string(used.rawValue),
                    "levels": .object(Dictionary(uniqueKeysWithValues: levels.map { ($0.0.englishName, JSONValue.int(Int64($0.1))) })),
                ])
            } else {
                let perLevel = levels.map { "\($0.1) \($0.0.englishName)" }.joined(separator: ", ")
                print("imported \(written) place name\(written == 1 ? "" : "s") from \(file) (\(used.rawValue)): \(perLevel)")
            }
        }
    }

    struct RegionsList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the place names the server knows, by code, with the names above each.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only this region and the divisions inside it (a 12-digit code).") var under: String?
        @Flag(help: "Print JSON: code, name and level of each.") var json = false

        func run() async throws {
            var region: RegionCode?
            if let under {
                do { region = try RegionCode(under) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            }
            let pipeline = try await options.open()
            let names: PlaceNames
            do { names = try await pipeline.placeNames() } catch {
                await pipeline.storage.close()
                throw error
            }
            await pipeline.storage.close()
            let listed = names.names(under: region)
            if json {
                print(try CLIOutput.encoded(listed))
                return
            }
            if listed.isEmpty {
                let inside = region.map { " inside \($0)" } ?? ""
                print("no place names\(inside); import the division list with `fieldroll-server regions import FILE`")
                return
            }
            for place in listed {
                let level = place.level.englishName.padding(toLength: 8, withPad: " ", startingAt: 0)
                print("\(place.code)  \(level)  \(names.path(place.code))")
            }
        }
    }
}
