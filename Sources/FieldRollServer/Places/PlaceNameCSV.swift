import FieldRollCore
import Foundation

/// Reads the national list of administrative divisions as it is published — the National
/// Bureau of Statistics' 统计用区划代码 (12-digit codes, every level down to the village) or
/// the Ministry of Civil Affairs' 行政区划代码 (6-digit codes, down to the county) — saved as CSV.
///
/// Columns are found by their header, in any order; other columns (the bureau's 城乡分类代码,
/// the fixtures' `urban`) are ignored:
///
/// | what | headers accepted |
/// | --- | --- |
/// | code | `code`, `代码`, `统计用区划代码`, `行政区划代码`, `区划代码` |
/// | name | `name`, `名称`, `单位名称`, `区划名称` |
/// | level (optional) | `level`, `级别`, `层级`: `province`…`village`, `省` `市` `县` `乡` `村` (and `县级`, `乡镇`, `街道`, `社区`, …), or 1–5 |
///
/// A code has 2, 4, 6, 9 or 12 digits and is padded with zeros to 12 (`110105` is
/// `110105000000`). Without a level column the level is the code's own; with one, a level that
/// does not fit the code is a bad row. Files are UTF-8 (with or without a byte-order mark) or
/// GB18030/GBK (``TextEncoding``).
///
/// Every row is read before anything is returned: one bad row and the whole file is refused,
/// with every bad row's line (the header is line 1).
///
/// ```swift
/// let (names, _) = try PlaceNameCSV.read(contentsOfFile: "区划代码.csv", encoding: .auto)
/// let written = try await pipeline.importPlaceNames(names, as: .operator("王科长"), now: now)
/// ```
public enum PlaceNameCSV {
    /// Headers of the code column, in order of preference.
    public static let codeHeaders = ["code", "代码", "统计用区划代码", "行政区划代码", "区划代码"]
    /// Headers of the name column, in order of preference.
    public static let nameHeaders = ["name", "名称", "单位名称", "区划名称"]
    /// Headers of the optional level column, in order of preference.
    public static let levelHeaders = ["level", "级别", "层级"]
    /// The longest name accepted, in characters.
    public static let maxNameLength = 100

    /// Reads a division list from a file.
    /// - Returns: the names, in file order, and the encoding the file was read in.
    /// - Throws: ``CSVFileError`` (`not-found`, `unsupported-encoding`, `invalid-csv`) when the
    ///   file cannot be read as CSV; ``ImportError`` (`missing-columns`, `invalid-record`,
    ///   `invalid-csv` for a file without rows) listing every bad row.
    public static func read(contentsOfFile path: String, encoding: TextEncoding = .auto) throws -> (
        names: [PlaceName], encoding: TextEncoding
    ) {
        let (table, used) = try CSVTable.departmentFile(path, encoding: encoding)
        return (try names(in: table, file: URL(fileURLWithPath: path).lastPathComponent), used)
    }

    /// Reads a division list from the bytes of a file called `name` (an upload).
    /// - Throws: as ``read(contentsOfFile:encoding:)``.
    public static func read(data: Data, name: String, encoding: TextEncoding = .auto) throws -> (
        names: [PlaceName], encoding: TextEncoding
    ) {
        let (table, used) = try CSVTable.departmentData(data, name: name, encoding: encoding)
        return (try names(in: table, file: name), used)
    }

