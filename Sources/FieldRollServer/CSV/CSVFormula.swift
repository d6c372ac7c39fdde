/// The one rule every CSV the server writes follows against formula injection (OWASP "CSV
/// injection"): a cell a spreadsheet would run as a formula gets a leading apostrophe, which
/// Excel, WPS and LibreOffice show as text and never evaluate.
///
/// A cell is defused when it starts with `=`, `+`, `-`, `@`, a tab or a carriage return, so a
/// name typed into a survey as `=HYPERLINK("http://…","点击")` reaches the spreadsheet as the
/// text `'=HYPERLINK(…)`. Two exceptions keep files exact:
///
/// - A plain negative number (`-120`, `-35.50`: a minus, digits, at most one decimal point) is
///   left alone: a spreadsheet reads it as a number, never as a formula, and an auditor's sum
///   of the column still works.
/// - A cell that already starts with an apostrophe before such a character gets one more, so
///   ``restore(_:)`` gives back exactly what was written: `restore(defuse(x)) == x` for every
///   `x`, and an exported file imports back unchanged.
///
/// Used by ``CSVTable/text`` (office exports and fixtures) and ``SpreadsheetCSV`` (the public
/// notice); office imports read cells through ``restore(_:)``.
public enum CSVFormula {
    /// The characters that make a spreadsheet read a cell as a formula (or split it into one).
    static let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `value` with a leading apostrophe when a spreadsheet would read it as a formula.
    public static func defuse(_ value: String) -> String {
        needsApostrophe(Substring(value)) ? "'" + value : value
    }

    /// The cell as it was before ``defuse(_:)``: one leading apostrophe taken off a defused cell,
    /// anything else as it is.
    public static func restore(_ cell: String) -> String {
        guard cell.hasPrefix("'"), needsApostrophe(cell.dropFirst()) else { return cell }
        return String(cell.dropFirst())
    }

    static func needsApostrophe(_ value: Substring) -> Bool {
        guard let first = value.unicodeScalars.first else { return false }
        if first == "'" { return needsApostrophe(value.dropFirst()) }
        return triggers.contains(first) && !isPlainNegativeNumber(value)
    }

    /// `-` then digits with at most one `.` between digits.
    static func isPlainNegativeNumber(_ value: Substring) -> Bool {
        guard value.first == "-" else { return false }
        let parts = value.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
