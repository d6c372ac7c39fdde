/// A table of text cells as RFC 4180 CSV (UTF-8, `\n` line ends), the way county offices
/// exchange household lists and rolls.
public struct CSVTable: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The CSV text. Cells a spreadsheet would run as a formula get a leading apostrophe
    /// (``CSVFormula``; an office import takes it off again); cells holding a comma, quote, or
    /// line break are quoted, quotes doubled.
    public var text: String {
        var out = ""
        for row in [header] + rows {
            out += row.map { Self.quote(CSVFormula.defuse($0)) }.joined(separator: ",")
            out += "\n"
        }
        return out
    }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// Parses CSV text: quoted cells, doubled quotes, CRLF or LF, a UTF-8 byte-order mark (as
    /// spreadsheet programs write it). Every row must have as many cells as the header.
    /// - Throws: ``CSVError`` naming the line.
    public init(parsing text: String) throws(CSVError) {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = chars.next()
        if pending == "\u{FEFF}" { pending = chars.next() }
        var atCellStart = true
        while let c = pending {
            pending = chars.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" {
                        cell.unicodeScalars.append("\"")
                        pending = chars.next()
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    cell.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atCellStart:
                quoted = true
                atCellStart = false
            case ",":
                row.append(cell)
                cell = ""
                atCellStart = true
            case "\r":
                continue
            case "\n":
                row.append(cell)
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
                cell = ""
                atCellStart = true
                line += 1
                rowLine = line
            default:
                if c == "\"" { throw CSVError(line: line, message: "a quote inside an unquoted cell") }
                cell.unicodeScalars.append(c)
                atCellStart = false
            }
        }
        if quoted { throw CSVError(line: rowLine, message: "a quoted cell is never closed") }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        guard let header = rows.first else { throw CSVError(line: 1, message: "the file is empty; it needs a header row") }
        for (i, r) in rows.enumerated() where r.count != header.count {
            throw CSVError(line: i + 1, message: "\(r.count) cells, but the header has \(header.count)")
        }
        self.header = header
        self.rows = Array(rows.dropFirst())
    }

    /// The rows as dictionaries keyed by header name.
    public var records: [[String: String]] {
        rows.map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
    }
}

/// A CSV file that cannot be read.
public struct CSVError: Error, Sendable, Hashable {
    /// The 1-based line (of rows, counting the header) where the problem is.
    public var line: Int
    public var message: String
}
