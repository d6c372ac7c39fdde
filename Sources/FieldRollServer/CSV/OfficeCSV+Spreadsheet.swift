import FieldRollCore
import Foundation

/// The office layouts as files for Excel and WPS: Chinese column names by default, a byte-order
/// mark, CRLF, and identifiers that are digits (resident IDs, region codes, phones) as text
/// cells, so a spreadsheet keeps all 18 digits of `110105194912310021` instead of showing
/// `1.10105E+17` and saving `110105194912310000`. Import reads these files back — Chinese or
/// English headers, text cells or plain — through ``OfficeCSV/normalised(_:)``.
extension OfficeCSV {
    /// The language of the header row of an export.
    public enum HeaderLanguage: String, Sendable, CaseIterable {
        /// 中文 column names (the default for people).
        case zh
        /// The English column names of the layout (`resident_id`, …), as scripts expect them.
        case en
    }

    /// The Chinese name of each column of the three layouts.
    public static let chineseHeaders: [String: String] = [
        "id": "编号", "region": "区划代码", "address": "地址", "head_name": "户主姓名", "phone": "联系电话", "housing": "住房类型",
        "housing_area_m2": "住房面积(平方米)", "declared_monthly_income_yuan": "申报家庭月收入(元)", "assets": "家庭财产",
        "household_id": "家庭编号", "name": "姓名", "resident_id": "身份证号", "relation": "与户主关系", "birth_date": "出生日期",
        "sex": "性别", "disability": "残疾情况", "health": "健康状况", "work": "就业状况", "monthly_income_yuan": "月收入(元)",
        "programme": "救助类别", "status": "状态", "monthly_amount_yuan": "月保障金额(元)", "applied_on": "申请日期",
        "start_date": "开始日期", "status_since": "状态日期", "end_date": "终止日期", "region_name": "地区",
    ]

    /// Columns whose values are digit strings a spreadsheet would turn into numbers.
    public static let textColumns: Set<String> = ["region", "resident_id", "phone"]

    /// `table` (an office layout with its English header) as a spreadsheet file.
    public static func spreadsheet(_ table: CSVTable, headers: HeaderLanguage = .zh) -> SpreadsheetCSV {
        let header = headers == .zh ? table.header.map { chineseHeaders[$0] ?? $0 } : table.header
        let text = Set(table.header.enumerated().filter { textColumns.contains($0.element) }.map(\.offset))
        var csv = SpreadsheetCSV(header: header, rows: table.rows)
        csv.textColumns = text
        return csv
    }

    /// A table as read from a file, in the layout's terms: Chinese column names replaced by the
    /// English ones and text cells (`="110105…"`) unwrapped. (The apostrophe an export put before
    /// a cell a spreadsheet would take for a formula, `'-1号`, comes off where import reads each
    /// cell, once.)
    public static func normalised(_ table: CSVTable) -> CSVTable {
        let english = Dictionary(chineseHeaders.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        let header = table.header.map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            return english[trimmed] ?? trimmed
        }
        return CSVTable(header: header, rows: table.rows.map { $0.map(SpreadsheetCSV.plain) })
    }

    /// `table` with a `region_name` column (地区) right after its `region` column, for people:
    /// each row's place as ``PlaceNames/path(_:below:)`` gives it below `top` (the export's
    /// scope), `柳河乡 上河村`; empty where the server knows no name for the code. Import
    /// ignores the column, so the file still imports back.
    public static func withPlaceNames(_ table: CSVTable, names: PlaceNames, below top: RegionCode?) -> CSVTable {
        guard let regionColumn = table.header.firstIndex(of: "region"), !table.header.contains("region_name") else { return table }
        var header = table.header
        header.insert("region_name", at: regionColumn + 1)
        return CSVTable(
            header: header,
            rows: table.rows.map { row in
                var row = row
                row.insert(placeCell(row[regionColumn], names: names, below: top), at: regionColumn + 1)
                return row
            })
    }

    /// The name cell of a region code in an export: its path below `top`, or empty when the
    /// server knows no name for it (the code column beside it says the rest).
    public static func placeCell(_ code: String, names: PlaceNames, below top: RegionCode?) -> String {
        guard let region = try? RegionCode(code), names.name(of: region) != nil else { return "" }
        return names.path(region, below: top)
    }

    /// The roll's table with two more columns for people: `status_since` (the day the current
    /// status began) and `end_date` (termination), by the enrolments stored. Import ignores them.
    public static func withStatusDates(_ table: CSVTable, pipeline: SyncPipeline, scope: RegionCode?) async throws -> CSVTable {
        guard let idColumn = table.header.firstIndex(of: "id") else { return table }
        var dates: [String: (String, String)] = [:]
        for record in try await pipeline.records(of: .enrolment, in: scope) {
            guard case .state(let state) = record.content, let id = try? EnrolmentID(record.id),
                let e = try? Enrolment(id: id, values: state.values)
            else { continue }
            dates[record.id] = (e.statusSince?.description ?? "", e.endDate?.description ?? "")
        }
        return CSVTable(
            header: table.header + ["status_since", "end_date"],
            rows: table.rows.map { row in
                let d = dates[row[idColumn]] ?? ("", "")
                return row + [d.0, d.1]
            })
    }
}
