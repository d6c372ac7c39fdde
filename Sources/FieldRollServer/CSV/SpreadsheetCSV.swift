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
    /// Columns (by position) whose digit-only cells are written as text cells, `="0123"`, so a
    /// spreadsheet keeps them as typed: an 18-digit resident ID is not cut to 15 digits, a
    /// leading zero is not dropped.
    public var textColumns: Set<Int> = []

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The UTF-8 byte-order mark spreadsheets look for.
    public static let byteOrderMark = "\u{FEFF}"

    /// The file's text, starting with the byte-order mark; every row ends in CRLF.
    public var text: String {
        var out = Self.byteOrderMark
        out += header.map(Self.cell).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.enumerated().map { textColumns.contains($0.offset) ? Self.textCell($0.element) : Self.cell($0.element) }
                .joined(separator: ",")
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

    /// A cell a spreadsheet shows as text whatever it holds: digits (and a resident ID's `X`)
    /// become the formula `="…"`, which Excel and WPS show as the text inside; anything else is
    /// an ordinary ``cell(_:)``.
    public static func textCell(_ value: String) -> String {
        guard !value.isEmpty, value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "X" || $0 == "x" }) else {
            return cell(value)
        }
        return quote("=\"\(value)\"")
    }

    /// What a cell of such a file holds, read back: a text cell `="…"` unwrapped. The apostrophe
    /// ``defuse(_:)`` put before a formula-like value is taken off once, where office import
    /// reads each cell (``CSVFormula/restore(_:)``), not here.
    public static func plain(_ value: String) -> String {
        if value.hasPrefix("=\""), value.hasSuffix("\""), value.count >= 3 {
            return String(value.dropFirst(2).dropLast())
        }
        return value
    }

    /// RFC 4180: a cell holding a comma, quote, CR or LF is quoted, its quotes doubled.
    public static func quote(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