    /// The names a parsed table holds.
    /// - Parameter file: the file's name, for messages.
    /// - Throws: ``ImportError`` listing every bad row (`regions.csv row 3: code: …`).
    public static func names(in table: CSVTable, file: String) throws(ImportError) -> [PlaceName] {
        func problem(_ line: Int?, _ column: String?, _ code: ErrorCode, _ message: String) -> OfficeImport.Problem {
            OfficeImport.Problem(file: file, line: line, column: column, code: code, message: message)
        }
        let header = table.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ candidates: [String]) -> Int? {
            for name in candidates { if let i = header.firstIndex(of: name) { return i } }
            return nil
        }
        guard let codeColumn = column(codeHeaders), let nameColumn = column(nameHeaders) else {
            let missing = [
                column(codeHeaders) == nil ? "a code (\(codeHeaders.joined(separator: ", ")))" : nil,
                column(nameHeaders) == nil ? "a name (\(nameHeaders.joined(separator: ", ")))" : nil,
            ].compactMap { $0 }
            throw ImportError([
                problem(
                    nil, nil, .missingColumns,
                    "missing columns: \(missing.joined(separator: " and ")); the header row has \(table.header.joined(separator: ", "))")
            ])
        }
        let levelColumn = column(levelHeaders)
        guard !table.rows.isEmpty else {
            throw ImportError([problem(nil, nil, .invalidCSV, "the file has a header but no rows")])
        }
        var problems: [OfficeImport.Problem] = []
        var out: [PlaceName] = []
        var seen: [RegionCode: (line: Int, name: String)] = [:]
        for (i, row) in table.rows.enumerated() {
            let line = i + 2
            let codeText = cell(row[codeColumn])
            let nameText = cell(row[nameColumn])
            var bad = false
            var code: RegionCode?
            do { code = try Self.code(codeText) } catch {
                problems.append(
                    problem(line, table.header[codeColumn], .invalidRecord, error.issues.map(\.message).joined(separator: "; ")))
                bad = true
            }
            if nameText.isEmpty {
                problems.append(problem(line, table.header[nameColumn], .invalidRecord, "is empty"))
                bad = true
            } else if let why = Self.badName(nameText) {
                problems.append(problem(line, table.header[nameColumn], .invalidRecord, why))
                bad = true
            }
            var level: RegionCode.Level?
            if let levelColumn, case let text = cell(row[levelColumn]), !text.isEmpty {
                if let given = RegionCode.Level(listValue: text) {
                    level = given
                    if let code, given != code.level {
                        problems.append(
                            problem(
                                line, table.header[levelColumn], .invalidRecord,
                                "\(text) (\(given.englishName)) does not fit code \(code), which is a \(code.level.englishName) code"))
                        bad = true
                    }
                } else {
                    problems.append(
                        problem(
                            line, table.header[levelColumn], .invalidRecord,
                            "\"\(text.prefix(20))\" is not one of \(RegionCode.Level.listChoices)"))
                    bad = true
                }
            }
            guard !bad, let code else { continue }
            if let earlier = seen[code] {
                if earlier.name != nameText {
                    problems.append(
                        problem(
                            line, table.header[codeColumn], .invalidRecord,
                            "\(code) is named \(earlier.name) on row \(earlier.line) already, here \(nameText)"))
                }
                continue
            }
            seen[code] = (line, nameText)
            out.append(PlaceName(code: code, name: nameText, level: level ?? code.level))
        }
        guard problems.isEmpty else { throw ImportError(problems) }
        return out
    }

    /// A cell's text: a spreadsheet's text cell (`="110105"`) unwrapped, the apostrophe of a
    /// defused cell taken off, spaces around it trimmed.
    static func cell(_ text: String) -> String {
        CSVFormula.restore(SpreadsheetCSV.plain(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A list's code as a 12-digit code: 2, 4, 6, 9 or 12 digits, padded with zeros.
    /// - Throws: ``ValidationError`` saying what is wrong with it.
    public static func code(_ text: String) throws(ValidationError) -> RegionCode {
        func refuse(_ message: String) -> ValidationError {
            ValidationError([FieldIssue(field: "code", reason: "bad-format", message: message)])
        }
        if text.isEmpty { throw refuse("is empty") }
        guard text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
            if text.contains("E+") || text.contains("e+") || text.hasSuffix(".0") {
                throw refuse(
                    "\(text.prefix(20)) is a number a spreadsheet shortened; format the code column as text and save the list again")
            }
            throw refuse("\(text.prefix(20)) is not a division code: digits only")
        }
        guard [2, 4, 6, 9, 12].contains(text.count) else {
            throw refuse("\(text.prefix(20)) has \(text.count) digits; a division code has 6, 9 or 12 (or 2 or 4)")
        }
        return try RegionCode(text + String(repeating: "0", count: 12 - text.count))
    }

    /// Why `name` cannot be a place name, or nil when it can.
    static func badName(_ name: String) -> String? {
        if name.count > maxNameLength { return "is longer than \(maxNameLength) characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "holds a control character"
        }
        return nil
    }
}
