import Foundation

/// CSV for people who open it in a spreadsheet (Excel, WPS): UTF-8 with a byte-order mark so
/// Chinese text shows, CRLF line ends, RFC 4180 quoting, and no formula injection.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
/// formula by a spreadsheet (a name like `=HYPERLINK(…)` typed into a survey); such a cell gets
/// a leading apostrophe, which spreadsheets show as text: ``CSVFormula``, the rule every CSV
/// the server writes shares.
///
/// ```swift
/// let csv = SpreadsheetCSV(header: ["户主", "金额"], rows: [["张*明", "1459.50"]])
/// try Data(csv.bytes).write(to: url)
/// ```
public struct SpreadsheetCSV: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The UTF-8 byte-order mark spreadsheets look for.
    public static let byteOrderMark = "\u{FEFF}"

    /// The file's text, starting with the byte-order mark; every row ends in CRLF.
    public var text: String {
        var out = Self.byteOrderMark
        for row in [header] + rows {
            out += row.map(Self.cell).joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    /// The file's bytes (UTF-8).
    public var bytes: [UInt8] { Array(text.utf8) }

    /// One cell, defused and quoted as needed.
    public static func cell(_ value: String) -> String {
        quote(defuse(value))
    }

    /// `value` with a leading apostrophe when a spreadsheet would read it as a formula
    /// (``CSVFormula/defuse(_:)``).
    public static func defuse(_ value: String) -> String { CSVFormula.defuse(value) }

    /// RFC 4180: a cell holding a comma, quote, CR or LF is quoted, its quotes doubled.
    public static func quote(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
