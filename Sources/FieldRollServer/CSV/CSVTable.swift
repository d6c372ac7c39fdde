/// A table of text cells written as RFC 4180 CSV (UTF-8, `\n` line ends), the way county
/// offices exchange household lists and rolls.
public struct CSVTable: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The CSV text. Cells holding a comma, quote, or line break are quoted, quotes doubled.
    public var text: String {
        var out = ""
        for row in [header] + rows {
            out += row.map(Self.quote).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
