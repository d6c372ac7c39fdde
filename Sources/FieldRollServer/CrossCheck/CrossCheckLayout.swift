import FieldRollCore
import Foundation

/// The columns a department's CSV must (and may) have, per source. Headers are matched after
/// trimming spaces, in English (`resident_id`) or in the Chinese the departments' systems
/// write (`身份证号码`); other columns are ignored. Money is yuan, at most two decimals
/// (thousands separators, `元` and `¥` are dropped).
public struct CrossCheckLayout: Sendable {
    /// One column: its canonical name and the header names that mean it.
    public struct Column: Sendable {
        public var name: String
        public var aliases: [String]
        public var required: Bool

        init(_ name: String, _ aliases: [String], required: Bool = true) {
            self.name = name
            self.aliases = aliases
            self.required = required
        }
    }

    public var source: CrossCheckSource
    public var columns: [Column]

    static let residentID = Column("resident_id", ["身份证号码", "身份证号", "公民身份号码", "证件号码", "residentid", "id_number"])

    /// The layout of `source`'s files (the rolls have none).
    public static func of(_ source: CrossCheckSource) -> CrossCheckLayout {
        switch source {
        case .vehicles:
            CrossCheckLayout(
                source: source,
                columns: [
                    residentID, Column("plate", ["号牌号码", "车牌号码", "车牌号"]),
                    Column("value_yuan", ["车辆价值(元)", "车辆价值（元）", "评估价值(元)", "评估价值（元）", "车辆价值"]),
                    Column("model", ["品牌型号", "车辆型号"], required: false),
                ])
        case .property:
            CrossCheckLayout(
                source: source,
                columns: [
                    residentID, Column("certificate", ["不动产权证号", "产权证号", "房产证号"]),
                    Column("address", ["房屋坐落", "坐落", "地址"], required: false),
                    Column("area_m2", ["建筑面积(㎡)", "建筑面积（㎡）", "建筑面积"], required: false),
                ])
        case .deposits:
            CrossCheckLayout(
                source: source,
                columns: [
                    residentID, Column("bank", ["银行", "开户行", "金融机构"]),
                    Column("balance_yuan", ["余额(元)", "余额（元）", "存款余额(元)", "存款余额（元）", "余额"]),
                    Column("account", ["账号", "账户"], required: false),
                ])
        case .tax:
            CrossCheckLayout(
                source: source,
                columns: [
                    residentID, Column("tax_year", ["纳税年度", "所属年度", "年度"]),
                    Column("annual_income_yuan", ["年收入额(元)", "年收入额（元）", "收入额(元)", "收入额（元）", "年收入额"]),
                ])
        case .business:
            CrossCheckLayout(
                source: source,
                columns: [
                    residentID, Column("company", ["企业名称", "名称", "市场主体名称"]),
                    Column("status", ["登记状态", "经营状态", "状态"]),
                    Column("credit_code", ["统一社会信用代码", "信用代码"], required: false),
                ])
        case .rolls:
            CrossCheckLayout(source: source, columns: [])
        }
    }

    /// The canonical name of a header cell, or nil when the layout has no such column.
    func canonical(_ header: String) -> String? {
        let h = header.trimmingCharacters(in: .whitespaces)
        let lower = h.lowercased()
        return columns.first { $0.name == lower || $0.aliases.contains(h) || $0.aliases.contains(lower) }?.name
    }

    /// Which header position holds each canonical column.
    /// - Throws: ``CSVFileError`` `missing-columns` naming what is missing and what the file has.
    func positions(of header: [String], file: String) throws(CSVFileError) -> [String: Int] {
        var found: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            if let name = canonical(h), found[name] == nil { found[name] = i }
        }
        let missing = columns.filter { $0.required && found[$0.name] == nil }
        guard missing.isEmpty else {
            let wanted = missing.map { "\($0.name) (\($0.aliases.first ?? $0.name))" }.joined(separator: ", ")
            throw CSVFileError(
                .missingColumns,
                "\(file) is not a \(source.rawValue) file: it lacks \(wanted); its header is \(header.prefix(12).joined(separator: ","))")
        }
        return found
    }
}

extension Fen {
    /// Yuan as departments write it: `86,000.00`, `86000元`, `¥86000`.
    init(departmentYuan text: String, field: String) throws(ValidationError) {
        let cleaned = text.filter { !",，元¥￥ ".contains($0) }
        try self.init(yuan: cleaned, field: field)
    }
}
